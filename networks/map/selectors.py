"""Reads for the map's layout and for "who can reach them"."""

import datetime

from django.utils import timezone

from allies.models import Actor
from coalitions.connect.models import Membership
from networks.models import ActorPosition, Tie


def graph_for_layout(coalition_id: int, on: datetime.date | None = None):
    """Everything a layout run needs, in three queries: actor ids, current ties (as id pairs
    with their declared strength) and the stored positions (actor id, x, y, pinned)."""
    on = on or timezone.localdate()
    actor_ids = list(
        Actor.objects.filter(coalition_id=coalition_id).order_by("id").values_list("id", flat=True)
    )
    ties = list(
        Tie.objects.filter(coalition_id=coalition_id)
        .current(on)
        .values_list("source_id", "target_id", "strength")
    )
    positions = list(
        ActorPosition.objects.filter(actor__coalition_id=coalition_id).values_list(
            "actor_id", "x", "y", "is_pinned"
        )
    )
    return actor_ids, ties, positions


def reach_graph(access, on: datetime.date | None = None):
    """What "who can reach them" needs, in two queries: the current ties the role may see
    (id, ends, declared strength) and the coalition's member organisations (current members
    that the role may see)."""

    on = on or timezone.localdate()
    ties = list(
        Tie.objects.filter(coalition=access.coalition)
        .visible(include_sensitive=access.sees_sensitive)
        .current(on)
        .values_list("id", "source_id", "target_id", "strength")
    )
    members = Membership.objects.filter(coalition=access.coalition, left_on__isnull=True)
    if not access.sees_sensitive:
        members = members.filter(organisation__is_sensitive=False)
    return ties, list(members.order_by("organisation_id").values_list("organisation_id", flat=True))


def changed_since(
    coalition_id: int, since: datetime.datetime, placed_since: datetime.datetime
) -> set[int]:
    """The actors a warm layout run must place again: those whose ties were added, changed or
    ended after ``since`` (the last run's start), those given an unpinned place after
    ``placed_since`` (the last run's end: its own writes are older), and those without a
    place yet."""
    placed_after = ActorPosition.objects.filter(
        actor__coalition_id=coalition_id, updated_at__gt=placed_since, is_pinned=False
    ).values_list("actor_id", flat=True)
    tied_after = Tie.objects.filter(coalition_id=coalition_id, updated_at__gt=since).values_list(
        "source_id", "target_id"
    )
    unplaced = Actor.objects.filter(coalition_id=coalition_id, position__isnull=True).values_list(
        "id", flat=True
    )
    newcomers = set(placed_after) | set(unplaced)
    changed = set(newcomers)
    for source, target in tied_after:
        # A newcomer's first ties move the newcomer (and so its neighbours), not the
        # neighbours of everyone it was tied to; a tie between two settled actors moves both.
        if source in newcomers or target in newcomers:
            continue
        changed.update((source, target))
    return changed
