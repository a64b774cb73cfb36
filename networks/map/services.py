"""Writes about the map's layout: the force layout run and a position placed by hand."""

import logging
import time

from django.db import transaction
from django.utils import timezone

from allies.models import Actor
from coalitions.roles import Access, Permission
from coalitions.services import LAYOUT_TASK
from networks.graph.layout import Pinned, force_layout, spread_apart, warm_layout
from networks.map.models import LayoutRun, MapLayout, SavedView
from networks.map.selectors import changed_since, graph_for_layout
from networks.models import ActorPosition
from weft.errors import ApplicationError
from weft.queue import queue_after_commit
from weft.services import apply_changes, delete_as, locked_at, save_as
from weft.validation import require_text

logger = logging.getLogger(__name__)

# An undeclared tie still pulls, at the strength of a middling declared one.
DEFAULT_LAYOUT_WEIGHT = 3


def layout_compute(*, coalition_id: int, full: bool = False) -> int:
    """Lay out a coalition's map and store the positions per actor; pinned positions (placed
    by hand) are never moved. Returns the number of positions written.

    A warm run (the default once the map has a layout) moves only what changed since the last
    run: actors without a place, actors placed since (beside their neighbours, in the middle
    of the view), the two ends of every tie added or changed since, and their neighbours.
    Everyone else keeps their place, so the map a person knows does not jump after an edit.
    A full run (``full``, the first run, an import) lays the whole map out from scratch."""
    started_at = timezone.now()
    started = time.monotonic()
    actor_ids, ties, stored = graph_for_layout(coalition_id)
    index = {actor_id: i for i, actor_id in enumerate(actor_ids)}
    edges = [(index[s], index[t]) for s, t, _ in ties]
    weights = [strength or DEFAULT_LAYOUT_WEIGHT for _, _, strength in ties]
    pinned_ids = {a for a, _, _, is_pinned in stored if is_pinned}
    placed: list[tuple[float, float] | None] = [None] * len(actor_ids)
    for actor_id, x, y, _ in stored:
        placed[index[actor_id]] = (x, y)
    last = LayoutRun.objects.filter(coalition_id=coalition_id).order_by("-started_at").first()
    known = sum(1 for where in placed if where is not None)
    warm = not full and last is not None and known * 2 > len(actor_ids)
    if warm:
        changed = changed_since(coalition_id, last.started_at, last.finished_at)
        moving = {index[a] for a in changed if a in index}
        positions, free = warm_layout(
            placed, edges, moving, weights, pinned={index[a] for a in pinned_ids}
        )
        write = {actor_ids[i] for i in free}
    else:
        pinned = [Pinned(index[a], x, y) for a, x, y, is_pinned in stored if is_pinned]
        positions = force_layout(len(actor_ids), edges, weights, pinned)
        positions = spread_apart(positions, fixed={pin.index for pin in pinned})
        write = set(actor_ids) - pinned_ids
    rows = [
        ActorPosition(actor_id=actor_id, x=x, y=y)
        for actor_id, (x, y) in zip(actor_ids, positions, strict=True)
        if actor_id in write
    ]
    seconds = time.monotonic() - started
    with transaction.atomic():
        ActorPosition.objects.bulk_create(
            rows,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["actor"],
            update_fields=["x", "y", "updated_at"],
        )
        LayoutRun.objects.create(
            coalition_id=coalition_id,
            started_at=started_at,
            finished_at=timezone.now(),
            is_full=not warm,
            actors=len(actor_ids),
            moved=len(rows),
            seconds=seconds,
        )
    logger.info(
        "layout coalition=%s actors=%s ties=%s moved=%s full=%s seconds=%.2f",
        coalition_id,
        len(actor_ids),
        len(edges),
        len(rows),
        not warm,
        seconds,
    )
    return len(rows)


@transaction.atomic
def position_set(
    *, access: Access, actor: Actor, x: float, y: float, is_pinned: bool
) -> ActorPosition:
    """Put an actor where a person placed it (anyone who may edit the actor). A pinned
    position is kept by later layout runs; an unpinned one is only a starting place until the
    next run. Positions are layout, not data: no version, the last writer wins."""
    access.require_edit_actor(actor)
    position, _ = ActorPosition.objects.update_or_create(
        actor=actor, defaults={"x": x, "y": y, "is_pinned": is_pinned}
    )
    return position


def layout_request(*, coalition_id: int) -> None:
    """Queue a layout run once the current transaction commits, so the worker sees the edit
    that asked for it (and nothing is queued for an edit that rolled back)."""
    queue_after_commit(LAYOUT_TASK, coalition_id)


# ---------------------------------------------------------------------------------------------
# Saved views: kept by the roles that edit the whole map, read by everyone who sees it


def _checked_view_name(access: Access, name: str, *, view: SavedView | None = None) -> str:
    name = require_text(name, field="name", what="The view's name")
    others = SavedView.objects.filter(coalition=access.coalition, name=name)
    if view is not None:
        others = others.exclude(pk=view.pk)
    if others.exists():
        raise ApplicationError("a saved view of this coalition has this name.", field="name")
    return name


@transaction.atomic
def saved_view_create(
    *,
    access: Access,
    name: str,
    filters: dict | None = None,
    layout: str = MapLayout.FORCE,
    size_by: str = "influence",
    camera: dict | None = None,
) -> SavedView:
    access.require(Permission.MAP_EDIT_ALL)
    view = SavedView(
        coalition=access.coalition,
        name=_checked_view_name(access, name),
        filters=filters or {},
        layout=layout,
        size_by=size_by,
        camera=camera or {},
        created_by=access.user,
    )
    return save_as(view, user=access.user)


@transaction.atomic
def saved_view_update(*, access: Access, view: SavedView, expected_version, **changes) -> SavedView:
    access.require(Permission.MAP_EDIT_ALL)
    view = locked_at(view, expected_version, what="This saved view")
    if "name" in changes:
        changes["name"] = _checked_view_name(access, changes["name"], view=view)
    return apply_changes(view, changes, user=access.user)


@transaction.atomic
def saved_view_delete(*, access: Access, view: SavedView, expected_version) -> None:
    access.require(Permission.MAP_EDIT_ALL)
    view = locked_at(view, expected_version, what="This saved view")
    delete_as(view, user=access.user)
