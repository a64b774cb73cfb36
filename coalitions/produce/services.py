"""Writes of the Produce phase, for the weaver's pages and the API alike: working groups
(nestable) and their seats, actions and moments of convergence, wins and shifts in the
political climate recorded against the actions behind them. One function per use case, each
one transaction; a change names the version it was made on and is refused when the row moved
on since (weft/versions.py)."""

from django.db import transaction

from allies.models import Actor
from coalitions.models import Coalition
from coalitions.produce.models import (
    Action,
    ClimateDirection,
    ClimateShift,
    GroupKind,
    GroupMember,
    Win,
    WorkingGroup,
)
from coalitions.services import metrics_request_after_edit
from weft.errors import ApplicationError
from weft.history import deletion_record, deletion_undo
from weft.services import delete_as, locked_at, save_as
from weft.validation import require_text

# ---------------------------------------------------------------------------------------------
# Working groups, hubs and caucuses


def _check_group(group: WorkingGroup) -> None:
    """The rules of a group as it would be saved: a name of its own in the coalition (case
    aside), a known kind, and a parent of the coalition that does not sit inside it."""
    group.name = require_text(group.name, field="name", what="The group's name")[:200]
    group.purpose = (group.purpose or "").strip()
    if group.kind not in GroupKind.values:
        raise ApplicationError("Choose a working group, a hub or a caucus.", field="kind")
    named = WorkingGroup.objects.filter(coalition_id=group.coalition_id, name__iexact=group.name)
    if named.exclude(pk=group.pk).exists():
        raise ApplicationError("Another group of this coalition has this name.", field="name")
    parent = group.parent
    if parent is None:
        return
    if parent.coalition_id != group.coalition_id:
        raise ApplicationError("Choose a group of this coalition.", field="parent")
    if group.pk is None:
        return
    # Walk up from the new parent: meeting this group means it would sit inside itself.
    parents = dict(
        WorkingGroup.objects.filter(coalition_id=group.coalition_id).values_list("id", "parent_id")
    )
    group_id, seen = parent.pk, set()
    while group_id is not None and group_id not in seen:
        if group_id == group.pk:
            raise ApplicationError(
                "A group cannot sit inside itself or one of the groups inside it.",
                field="parent",
            )
        seen.add(group_id)
        group_id = parents.get(group_id)


@transaction.atomic
def working_group_create(
    *,
    coalition: Coalition,
    created_by,
    name: str,
    kind: str = GroupKind.WORKING_GROUP,
    parent: WorkingGroup | None = None,
    purpose: str = "",
) -> WorkingGroup:
    group = WorkingGroup(coalition=coalition, name=name, kind=kind, parent=parent, purpose=purpose)
    _check_group(group)
    return save_as(group, user=created_by)


@transaction.atomic
def working_group_update(
    *, group: WorkingGroup, expected_version, updated_by, **changes
) -> WorkingGroup:
    group = locked_at(group, expected_version, what="This group")
    for name, value in changes.items():
        setattr(group, name, value)
    _check_group(group)
    return save_as(group, user=updated_by)


@transaction.atomic
def working_group_delete(*, group: WorkingGroup, expected_version, deleted_by) -> dict:
    """Returns what the deletion took with it, for its undo (``produce_delete_undo``)."""
    group = locked_at(group, expected_version, what="This group")
    undo = deletion_record(group)
    delete_as(group, user=deleted_by)
    metrics_request_after_edit(coalition_id=group.coalition_id)
    return undo


# -- Seats: who sits in which group, and who leads it (leads count towards leadership)


def _check_seat(seat: GroupMember) -> None:
    if seat.actor is None or seat.actor.coalition_id != seat.group.coalition_id:
        raise ApplicationError("Choose an actor of this coalition.", field="actor")
    others = GroupMember.objects.filter(group=seat.group, actor=seat.actor).exclude(pk=seat.pk)
    if others.exists():
        raise ApplicationError("is already in this group.", field="actor")
    if seat.joined_on and seat.left_on and seat.left_on < seat.joined_on:
        raise ApplicationError("Leaving the group must be on or after the start.", field="left_on")


@transaction.atomic
def group_seat_add(
    *,
    group: WorkingGroup,
    actor: Actor,
    added_by,
    is_lead: bool = False,
    joined_on=None,
    left_on=None,
) -> GroupMember:
    """Seat an actor in a group (once)."""
    seat = GroupMember(
        group=group, actor=actor, is_lead=bool(is_lead), joined_on=joined_on, left_on=left_on
    )
    _check_seat(seat)
    save_as(seat, user=added_by)
    metrics_request_after_edit(coalition_id=group.coalition_id)
    return seat


@transaction.atomic
def group_seat_update(*, seat: GroupMember, updated_by, **changes) -> GroupMember:
    """Change a seat: lead or not, when they joined and left (seats keep no version: the last
    change wins, and history keeps every one)."""
    seat = GroupMember.objects.select_for_update().get(pk=seat.pk)
    for name, value in changes.items():
        setattr(seat, name, value)
    _check_seat(seat)
    save_as(seat, user=updated_by)
    metrics_request_after_edit(coalition_id=seat.group.coalition_id)
    return seat


@transaction.atomic
def group_seat_remove(*, seat: GroupMember, removed_by) -> None:
    """Take an actor out of a group; the seat's history keeps that they were in it."""
    delete_as(seat, user=removed_by)
    metrics_request_after_edit(coalition_id=seat.group.coalition_id)


# ---------------------------------------------------------------------------------------------
# Actions and moments of convergence


def _check_actors(coalition_id: int, actors, *, field: str) -> list[Actor]:
    actors = list(actors or [])
    if any(actor.coalition_id != coalition_id for actor in actors):
        raise ApplicationError("Choose actors of this coalition.", field=field)
    return actors


def _check_action(action: Action) -> None:
    action.title = require_text(action.title, field="title", what="The action's title")[:200]
    if action.starts_on is None:
        raise ApplicationError("Give the action's date.", field="starts_on")
    group = action.working_group
    if group is not None and group.coalition_id != action.coalition_id:
        raise ApplicationError("Choose a group of this coalition.", field="working_group")
    for field in ("planned_turnout", "actual_turnout"):
        value = getattr(action, field)
        if value is not None and value < 0:
            raise ApplicationError("A turnout is zero or more people.", field=field)
    action.description = (action.description or "").strip()
    action.place = (action.place or "").strip()[:200]
    action.outcome = (action.outcome or "").strip()


@transaction.atomic
def action_create(
    *,
    coalition: Coalition,
    created_by,
    title: str,
    starts_on,
    leaders=(),
    participants=(),
    **fields,
) -> Action:
    """An action or moment of convergence: date, place, who led it and who took part,
    planned and actual turnout and what came of it. Who led it counts towards leadership.
    ``fields``: is_convergence, description, place, working_group, planned_turnout,
    actual_turnout, outcome."""
    action = Action(coalition=coalition, title=title, starts_on=starts_on, **fields)
    _check_action(action)
    leaders = _check_actors(coalition.pk, leaders, field="leaders")
    participants = _check_actors(coalition.pk, participants, field="participants")
    save_as(action, user=created_by)
    action.leaders.set(leaders)
    action.participants.set(participants)
    metrics_request_after_edit(coalition_id=coalition.pk)
    return action


@transaction.atomic
def action_update(*, action: Action, expected_version, updated_by, **changes) -> Action:
    """Change an action; ``leaders`` and ``participants``, when given, replace the lists."""
    action = locked_at(action, expected_version, what="This action")
    people = {
        name: _check_actors(action.coalition_id, changes.pop(name), field=name)
        for name in ("leaders", "participants")
        if name in changes
    }
    for name, value in changes.items():
        setattr(action, name, value)
    _check_action(action)
    save_as(action, user=updated_by)
    for name, actors in people.items():
        getattr(action, name).set(actors)
    metrics_request_after_edit(coalition_id=action.coalition_id)
    return action


@transaction.atomic
def action_delete(*, action: Action, expected_version, deleted_by) -> dict:
    """Returns what the deletion took with it, for its undo (``produce_delete_undo``)."""
    action = locked_at(action, expected_version, what="This action")
    undo = deletion_record(action)
    delete_as(action, user=deleted_by)
    metrics_request_after_edit(coalition_id=action.coalition_id)
    return undo


# ---------------------------------------------------------------------------------------------
# Wins and shifts in the political climate, recorded against the actions behind them


def _link_actions(item, actions, *, visible_actions) -> None:
    """Set the actions behind a win or shift to ``actions``, keeping the links to actions
    the editor may not see (they could not have unticked them)."""
    actions = list(actions or [])
    if any(action.coalition_id != item.coalition_id for action in actions):
        raise ApplicationError("Choose actions of this coalition.", field="actions")
    hidden = item.actions.exclude(pk__in=visible_actions.values("pk"))
    item.actions.set([*actions, *hidden])


def _check_win(win: Win) -> None:
    win.title = require_text(win.title, field="title", what="The win's title")[:200]
    if win.won_on is None:
        raise ApplicationError("Give the date of the win.", field="won_on")
    win.description = (win.description or "").strip()


def _check_shift(shift: ClimateShift) -> None:
    shift.title = require_text(shift.title, field="title", what="The shift's title")[:200]
    if shift.recorded_on is None:
        raise ApplicationError("Give the date of the shift.", field="recorded_on")
    if shift.direction not in ClimateDirection.values:
        raise ApplicationError("Choose favourable, unfavourable or mixed.", field="direction")
    shift.description = (shift.description or "").strip()


@transaction.atomic
def win_create(
    *,
    coalition: Coalition,
    created_by,
    visible_actions,
    title: str,
    won_on,
    description: str = "",
    actions=(),
) -> Win:
    """A win, and the actions (among those the writer sees) that brought it about."""
    win = Win(coalition=coalition, title=title, won_on=won_on, description=description)
    _check_win(win)
    save_as(win, user=created_by)
    _link_actions(win, actions, visible_actions=visible_actions)
    return win


@transaction.atomic
def win_update(*, win: Win, expected_version, updated_by, visible_actions, **changes) -> Win:
    win = locked_at(win, expected_version, what="This win")
    actions = changes.pop("actions", None)
    for name, value in changes.items():
        setattr(win, name, value)
    _check_win(win)
    save_as(win, user=updated_by)
    if actions is not None:
        _link_actions(win, actions, visible_actions=visible_actions)
    return win


@transaction.atomic
def win_delete(*, win: Win, expected_version, deleted_by) -> dict:
    """Returns what the deletion took with it, for its undo (``produce_delete_undo``)."""
    win = locked_at(win, expected_version, what="This win")
    undo = deletion_record(win)
    delete_as(win, user=deleted_by)
    return undo


@transaction.atomic
def climate_shift_create(
    *,
    coalition: Coalition,
    created_by,
    visible_actions,
    title: str,
    recorded_on,
    direction: str = ClimateDirection.FAVOURABLE,
    description: str = "",
    actions=(),
) -> ClimateShift:
    """A shift in the political climate, and the actions (among those the writer sees)
    behind it."""
    shift = ClimateShift(
        coalition=coalition,
        title=title,
        recorded_on=recorded_on,
        direction=direction,
        description=description,
    )
    _check_shift(shift)
    save_as(shift, user=created_by)
    _link_actions(shift, actions, visible_actions=visible_actions)
    return shift


@transaction.atomic
def climate_shift_update(
    *, shift: ClimateShift, expected_version, updated_by, visible_actions, **changes
) -> ClimateShift:
    shift = locked_at(shift, expected_version, what="This climate shift")
    actions = changes.pop("actions", None)
    for name, value in changes.items():
        setattr(shift, name, value)
    _check_shift(shift)
    save_as(shift, user=updated_by)
    if actions is not None:
        _link_actions(shift, actions, visible_actions=visible_actions)
    return shift


@transaction.atomic
def climate_shift_delete(*, shift: ClimateShift, expected_version, deleted_by) -> dict:
    """Returns what the deletion took with it, for its undo (``produce_delete_undo``)."""
    shift = locked_at(shift, expected_version, what="This climate shift")
    undo = deletion_record(shift)
    delete_as(shift, user=deleted_by)
    return undo


# ---------------------------------------------------------------------------------------------
# Undoing a deletion made from the Produce page


DELETABLE = {
    "groups": (WorkingGroup, "working group"),
    "actions": (Action, "action"),
    "wins": (Win, "win"),
    "shifts": (ClimateShift, "climate shift"),
}


@transaction.atomic
def produce_delete_undo(*, coalition: Coalition, record: dict, undone_by):
    """Bring back a group, action, win or climate shift deleted a moment ago, exactly as it
    was: the row from the history of its deletion, with the seats, comments and links it took
    with it (``record`` is what its delete service returned)."""
    kinds = {model._meta.label: label for model, label in DELETABLE.values()}
    label = kinds.get(record.get("model"))
    if label is None:
        raise ApplicationError("There is nothing of this page to undo.", status=404)
    row = deletion_undo(
        record,
        user=undone_by,
        reason="deletion undone",
        what=f"The {label}",
        coalition_id=coalition.pk,
    )
    if isinstance(row, (WorkingGroup, Action)):
        metrics_request_after_edit(coalition_id=coalition.pk)
    return row
