"""The saved views page: change a saved view's name, description and settings (layout, size,
colours), delete it and undo the delete, each at the version the page was opened on (the
roles that edit the map). Its filters and camera change from the map ("Update this view")."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import redirect, render

from coalitions import roles
from coalitions.roles import Permission
from networks.map.models import MapLayout, SavedView
from networks.map.selectors import custom_field_keys
from networks.map.services import saved_view_delete, saved_view_undelete, saved_view_update
from weft.pages import attempt

RECENTLY_DELETED = 10

# The map's "Colour by" menu (community only once a metric run found one; the map falls back
# to stance when a view asks for what it cannot show).
COLOURS = [
    ("stance", "Stance"),
    ("community", "Community (latest metric run)"),
    ("kind", "Kind of actor"),
    ("ally_kind", "Natural or strategic ally"),
    ("phase", "Member's phase"),
    ("working_group", "Working group"),
    ("tag", "Tag"),
]
SIZES = [
    ("influence", "Influence"),
    ("degree", "Number of ties"),
    ("commitment", "Commitment"),
    ("proximity", "Proximity to the target"),
]


class SavedViewForm(forms.Form):
    name = forms.CharField(max_length=120, label="Name")
    description = forms.CharField(
        max_length=2000,
        required=False,
        label="Description",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    layout = forms.ChoiceField(choices=MapLayout.choices, label="Layout")
    size_by = forms.ChoiceField(choices=SIZES, label="Size by")
    colour_by = forms.ChoiceField(choices=COLOURS, label="Colour by")
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, custom_fields=(), current_colour=None, **kwargs):
        super().__init__(*args, **kwargs)
        colours = COLOURS + [(f"custom:{key}", f"{key} (custom field)") for key in custom_fields]
        if current_colour and current_colour not in dict(colours):
            colours.append((current_colour, current_colour))  # a custom field gone since
        self.fields["colour_by"].choices = colours


def _form(view, custom_fields, data=None) -> SavedViewForm:
    return SavedViewForm(
        data,
        initial={
            "name": view.name,
            "description": view.description,
            "layout": view.layout,
            "size_by": view.size_by,
            "colour_by": view.colour_by,
            "version": view.version,
        },
        prefix=f"v{view.pk}",
        custom_fields=custom_fields,
        current_colour=view.colour_by,
    )


def _recently_deleted(access) -> list:
    """The latest deletion of each saved view not back since (one query)."""
    records = (
        SavedView.history.filter(coalition_id=access.coalition.pk, history_type="-")
        .exclude(Exists(SavedView.objects.filter(pk=OuterRef("id"))))
        .select_related("history_user")
        .order_by("-history_id")[: RECENTLY_DELETED * 3]
    )
    latest = {}
    for record in records:
        latest.setdefault(record.id, record)
    return list(latest.values())[:RECENTLY_DELETED]


@login_required
def saved_views(request, coalition_id: int):
    access = roles.require(request.user, coalition_id, Permission.MAP_EDIT_ALL)
    if request.method == "POST" and request.POST.get("action") == "undelete":
        done = attempt(
            request, lambda: saved_view_undelete(access=access, view_id=request.POST.get("view"))
        )
        if not done.refused:
            messages.success(request, f"Saved view “{done.result.name}” is back.")
        return redirect("map-saved-views", coalition_id=access.coalition.pk)
    views = list(
        SavedView.objects.filter(coalition=access.coalition)
        .select_related("created_by")
        .order_by("name", "id")
    )
    custom_fields = custom_field_keys(access.coalition)
    forms_by_view = {view.pk: _form(view, custom_fields) for view in views}
    status = 200
    if request.method == "POST":
        view = next((v for v in views if str(v.pk) == request.POST.get("view")), None)
        if view is None:
            raise Http404("No such saved view.")
        if request.POST.get("action") == "delete":
            done = attempt(
                request,
                lambda: saved_view_delete(
                    access=access, view=view, expected_version=request.POST.get("version")
                ),
            )
            if not done.refused:
                messages.success(
                    request,
                    f"Saved view “{view.name}” deleted. “Recently deleted” below can undo it.",
                )
            return redirect("map-saved-views", coalition_id=access.coalition.pk)
        form = _form(view, custom_fields, data=request.POST)
        forms_by_view[view.pk] = form
        if form.is_valid():
            changes = {
                key: form.cleaned_data[key]
                for key in ("name", "description", "layout", "size_by", "colour_by")
            }
            done = attempt(
                request,
                lambda: saved_view_update(
                    access=access,
                    view=view,
                    expected_version=form.cleaned_data["version"],
                    **changes,
                ),
                form=form,
            )
            if not done.refused:
                messages.success(request, f"Saved view “{done.result.name}” saved.")
                return redirect("map-saved-views", coalition_id=access.coalition.pk)
            status = done.status
        else:
            status = 400
    for view in views:
        view.edit_form = forms_by_view[view.pk]
        view.open = forms_by_view[view.pk].is_bound
    context = {
        "access": access,
        "coalition": access.coalition,
        "views": views,
        "deleted": _recently_deleted(access),
    }
    return render(request, "networks/saved_views.html", context, status=status)
