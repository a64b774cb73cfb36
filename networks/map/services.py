"""Writes about the map's layout: the force layout run and a position placed by hand."""

import datetime
import logging
import secrets
import time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from allies.models import Actor
from coalitions.roles import Access, Permission
from coalitions.services import LAYOUT_TASK
from networks.graph.layout import Pinned, force_layout, spread_apart, warm_layout
from networks.map.models import (
    LayoutRun,
    LayoutRunStatus,
    MapLayout,
    SavedView,
    Story,
    StoryLink,
)
from networks.map.selectors import changed_since, graph_for_layout
from networks.models import ActorPosition
from weft.errors import ApplicationError
from weft.history import restore_row
from weft.leases import heartbeat, lease_until
from weft.queue import queue_after_commit
from weft.services import apply_changes, delete_as, locked_at, save_as
from weft.tokens import token_hash
from weft.validation import require_text
from weft.versions import last_change_of

logger = logging.getLogger(__name__)

# An undeclared tie still pulls, at the strength of a middling declared one.
DEFAULT_LAYOUT_WEIGHT = 3


def layout_compute(*, coalition_id: int, full: bool = False, run: LayoutRun | None = None) -> int:
    """Lay out a coalition's map and store the positions per actor; pinned positions (placed
    by hand) are never moved. Returns the number of positions written.

    A warm run (the default once the map has a layout) moves only what changed since the last
    run: actors without a place, actors placed since (beside their neighbours, in the middle
    of the view), the two ends of every tie added or changed since, and their neighbours.
    Everyone else keeps their place, so the map a person knows does not jump after an edit.
    A full run (``full``, the first run, an import) lays the whole map out from scratch.

    ``run``: the run a worker claimed (layout_run_claim); its lease is renewed while the
    layout is computed, and if the run was taken from this worker meanwhile (thought dead),
    nothing is stored. Without, a succeeded run is written once done."""
    if run is None:
        return _layout_and_store(coalition_id, full, None, timezone.now())
    mine = LayoutRun.objects.filter(
        pk=run.pk, attempts=run.attempts, status=LayoutRunStatus.RUNNING
    )
    with heartbeat(lambda: mine.update(lease_expires_at=lease_until())):
        return _layout_and_store(coalition_id, full, run, run.started_at)


def _layout_and_store(
    coalition_id: int, full: bool, run: LayoutRun | None, started_at: datetime.datetime
) -> int:
    started = time.monotonic()
    actor_ids, ties, stored = graph_for_layout(coalition_id)
    index = {actor_id: i for i, actor_id in enumerate(actor_ids)}
    edges = [(index[s], index[t]) for s, t, _ in ties]
    weights = [strength or DEFAULT_LAYOUT_WEIGHT for _, _, strength in ties]
    pinned_ids = {a for a, _, _, is_pinned in stored if is_pinned}
    placed: list[tuple[float, float] | None] = [None] * len(actor_ids)
    for actor_id, x, y, _ in stored:
        placed[index[actor_id]] = (x, y)
    last = (
        LayoutRun.objects.filter(coalition_id=coalition_id, status=LayoutRunStatus.SUCCEEDED)
        .order_by("-started_at")
        .first()
    )
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
    done = {
        "is_full": not warm,
        "actors": len(actor_ids),
        "moved": len(rows),
        "seconds": seconds,
    }
    with transaction.atomic():
        if run is not None:
            # Still this worker's run (not taken back as dead meanwhile): locked until stored.
            mine = LayoutRun.objects.select_for_update().filter(
                pk=run.pk, attempts=run.attempts, status=LayoutRunStatus.RUNNING
            )
            if not mine.exists():
                return 0
        ActorPosition.objects.bulk_create(
            rows,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["actor"],
            update_fields=["x", "y", "updated_at"],
        )
        # After the positions: places written later than this are people's, not this run's.
        done["finished_at"] = timezone.now()
        if run is None:
            LayoutRun.objects.create(coalition_id=coalition_id, started_at=started_at, **done)
        else:
            mine.update(status=LayoutRunStatus.SUCCEEDED, lease_expires_at=None, **done)
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


def layout_run_claim(
    *, coalition_id: int, task_id: str = "", run_id: int | None = None
) -> LayoutRun | None:
    """The run a worker's task works on, claimed under a lease: the run ``run_id`` (queued
    again by the reaper) if it is pending, or running under a lease that ran out, or running
    under this same task (the broker redelivered it after its worker was lost); without
    ``run_id``, the run this task started before (a redelivery), or a new one. None when the
    run is not this task's to work on (finished, or alive on another worker)."""
    now = timezone.now()
    claim = {
        "status": LayoutRunStatus.RUNNING,
        "attempts": F("attempts") + 1,
        "started_at": now,
        "task_id": task_id,
        "lease_expires_at": lease_until(),
        "error": "",
    }
    mine = Q(lease_expires_at__lt=now) | (Q(task_id=task_id) if task_id else Q(pk__in=[]))
    if run_id is not None:
        runs = LayoutRun.objects.filter(
            Q(status=LayoutRunStatus.PENDING) | Q(mine, status=LayoutRunStatus.RUNNING),
            pk=run_id,
            coalition_id=coalition_id,
        )
    elif task_id:
        runs = LayoutRun.objects.filter(
            coalition_id=coalition_id, task_id=task_id, status=LayoutRunStatus.RUNNING
        )
    else:
        runs = LayoutRun.objects.none()
    claimed = runs.first()
    if claimed is not None:
        if not runs.filter(pk=claimed.pk).update(**claim):
            return None  # another worker claimed it first
        return LayoutRun.objects.get(pk=claimed.pk)
    if run_id is not None:
        return None  # succeeded, failed, or alive on another worker
    return LayoutRun.objects.create(
        coalition_id=coalition_id, **{**claim, "attempts": 1}, finished_at=None
    )


def layout_runs_reap() -> dict[str, int]:
    """Take back the layout runs whose lease is over: a running run whose worker stopped
    renewing it (killed, its machine lost), or a pending one no worker took (its message
    lost). Each is queued again, up to WEFT_RUN_MAX_ATTEMPTS claims, or failed with an error
    saying why; a run queued again that no worker took for WEFT_RUN_PENDING_MAX_SECONDS
    fails too. Returns how many were requeued and failed."""
    now = timezone.now()
    too_old = now - datetime.timedelta(seconds=settings.WEFT_RUN_PENDING_MAX_SECONDS)
    runs = LayoutRun.objects.filter(
        lease_expires_at__lt=now,
        status__in=(LayoutRunStatus.PENDING, LayoutRunStatus.RUNNING),
    )
    counts = {"requeued": 0, "failed": 0}
    for run in runs.only("pk", "coalition_id", "status", "attempts", "started_at"):
        same = LayoutRun.objects.filter(
            pk=run.pk, status=run.status, attempts=run.attempts, lease_expires_at__lt=now
        )
        if run.attempts >= settings.WEFT_RUN_MAX_ATTEMPTS or run.started_at < too_old:
            counts["failed"] += same.update(
                status=LayoutRunStatus.FAILED,
                finished_at=now,
                lease_expires_at=None,
                error=(
                    f"WorkerLost: the worker laying out this map stopped ({run.attempts} "
                    "attempts); the map keeps its last layout."
                ),
            )
            continue
        with transaction.atomic():
            if same.update(status=LayoutRunStatus.PENDING, lease_expires_at=lease_until()):
                queue_after_commit(LAYOUT_TASK, run.coalition_id, run_id=run.pk)
                counts["requeued"] += 1
    if counts["requeued"] or counts["failed"]:
        logger.warning(
            "layout runs reaped requeued=%s failed=%s", counts["requeued"], counts["failed"]
        )
    return counts


def layout_run_fail(*, run_id: int | None = None, task_id: str = "", error: str) -> int:
    """Mark the run a task was laying out as failed (after its last retry, or an error no
    retry fixes). The error names the exception only: a message could quote data."""
    if run_id is None and not task_id:
        return 0
    runs = LayoutRun.objects.filter(status__in=(LayoutRunStatus.PENDING, LayoutRunStatus.RUNNING))
    runs = runs.filter(pk=run_id) if run_id is not None else runs.filter(task_id=task_id)
    return runs.update(
        status=LayoutRunStatus.FAILED,
        finished_at=timezone.now(),
        lease_expires_at=None,
        error=error,
    )


@transaction.atomic
def position_set(
    *, access: Access, actor: Actor, x: float, y: float, is_pinned: bool
) -> ActorPosition:
    """Put an actor where a person placed it (anyone who may edit the actor). A pinned
    position is kept by later layout runs; an unpinned one is only a starting place until the
    next run. Positions are layout, not data: no version, the last writer wins."""
    access.require_edit_actor(actor)
    # Saved with who placed it: the live map says who moved an actor (networks/map/live.py).
    for _ in range(2):
        position = ActorPosition.objects.filter(actor=actor).first() or ActorPosition(actor=actor)
        position.x, position.y, position.is_pinned = x, y, is_pinned
        try:
            with transaction.atomic():
                return save_as(position, user=access.user)
        except IntegrityError:
            continue  # placed by someone else at the same moment: change theirs
    raise ApplicationError("the actor's place could not be saved; try again.")


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
    description: str = "",
    filters: dict | None = None,
    layout: str = MapLayout.FORCE,
    size_by: str = "influence",
    colour_by: str = "stance",
    camera: dict | None = None,
) -> SavedView:
    access.require(Permission.MAP_EDIT_ALL)
    view = SavedView(
        coalition=access.coalition,
        name=_checked_view_name(access, name),
        description=description,
        filters=filters or {},
        layout=layout,
        size_by=size_by,
        colour_by=colour_by,
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


@transaction.atomic
def saved_view_undelete(*, access: Access, view_id) -> SavedView:
    """Undo the deletion of a saved view: it comes back as it was deleted (its history's
    deletion record), under the same id. Refused if it is back already, or if another view
    took its name since (naming who made that one)."""
    access.require(Permission.MAP_EDIT_ALL)
    try:
        record = (
            SavedView.history.filter(
                id=int(view_id), coalition_id=access.coalition.pk, history_type="-"
            )
            .order_by("-history_id")
            .first()
        )
    except (TypeError, ValueError, OverflowError):
        record = None
    if record is None:
        raise ApplicationError("No such deleted saved view.", status=404, code="not_found")
    if SavedView.objects.filter(pk=record.id).exists():
        raise ApplicationError(
            f"The saved view “{record.name}” is back already.", status=409, code="conflict"
        )
    taken = SavedView.objects.filter(coalition=access.coalition, name=record.name).first()
    if taken is not None:
        who = last_change_of(taken).get("changed_by") or "someone"
        raise ApplicationError(
            f"Another saved view was named “{record.name}” by {who} since: rename it first, "
            "then undo the delete.",
            status=409,
            code="conflict",
        )
    view, _ = restore_row(record, user=access.user, reason="deletion undone")
    return view


# ---------------------------------------------------------------------------------------------
# Stories (issue #18, story mode): written by the roles that edit the whole map, played by
# everyone who sees it, shared read-only by a steward through an expiring, revocable link.

STORY_LINK_DAYS = (1, 90)
STORY_MAX_STEPS = 60


def _checked_steps(access: Access, steps: list[dict], *, before: list[dict] = ()) -> list[dict]:
    """The steps as given (shape checked by the serializer), each with a key that stays with
    it through reorders, and every highlighted actor an actor of this coalition that the
    writer may see: a story never names a hidden actor.

    A writer who does not see sensitive actors read the story without them (the caption that
    names one withheld, the actor left out of the highlights): what they send back keeps, for
    each step they kept, the caption and the highlights they could not see."""
    from networks.map.selectors import CAPTION_WITHHELD

    if len(steps) > STORY_MAX_STEPS:
        raise ApplicationError(f"A story has at most {STORY_MAX_STEPS} steps.", field="steps")
    old = {step.get("key"): step for step in before if step.get("key")}
    wanted = {a for step in steps for a in step.get("highlighted", [])}
    known = set(
        Actor.objects.filter(coalition=access.coalition, pk__in=wanted)
        .visible(include_sensitive=access.sees_sensitive)
        .values_list("pk", flat=True)
    )
    for number, step in enumerate(steps, start=1):
        missing = [a for a in step.get("highlighted", []) if a not in known]
        if missing:
            raise ApplicationError(
                f"step {number} highlights an actor that is not on this map ({missing[0]}).",
                field="steps",
            )
    unseen = set()
    if not access.sees_sensitive and old:
        unseen = set(
            Actor.objects.filter(
                coalition=access.coalition,
                is_sensitive=True,
                pk__in={a for step in before for a in step.get("highlighted", [])},
            ).values_list("pk", flat=True)
        )
    checked = []
    for step in steps:
        step = dict(step)
        step.pop("caption_html", None)
        previous = old.get(step.get("key"))
        if previous is None:
            step["key"] = secrets.token_hex(6)
        elif not access.sees_sensitive:
            if step.get("caption") == CAPTION_WITHHELD:
                step["caption"] = previous.get("caption", "")
            kept = [a for a in previous.get("highlighted", []) if a in unseen]
            step["highlighted"] = [*step.get("highlighted", []), *kept]
        checked.append(step)
    return checked


@transaction.atomic
def story_create(*, access: Access, title: str, steps: list[dict] | None = None) -> Story:
    access.require(Permission.MAP_EDIT_ALL)
    story = Story(
        coalition=access.coalition,
        title=require_text(title, field="title", what="The story's title"),
        steps=_checked_steps(access, steps or []),
        created_by=access.user,
    )
    return save_as(story, user=access.user)


@transaction.atomic
def story_update(*, access: Access, story: Story, expected_version, **changes) -> Story:
    """Change the title or the steps (added from the current view, reordered, edited,
    removed: the page sends the whole list back with the version it read)."""
    access.require(Permission.MAP_EDIT_ALL)
    story = locked_at(story, expected_version, what="This story")
    if "title" in changes:
        changes["title"] = require_text(changes["title"], field="title", what="The story's title")
    if "steps" in changes:
        changes["steps"] = _checked_steps(access, changes["steps"], before=story.steps)
    return apply_changes(story, changes, user=access.user)


@transaction.atomic
def story_delete(*, access: Access, story: Story, expected_version) -> None:
    access.require(Permission.MAP_EDIT_ALL)
    story = locked_at(story, expected_version, what="This story")
    delete_as(story, user=access.user)


@transaction.atomic
def story_link_create(
    *, access: Access, story: Story, expires_in_days: int = 30
) -> tuple[StoryLink, str]:
    """A new read-only link to a story (stewards). Returns the link and its token: only the
    token's hash is stored, so this is the one time it can be shown."""
    from coalitions.models import AuditAction
    from coalitions.services import audit_record

    access.require(Permission.REPORTS_SHARE)
    if story.coalition_id != access.coalition.pk:
        raise ApplicationError("Choose a story of this coalition.", field="story")
    if not story.steps:
        raise ApplicationError(
            "A story without steps has nothing to show: add a step first.",
            field="story",
            status=409,
            code="story_empty",
        )
    low, high = STORY_LINK_DAYS
    if not low <= expires_in_days <= high:
        raise ApplicationError(f"A link expires in {low} to {high} days.", field="expires_in_days")
    token = secrets.token_urlsafe(32)  # 256 bits: unguessable
    link = StoryLink.objects.create(
        story=story,
        token_hash=token_hash(token),
        created_by=access.user,
        expires_at=timezone.now() + datetime.timedelta(days=expires_in_days),
    )
    audit_record(
        coalition=access.coalition,
        user=access.user,
        action=AuditAction.STORY_LINK_CREATED,
        story_id=story.pk,
        story_link_id=link.pk,
        expires_in_days=expires_in_days,
    )
    return link, token


@transaction.atomic
def story_link_revoke(*, access: Access, link: StoryLink) -> StoryLink:
    from coalitions.models import AuditAction
    from coalitions.services import audit_record

    access.require(Permission.REPORTS_SHARE)
    link = StoryLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.revoked_by = access.user
        link.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            coalition=access.coalition,
            user=access.user,
            action=AuditAction.STORY_LINK_REVOKED,
            story_id=link.story_id,
            story_link_id=link.pk,
        )
    return link


@transaction.atomic
def story_link_open(*, token: str) -> StoryLink | None:
    """The link a token opens, with the opening written to the audit log (a closed link's
    attempt too), or None when it is expired or revoked: the refusal is committed with its
    audit row, so it is returned, not raised. An unknown token is a 404."""
    from django.http import Http404

    from coalitions.models import AuditAction
    from coalitions.services import audit_record

    link = (
        StoryLink.objects.filter(token_hash=token_hash(token or ""))
        .select_related("story__coalition")
        .first()
    )
    if link is None:
        raise Http404("No such link.")
    opened = link.is_open(timezone.now())
    audit_record(
        coalition=link.story.coalition,
        user=None,
        action=AuditAction.STORY_LINK_OPENED if opened else AuditAction.STORY_LINK_REFUSED,
        story_id=link.story_id,
        story_link_id=link.pk,
    )
    return link if opened else None
