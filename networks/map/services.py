"""Writes about the map's layout: the force layout run and a position placed by hand."""

import datetime
import logging
import secrets
import time

from django.db import IntegrityError, transaction
from django.utils import timezone

from allies.models import Actor
from coalitions.roles import Access, Permission
from coalitions.services import LAYOUT_TASK
from networks.graph.layout import Pinned, force_layout, spread_apart, warm_layout
from networks.map.models import LayoutRun, MapLayout, SavedView, Story, StoryLink
from networks.map.selectors import changed_since, graph_for_layout
from networks.models import ActorPosition
from weft.errors import ApplicationError
from weft.queue import queue_after_commit
from weft.services import apply_changes, delete_as, locked_at, save_as
from weft.tokens import token_hash
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
