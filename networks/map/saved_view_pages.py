"""The saved views page: rename or delete the coalition's saved views (the roles that edit
the map), each at the version the page was opened on."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from coalitions import roles
from coalitions.roles import Permission
from networks.map.models import SavedView
from networks.map.services import saved_view_delete, saved_view_update
from weft.pages import attempt


class RenameForm(forms.Form):
    name = forms.CharField(max_length=120, label="New name")
    version = forms.IntegerField(widget=forms.HiddenInput)


@login_required
def saved_views(request, coalition_id: int):
    access = roles.require(request.user, coalition_id, Permission.MAP_EDIT_ALL)
    views = list(
        SavedView.objects.filter(coalition=access.coalition)
        .select_related("created_by")
        .order_by("name", "id")
    )
    forms_by_view = {
        view.pk: RenameForm(
            initial={"name": view.name, "version": view.version}, prefix=f"v{view.pk}"
        )
        for view in views
    }
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
                messages.success(request, f"Saved view “{view.name}” deleted.")
            return redirect("map-saved-views", coalition_id=access.coalition.pk)
        form = RenameForm(request.POST, prefix=f"v{view.pk}")
        forms_by_view[view.pk] = form
        if form.is_valid():
            done = attempt(
                request,
                lambda: saved_view_update(
                    access=access,
                    view=view,
                    expected_version=form.cleaned_data["version"],
                    name=form.cleaned_data["name"],
                ),
                form=form,
            )
            if not done.refused:
                messages.success(request, f"Saved view renamed “{done.result.name}”.")
                return redirect("map-saved-views", coalition_id=access.coalition.pk)
            status = done.status
        else:
            status = 400
    for view in views:
        view.rename_form = forms_by_view[view.pk]
    context = {"access": access, "coalition": access.coalition, "views": views}
    return render(request, "networks/saved_views.html", context, status=status)
