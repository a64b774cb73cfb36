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
from django.views.decorators.http import require_POST

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
    action_create,
    action_delete,
    action_update,
    climate_shift_create,
    climate_shift_delete,
    climate_shift_update,
    group_seat_add,
    group_seat_remove,
    group_seat_update,
    produce_delete_undo,
    win_create,
    win_delete,
    win_update,
    working_group_create,
    working_group_delete,
    working_group_update,
)
from coalitions.roles import hide_sensitive_references, require_workspace
from networks.comments import selectors as comment_selectors
from networks.comments import services as comment_services
from networks.comments.views import parent_from, with_html
from weft import undo
from weft.pages import attempt


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
        ("title", "is_convergence", "starts_on", "place", "working_group")
        + ("planned_turnout", "actual_turnout", "outcome", "description"),
        many=("leaders",),
    ),
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
    """Create the record, or change it if the form was opened on one (at its version)."""
    data = dict(form.cleaned_data)
    version = data.pop("version", None)
    linked = {} if kind in ("groups", "actions") else {"visible_actions": visible_actions(access)}
    create, update, item = {
        "groups": (working_group_create, working_group_update, "group"),
        "actions": (action_create, action_update, "action"),
        "wins": (win_create, win_update, "win"),
        "shifts": (climate_shift_create, climate_shift_update, "shift"),
    }[kind]
    if instance is None:
        return create(coalition=access.coalition, created_by=user, **linked, **data)
    return update(**{item: instance}, expected_version=version, updated_by=user, **linked, **data)


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
    saved = attempt(request, lambda: _save(access, kind, form, instance, request.user), form=form)
    if saved.refused:
        return _page(request, access, kind, form, instance, status=saved.status)
    messages.success(request, f"The {spec.label} “{saved.result}” is saved.")
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
        saved = attempt(
            request, lambda: _seat_save(group, request.user, form.cleaned_data), form=form
        )
        if not saved.refused:
            messages.success(request, f"{form.cleaned_data['actor'].name}'s seat is saved.")
            return back
        status = saved.status
    form_for_group = _form(access, "groups", instance=group)
    return _page(request, access, "groups", form_for_group, group, status=status, seat_form=form)


@login_required
def produce(request, coalition_id: int):
    access = require_workspace(request, coalition_id)
    return _overview(request, access)


def _overview(request, access, *, refused=None):
    editor = access.can(roles.Permission.WORKFLOW_EDIT)
    context = {
        "access": access,
        "coalition": access.coalition,
        "editor": editor,
        "refused": refused,
        "undo": editor and undo.pending(request, page=UNDO_PAGE, coalition_id=access.coalition.pk),
        **produce_overview(access),
    }
    status = refused.status if refused else 200
    return render(request, "coalitions/workflow/produce.html", context, status=status)


# The delete buttons of the Produce page, and the undo they offer (weft/undo.py).
UNDO_PAGE = "produce"
DELETES = {
    "groups": lambda row, version, user: working_group_delete(
        group=row, expected_version=version, deleted_by=user
    ),
    "actions": lambda row, version, user: action_delete(
        action=row, expected_version=version, deleted_by=user
    ),
    "wins": lambda row, version, user: win_delete(
        win=row, expected_version=version, deleted_by=user
    ),
    "shifts": lambda row, version, user: climate_shift_delete(
        shift=row, expected_version=version, deleted_by=user
    ),
}


@login_required
@require_POST
def produce_delete(request, coalition_id: int, kind: str, item_id: int):
    """Delete a group, action, win or climate shift at the version shown (a stale delete is
    refused, naming who changed it), and offer to undo it."""
    access = roles.require(request.user, coalition_id, roles.Permission.WORKFLOW_EDIT)
    spec = _kind(kind)
    row = get_object_or_404(_rows(access, kind), pk=item_id)
    name = str(row)
    version = request.POST.get("version")
    done = attempt(request, lambda: DELETES[kind](row, version, request.user), redirecting=False)
    if done.refused:
        return _overview(request, access, refused=done.refused)
    summary = f"The {spec.label} “{name}” is deleted."
    undo.offer(
        request,
        page=UNDO_PAGE,
        coalition_id=access.coalition.pk,
        summary=summary,
        record=done.result,
    )
    return redirect("workflow-produce", coalition_id=access.coalition.pk)


@login_required
@require_POST
def produce_undo(request, coalition_id: int):
    """Undo the last deletion this person made on the Produce page."""
    access = roles.require(request.user, coalition_id, roles.Permission.WORKFLOW_EDIT)
    record = undo.posted(request, page=UNDO_PAGE, coalition_id=access.coalition.pk)
    if record is None:
        messages.error(request, "There is no deletion to undo (it was undone already).")
        return redirect("workflow-produce", coalition_id=access.coalition.pk)
    done = attempt(
        request,
        lambda: produce_delete_undo(
            coalition=access.coalition, record=record, undone_by=request.user
        ),
        redirecting=False,
    )
    if done.refused:
        return _overview(request, access, refused=done.refused)
    undo.clear(request, page=UNDO_PAGE, coalition_id=access.coalition.pk)
    messages.success(request, f"“{done.result}” is back.")
    return redirect("workflow-produce", coalition_id=access.coalition.pk)


def _seat_save(group, user, seat):
    """The seat form seats an actor, or changes the seat they have."""
    current = GroupMember.objects.filter(group=group, actor=seat["actor"]).first()
    if current is None:
        return group_seat_add(group=group, added_by=user, **seat)
    changes = {name: value for name, value in seat.items() if name != "actor"}
    return group_seat_update(seat=current, updated_by=user, **changes)


@login_required
def action_page(request, coalition_id: int, action_id: int):
    """An action's page: what it was (when, where, who led it, what came of it) and its
    discussion (threads, #22), for whoever sees the workflow and may see the action (one led
    or joined by a sensitive actor does not exist for the others: 404)."""
    access = roles.require(request.user, coalition_id, roles.Permission.WORKFLOW_VIEW)
    action = get_object_or_404(
        visible_actions(access).select_related("working_group"), pk=action_id
    )
    refused = None
    if request.method == "POST":

        def write():
            parent = parent_from(
                comment_selectors.comments_on(access, action), request.POST.get("parent")
            )
            return comment_services.comment_add(
                access=access, item=action, body=request.POST.get("body", ""), parent=parent
            )

        done = attempt(request, write, redirecting=False)
        if done.refused is None:
            messages.success(request, "Comment added.")
            return redirect(comment_services.comments_path(done.result))
        refused = done.refused
    editor = access.can(roles.Permission.WORKFLOW_EDIT)
    context = {
        "access": access,
        "coalition": access.coalition,
        "action": action,
        "leaders": list(action.leaders.order_by("name")),
        "editor": editor,
        "can_resolve": editor,
        "threads": with_html(comment_selectors.threads_on(access, action)),
        "refused": refused,
        "body": request.POST.get("body", "") if refused else "",
    }
    status = refused.status if refused else 200
    return render(request, "coalitions/workflow/action.html", context, status=status)
