"""Writes about the relationship graph."""

import logging
import math
import time

from django.db import transaction
from django.db.models import Q
from django.http import Http404

from allies.models import Actor
from weft.errors import ApplicationError
from weft.history import restore_row

from .layout import Pinned, force_layout
from .models import ActorPosition, Tie
from .selectors import graph_for_layout

logger = logging.getLogger(__name__)

# An undeclared tie still pulls, at the strength of a middling declared one.
DEFAULT_LAYOUT_WEIGHT = 3
# How far (map units) a new actor lands from the centre of its neighbours.
NEWCOMER_OFFSET = 40.0


def layout_compute(*, coalition_id: int) -> int:
    """Recompute the force-directed layout of a coalition's map and store it per actor.
    Pinned positions (placed by hand) are kept. Returns the number of positions written."""
    started = time.monotonic()
    actor_ids, ties, pinned_rows = graph_for_layout(coalition_id)
    index = {actor_id: i for i, actor_id in enumerate(actor_ids)}
    edges = [(index[s], index[t]) for s, t, _ in ties]
    weights = [strength or DEFAULT_LAYOUT_WEIGHT for _, _, strength in ties]
    pinned = [Pinned(index[a], x, y) for a, x, y in pinned_rows if a in index]
    positions = force_layout(len(actor_ids), edges, weights, pinned)
    pinned_ids = {a for a, _, _ in pinned_rows}
    rows = [
        ActorPosition(actor_id=actor_id, x=x, y=y)
        for actor_id, (x, y) in zip(actor_ids, positions, strict=True)
        if actor_id not in pinned_ids
    ]
    with transaction.atomic():
        ActorPosition.objects.bulk_create(
            rows,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["actor"],
            update_fields=["x", "y", "updated_at"],
        )
    logger.info(
        "layout coalition=%s actors=%s ties=%s seconds=%.2f",
        coalition_id,
        len(actor_ids),
        len(edges),
        time.monotonic() - started,
    )
    return len(rows)


def layout_request(*, coalition_id: int) -> None:
    """Queue a layout run once the current transaction commits, so the worker sees the edit
    that asked for it (and nothing is queued for an edit that rolled back)."""
    from .tasks import compute_layout

    transaction.on_commit(lambda: compute_layout.delay(coalition_id))


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
def position_set(*, actor: Actor, x: float, y: float, is_pinned: bool) -> ActorPosition:
    """Put an actor where a person placed it. A pinned position is kept by later layout runs;
    an unpinned one is only a starting place until the next run."""
    position, _ = ActorPosition.objects.update_or_create(
        actor=actor, defaults={"x": x, "y": y, "is_pinned": is_pinned}
    )
    return position


@transaction.atomic
def position_place_beside_neighbours(*, actor: Actor) -> ActorPosition | None:
    """Give an actor without a position one beside the actors it is tied to (their centre,
    nudged aside so it does not sit on top of one), until the next layout run places it
    properly. Nothing happens when it already has a place or none of its neighbours has."""
    if ActorPosition.objects.filter(actor=actor).exists():
        return None
    neighbours = Tie.objects.filter(Q(source=actor) | Q(target=actor)).values_list(
        "source_id", "target_id"
    )
    ids = {one for pair in neighbours for one in pair} - {actor.pk}
    placed = list(ActorPosition.objects.filter(actor_id__in=ids).values_list("x", "y"))
    if not placed:
        return None
    x = sum(p[0] for p in placed) / len(placed)
    y = sum(p[1] for p in placed) / len(placed)
    # Beside, not on: a small offset that differs per actor so newcomers do not stack.
    angle = (actor.pk * 2.399963) % (2 * math.pi)
    x, y = x + NEWCOMER_OFFSET * math.cos(angle), y + NEWCOMER_OFFSET * math.sin(angle)
    return ActorPosition.objects.create(actor=actor, x=x, y=y)
