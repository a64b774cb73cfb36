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
