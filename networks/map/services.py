"""Writes about the map's layout: the force layout run and a position placed by hand."""

import logging
import time

from django.db import transaction

from allies.models import Actor
from coalitions.roles import Access, Permission
from coalitions.services import LAYOUT_TASK
from networks.graph.layout import Pinned, force_layout
from networks.map.models import MapLayout, SavedView
from networks.map.selectors import graph_for_layout
from networks.models import ActorPosition
from weft.errors import ApplicationError
from weft.queue import queue_after_commit
from weft.services import apply_changes, delete_as, locked_at, save_as
from weft.validation import require_text

logger = logging.getLogger(__name__)

# An undeclared tie still pulls, at the strength of a middling declared one.
DEFAULT_LAYOUT_WEIGHT = 3


def layout_compute(*, coalition_id: int) -> int:
    """Recompute the force-directed layout of a coalition's map and store it per actor.
    Pinned positions (placed by hand) are kept. Returns the number of positions written."""
    started = time.monotonic()
    actor_ids, ties, stored = graph_for_layout(coalition_id)
    index = {actor_id: i for i, actor_id in enumerate(actor_ids)}
    edges = [(index[s], index[t]) for s, t, _ in ties]
    weights = [strength or DEFAULT_LAYOUT_WEIGHT for _, _, strength in ties]
    pinned = [Pinned(index[a], x, y) for a, x, y, is_pinned in stored if is_pinned]
    # Start from where everyone is (the last run, newcomers beside their neighbours): the
    # map keeps its shape after an edit.
    placed: list[tuple[float, float] | None] = [None] * len(actor_ids)
    for actor_id, x, y, _ in stored:
        placed[index[actor_id]] = (x, y)
    positions = force_layout(len(actor_ids), edges, weights, pinned, placed=placed)
    pinned_ids = {a for a, _, _, is_pinned in stored if is_pinned}
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
