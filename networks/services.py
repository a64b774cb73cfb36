"""Writes about the relationship graph."""

import logging
import math

from django.db import transaction
from django.db.models import Q
from django.http import Http404

from allies.models import Actor
from networks.models import ActorPosition, Tie
from weft.errors import ApplicationError
from weft.history import restore_row

logger = logging.getLogger(__name__)


# How far (map units) a new actor lands from the centre of its neighbours.
NEWCOMER_OFFSET = 40.0


@transaction.atomic
def tie_restore(*, access, tie_id: int, history_id: int, user):
    """Bring a tie back to the state a history record holds; restoring its deletion record
    undeletes it, as long as both of its actors still exist."""
    try:
        record = Tie.history.get(history_id=history_id, id=tie_id, coalition_id=access.coalition.pk)
    except Tie.history.model.DoesNotExist:
        raise Http404("No such version of this tie.") from None
    if record.is_sensitive and not access.sees_sensitive:
        raise Http404("No such version of this tie.")
    ends = Actor.objects.filter(pk__in=(record.source_id, record.target_id))
    if not access.sees_sensitive:
        ends = ends.filter(is_sensitive=False)
    if ends.count() != 2:
        raise ApplicationError(
            "One end of this tie no longer exists: restore the actor first.",
            field="source",
            status=409,
            code="conflict",
        )
    tie, _ = restore_row(record, user=user, reason=f"restored from history {history_id}")
    return tie


@transaction.atomic
def position_place_beside_neighbours(*, actor: Actor) -> ActorPosition | None:
    """Place a newcomer beside the actors it is tied to (their centre, nudged aside so it does
    not sit on top of one), until the next layout run places it properly. A newcomer: an
    actor without a position, or with a position nobody pinned and no tie before this one
    (where the person was looking when they added it). Nothing happens otherwise, or when
    none of its neighbours has a place."""
    existing = ActorPosition.objects.filter(actor=actor).first()
    if existing is not None and existing.is_pinned:
        return None
    neighbours = list(
        Tie.objects.filter(Q(source=actor) | Q(target=actor)).values_list("source_id", "target_id")
    )
    if existing is not None and len(neighbours) > 1:
        return None  # already among its ties: the layout run will settle it
    ids = {one for pair in neighbours for one in pair} - {actor.pk}
    placed = list(ActorPosition.objects.filter(actor_id__in=ids).values_list("x", "y"))
    if not placed:
        return None
    x = sum(p[0] for p in placed) / len(placed)
    y = sum(p[1] for p in placed) / len(placed)
    # Beside, not on: a small offset that differs per actor so newcomers do not stack.
    angle = (actor.pk * 2.399963) % (2 * math.pi)
    x, y = x + NEWCOMER_OFFSET * math.cos(angle), y + NEWCOMER_OFFSET * math.sin(angle)
    position, _ = ActorPosition.objects.update_or_create(
        actor=actor, defaults={"x": x, "y": y, "is_pinned": False}
    )
    return position
