"""Writes of the Produce phase from the weaver's pages: working groups (nestable) and their
seats, actions and moments of convergence, wins and shifts in the political climate recorded
against the actions behind them. One function per use case, each one transaction; an edit
names the version its form was opened on and is refused when the row moved on since
(``services.require_version``), as the API's If-Match is."""

from django.db import transaction

from allies.models import Actor
from coalitions.produce.models import (
    Action,
    ClimateDirection,
    ClimateShift,
    GroupKind,
    GroupMember,
    Win,
    WorkingGroup,
)
from weft.errors import ApplicationError
from weft.forms import require_version
from weft.validation import require_text


def _save(model, instance, *, coalition, expected_version, saved_by, fields, what):
    """Create (``instance`` None) or update under a row lock after the version check."""
    if instance is None:
        instance = model(coalition=coalition)
    else:
        instance = model.objects.select_for_update().get(pk=instance.pk, coalition=coalition)
        require_version(instance, expected_version, what=what)
    for field, value in fields.items():
        setattr(instance, field, value)
    instance._history_user = saved_by
    instance.save()
    return instance


def _check_dates(start, end, *, field: str, what: str) -> None:
    if start is not None and end is not None and end < start:
        raise ApplicationError(f"{what} must be on or after the start.", field=field)


# -- Working groups, hubs and caucuses


def _check_parent(coalition, group, parent) -> None:
    if parent is None:
        return
    if parent.coalition_id != coalition.pk:
        raise ApplicationError("Choose a group of this coalition.", field="parent")
    if group is None:
        return
    # Walk up from the new parent: meeting this group means it would sit inside itself.
    parents = dict(WorkingGroup.objects.filter(coalition=coalition).values_list("id", "parent_id"))
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
def working_group_save(
    *, coalition, saved_by, name: str, kind: str, parent=None, purpose: str = "", group=None,
    expected_version=None,
):  # fmt: skip
    name = require_text(name, field="name", what="The group's name")[:200]
    if kind not in GroupKind.values:
        raise ApplicationError("Choose a working group, a hub or a caucus.", field="kind")
    named = WorkingGroup.objects.filter(coalition=coalition, name__iexact=name)
    if group is not None:
        named = named.exclude(pk=group.pk)
    if named.exists():
        raise ApplicationError("Another group of this coalition has this name.", field="name")
    _check_parent(coalition, group, parent)
    return _save(
        WorkingGroup, group, coalition=coalition, expected_version=expected_version,
        saved_by=saved_by, what="This group",
        fields={"name": name, "kind": kind, "parent": parent, "purpose": (purpose or "").strip()},
    )  # fmt: skip


@transaction.atomic
def group_seat_save(
    *, group, actor, saved_by, is_lead: bool = False, joined_on=None, left_on=None
) -> GroupMember:
    """Seat an actor in a group, or change their seat (lead or not, when they joined and
    left). Leads count towards the leadership metrics."""
    if actor is None or actor.coalition_id != group.coalition_id:
        raise ApplicationError("Choose an actor of this coalition.", field="actor")
    _check_dates(joined_on, left_on, field="left_on", what="Leaving the group")
    seat = GroupMember.objects.select_for_update().filter(group=group, actor=actor).first()
    if seat is None:
        seat = GroupMember(group=group, actor=actor)
    seat.is_lead, seat.joined_on, seat.left_on = bool(is_lead), joined_on, left_on
    seat._history_user = saved_by
    seat.save()
    return seat


@transaction.atomic
def group_seat_remove(*, seat, removed_by) -> None:
    """Take an actor out of a group; the seat's history keeps that they were in it."""
    seat._history_user = removed_by
    seat.delete()


# -- Actions, wins and climate shifts


def _check_actors(coalition, actors, *, field: str) -> list[Actor]:
    actors = list(actors or [])
    if any(actor.coalition_id != coalition.pk for actor in actors):
        raise ApplicationError("Choose actors of this coalition.", field=field)
    return actors


def _check_turnout(value, *, field: str):
    if value is not None and value < 0:
        raise ApplicationError("A turnout is zero or more people.", field=field)
    return value


@transaction.atomic
def action_save(
    *, coalition, saved_by, title: str, starts_on, leaders=(), is_convergence: bool = False,
    description: str = "", place: str = "", working_group=None, planned_turnout=None,
    actual_turnout=None, outcome: str = "", action=None, expected_version=None,
):  # fmt: skip
    """An action or moment of convergence: date, place, who led it, planned and actual
    turnout and what came of it. ``leaders`` replaces the list of leaders."""
    title = require_text(title, field="title", what="The action's title")[:200]
    if starts_on is None:
        raise ApplicationError("Give the action's date.", field="starts_on")
    if working_group is not None and working_group.coalition_id != coalition.pk:
        raise ApplicationError("Choose a group of this coalition.", field="working_group")
    leaders = _check_actors(coalition, leaders, field="leaders")
    saved = _save(
        Action, action, coalition=coalition, expected_version=expected_version,
        saved_by=saved_by, what="This action",
        fields={
            "title": title, "starts_on": starts_on, "is_convergence": bool(is_convergence),
            "description": (description or "").strip(), "place": (place or "").strip()[:200],
            "working_group": working_group,
            "planned_turnout": _check_turnout(planned_turnout, field="planned_turnout"),
            "actual_turnout": _check_turnout(actual_turnout, field="actual_turnout"),
            "outcome": (outcome or "").strip(),
        },
    )  # fmt: skip
    saved.leaders.set(leaders)
    return saved


def _link_actions(item, actions, *, visible, coalition) -> None:
    """Set the actions behind a win or shift to ``actions``, keeping the links to actions
    the editor may not see (they could not have unticked them)."""
    actions = list(actions or [])
    if any(a.coalition_id != coalition.pk for a in actions):
        raise ApplicationError("Choose actions of this coalition.", field="actions")
    hidden = item.actions.exclude(pk__in=visible.values("pk"))
    item.actions.set([*actions, *hidden])


@transaction.atomic
def win_save(
    *, coalition, saved_by, visible_actions, title: str, won_on, description: str = "",
    actions=(), win=None, expected_version=None,
):  # fmt: skip
    title = require_text(title, field="title", what="The win's title")[:200]
    if won_on is None:
        raise ApplicationError("Give the date of the win.", field="won_on")
    saved = _save(
        Win, win, coalition=coalition, expected_version=expected_version, saved_by=saved_by,
        what="This win",
        fields={"title": title, "won_on": won_on, "description": (description or "").strip()},
    )  # fmt: skip
    _link_actions(saved, actions, visible=visible_actions, coalition=coalition)
    return saved


@transaction.atomic
def climate_shift_save(
    *, coalition, saved_by, visible_actions, title: str, recorded_on, direction: str,
    description: str = "", actions=(), shift=None, expected_version=None,
):  # fmt: skip
    title = require_text(title, field="title", what="The shift's title")[:200]
    if recorded_on is None:
        raise ApplicationError("Give the date of the shift.", field="recorded_on")
    if direction not in ClimateDirection.values:
        raise ApplicationError("Choose favourable, unfavourable or mixed.", field="direction")
    saved = _save(
        ClimateShift, shift, coalition=coalition, expected_version=expected_version,
        saved_by=saved_by, what="This climate shift",
        fields={
            "title": title, "recorded_on": recorded_on, "direction": direction,
            "description": (description or "").strip(),
        },
    )  # fmt: skip
    _link_actions(saved, actions, visible=visible_actions, coalition=coalition)
    return saved
