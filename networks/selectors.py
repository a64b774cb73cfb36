"""Reads of the relationship graph, shared by pages, API and tasks."""

import datetime

from django.utils import timezone

from allies.models import Actor

from .models import ActorPosition, Tie


def graph_for_layout(coalition_id: int, on: datetime.date | None = None):
    """Everything a layout run needs, in three queries: actor ids, current ties (as id pairs
    with their declared strength) and the pinned positions."""
    on = on or timezone.localdate()
    actor_ids = list(
        Actor.objects.filter(coalition_id=coalition_id).order_by("id").values_list("id", flat=True)
    )
    ties = list(
        Tie.objects.filter(coalition_id=coalition_id)
        .current(on)
        .values_list("source_id", "target_id", "strength")
    )
    pinned = list(
        ActorPosition.objects.filter(actor__coalition_id=coalition_id, is_pinned=True).values_list(
            "actor_id", "x", "y"
        )
    )
    return actor_ids, ties, pinned


def reach_graph(access, on: datetime.date | None = None):
    """What "who can reach them" needs, in two queries: the current ties the role may see
    (id, ends, declared strength) and the coalition's member organisations (current members
    that the role may see)."""
    from coalitions.models import Membership

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
