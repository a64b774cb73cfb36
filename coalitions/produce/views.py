"""The Produce page's edit forms (organizers, weavers and stewards): working groups, hubs
and caucuses with their seats, actions and moments of convergence, wins and climate shifts.
Each edit form carries the version it was opened on; a save on an older version is refused
with who changed it, and nothing is overwritten. Rows that name an actor the role may not
see are not reachable here (404), as in the API."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from allies.models import Actor
from coalitions import roles
from coalitions.produce.forms import (
    ActionForm,
    ClimateShiftForm,
    SeatForm,
    WinForm,
    WorkingGroupForm,
)
from coalitions.produce.models import ClimateShift, GroupMember, Win, WorkingGroup
from coalitions.produce.selectors import produce_overview, visible_actions
from coalitions.produce.services import (
    action_save,
    climate_shift_save,
    group_seat_remove,
    group_seat_save,
    win_save,
    working_group_save,
)
from coalitions.roles import hide_sensitive_references, require_workspace
from weft.errors import ApplicationError


@dataclass(frozen=True)
class Kind:
    label: str  # "working group"
    form: type
    fields: tuple[str, ...]  # the form's fields that the model holds as they are
    many: tuple[str, ...] = ()  # many-to-many fields, initial values from the instance


KINDS = {
    "groups": Kind("working group", WorkingGroupForm, ("name", "kind", "parent", "purpose")),
    "actions": Kind(
        "action",
        ActionForm,
        (
            "title",
            "is_convergence",
            "starts_on",
            "place",
            "working_group",
            "planned_turnout",
            "actual_turnout",
            "outcome",
            "description",
        ),
        many=("leaders",),
    ),  # fmt: skip
    "wins": Kind("win", WinForm, ("title", "won_on", "description"), many=("actions",)),
    "shifts": Kind(
        "climate shift",
        ClimateShiftForm,
        ("title", "recorded_on", "direction", "description"),
        many=("actions",),
    ),
}


def _kind(kind: str) -> Kind:
    if kind not in KINDS:
        raise Http404("No such kind of record.")
    return KINDS[kind]


def _visible_actors(access):
    return (
        Actor.objects.filter(coalition=access.coalition)
        .visible(include_sensitive=access.sees_sensitive)
        .only("id", "name")
        .order_by("name", "id")
    )


def _rows(access, kind: str):
    if kind == "groups":
        return WorkingGroup.objects.filter(coalition=access.coalition)
    if kind == "actions":
        return visible_actions(access)
    model = Win if kind == "wins" else ClimateShift
    return model.objects.filter(coalition=access.coalition)


def _form(access, kind: str, data=None, instance=None):
    spec = _kind(kind)
    groups = WorkingGroup.objects.filter(coalition=access.coalition).order_by("name")
    options = {
        "groups": {"groups": groups.exclude(pk=getattr(instance, "pk", None))},
        "actions": {"groups": groups, "actors": _visible_actors(access)},
        "wins": {"actions": visible_actions(access).order_by("-starts_on", "id")},
        "shifts": {"actions": visible_actions(access).order_by("-starts_on", "id")},
    }[kind]
    initial = {}
    if instance is not None:
        initial = {name: getattr(instance, name) for name in spec.fields}
        for name in spec.many:
            visible = options.get(name, options.get("actors"))
            initial[name] = list(getattr(instance, name).filter(pk__in=visible.values("pk")))
        initial["version"] = instance.version
    return spec.form(data, initial=initial, **options)


def _save(access, kind: str, form, instance, user):
    data = dict(form.cleaned_data)
    version = data.pop("version", None)
    common = {"coalition": access.coalition, "saved_by": user, "expected_version": version}
    if kind == "groups":
        return working_group_save(group=instance, **common, **data)
    if kind == "actions":
        return action_save(action=instance, **common, **data)
    linked = {"visible_actions": visible_actions(access)}
    if kind == "wins":
        return win_save(win=instance, **common, **linked, **data)
    return climate_shift_save(shift=instance, **common, **linked, **data)


def _page(request, access, kind, form, instance, *, status=200, seat_form=None):
    context = {
        "access": access,
        "coalition": access.coalition,
        "kind": kind,
        "label": _kind(kind).label,
        "form": form,
        "item": instance,
    }
    if kind == "groups" and instance is not None:
        seats = hide_sensitive_references(
            GroupMember.objects.filter(group=instance).select_related("actor"), access, "actor"
        ).order_by("-is_lead", "actor__name")
        context["seats"] = list(seats)
        context["seat_form"] = seat_form or SeatForm(actors=_visible_actors(access))
    return render(request, "coalitions/workflow/produce_item.html", context, status=status)


def _refuse(form, error: ApplicationError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@login_required
def produce_item(request, coalition_id: int, kind: str, item_id: int | None = None):
    """Add (``item_id`` None) or edit one group, action, win or climate shift."""
    access = roles.require(request.user, coalition_id, roles.Permission.WORKFLOW_EDIT)
    spec = _kind(kind)
    instance = None
    if item_id is not None:
        instance = get_object_or_404(_rows(access, kind), pk=item_id)
    if request.method != "POST":
        return _page(request, access, kind, _form(access, kind, instance=instance), instance)
    form = _form(access, kind, request.POST, instance)
    if not form.is_valid():
        return _page(request, access, kind, form, instance, status=400)
    try:
        saved = _save(access, kind, form, instance, request.user)
    except ApplicationError as error:
        _refuse(form, error)
        return _page(request, access, kind, form, instance, status=error.status)
    messages.success(request, f"The {spec.label} “{saved}” is saved.")
    return redirect("workflow-produce", coalition_id=access.coalition.pk)


@login_required
def produce_seats(request, coalition_id: int, group_id: int):
    """Seat an actor in a group (or change their seat), or take them out of it."""
    access = roles.require(request.user, coalition_id, roles.Permission.WORKFLOW_EDIT)
    group = get_object_or_404(WorkingGroup.objects.filter(coalition=access.coalition), pk=group_id)
    back = redirect(
        "workflow-produce-edit", coalition_id=access.coalition.pk, kind="groups", item_id=group.pk
    )
    if request.method != "POST":
        return back
    if request.POST.get("action") == "remove":
        seats = hide_sensitive_references(GroupMember.objects.filter(group=group), access, "actor")
        seat = get_object_or_404(seats, pk=request.POST.get("seat") or 0)
        group_seat_remove(seat=seat, removed_by=request.user)
        messages.success(request, "Taken out of the group.")
        return back
    form = SeatForm(request.POST, actors=_visible_actors(access))
    status = 400
    if form.is_valid():
        try:
            group_seat_save(group=group, saved_by=request.user, **form.cleaned_data)
        except ApplicationError as error:
            _refuse(form, error)
            status = error.status
        else:
            messages.success(request, f"{form.cleaned_data['actor'].name}'s seat is saved.")
            return back
    form_for_group = _form(access, "groups", instance=group)
    return _page(request, access, "groups", form_for_group, group, status=status, seat_form=form)


@login_required
def produce(request, coalition_id: int):
    access = require_workspace(request, coalition_id)
    context = {
        "access": access,
        "coalition": access.coalition,
        **produce_overview(access),
    }
    return render(request, "coalitions/workflow/produce.html", context)
