"""Reads for the map's layout and for "who can reach them"."""

import datetime

from django.db.models import Subquery
from django.utils import timezone

from allies.models import Actor
from allies.selectors import latest_assessment
from coalitions.connect.models import Membership
from coalitions.produce.models import GroupMember
from networks.metrics.models import ActorMetric, MetricRun, MetricRunStatus
from networks.models import ActorPosition, Tie
from weft.vocabulary import MemberPhase, TieKind


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
    """What "who can reach them" needs, in three queries: the current ties the role may see
    (id, ends, declared strength, kind) except conflict ties (no message travels along a
    conflict), the coalition's member organisations (current members that the role may
    see), and each actor's stance today (their latest assessment), to keep opponents out of
    the way and mark neutrals."""
    on = on or timezone.localdate()
    ties = list(
        Tie.objects.filter(coalition=access.coalition)
        .visible(include_sensitive=access.sees_sensitive)
        .current(on)
        .exclude(kind=TieKind.CONFLICT)
        .values_list("id", "source_id", "target_id", "strength", "kind")
    )
    members = Membership.objects.filter(coalition=access.coalition, left_on__isnull=True)
    if not access.sees_sensitive:
        members = members.filter(organisation__is_sensitive=False)
    stances = dict(
        Actor.objects.filter(coalition=access.coalition)
        .annotate(stance=Subquery(latest_assessment(on).values("stance")[:1]))
        .exclude(stance=None)
        .values_list("id", "stance")
    )
    member_ids = list(members.order_by("organisation_id").values_list("organisation_id", flat=True))
    return ties, member_ids, stances


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


def colour_values(access, by: str) -> tuple[dict[int, str], str]:
    """What each visible actor is, for colouring the map by ``by`` (community, phase,
    working_group, tag, or custom:<field>), and the legend's title. Actors without a value
    are left out (the page draws them grey, "none")."""
    actors = Actor.objects.filter(coalition=access.coalition).visible(
        include_sensitive=access.sees_sensitive
    )
    if by == "community":
        return _communities(access, actors), "Community (latest metric run)"
    if by == "phase":
        rows = Membership.objects.filter(
            coalition=access.coalition, left_on__isnull=True, organisation__in=actors
        ).values_list("organisation_id", "phase")
        labels = dict(MemberPhase.choices)
        return {a: labels.get(p, p) for a, p in rows}, "Member's phase"
    if by == "working_group":
        rows = (
            GroupMember.objects.filter(
                group__coalition=access.coalition, actor__in=actors, left_on__isnull=True
            )
            .order_by("actor_id", "group__name")
            .values_list("actor_id", "group__name")
        )
        found: dict[int, str] = {}
        for actor_id, name in rows:
            found.setdefault(actor_id, name)
        return found, "Working group"
    if by == "tag":
        found = {}
        for actor_id, name in (
            actors.filter(tags__isnull=False)
            .order_by("id", "tags__name")
            .values_list("id", "tags__name")
        ):
            found.setdefault(actor_id, name)
        return found, "Tag"
    if by.startswith("custom:"):
        key = by.removeprefix("custom:")
        found = {}
        for actor_id, fields in actors.values_list("id", "custom_fields"):
            value = (fields or {}).get(key)
            if value not in (None, ""):
                found[actor_id] = str(value)
        return found, key
    raise ValueError(by)


def _communities(access, actors) -> dict[int, str]:
    run = (
        MetricRun.objects.filter(coalition=access.coalition, status=MetricRunStatus.SUCCEEDED)
        .order_by("-finished_at", "-id")
        .first()
    )
    if run is None:
        return {}
    rows = ActorMetric.objects.filter(run=run, actor__in=actors).values_list(
        "actor_id", "community"
    )
    return {a: f"Community {c + 1}" for a, c in rows}


def custom_field_keys(coalition) -> list[str]:
    """The custom fields the coalition's actors carry (imported from Kumu and the like)."""
    keys: set[str] = set()
    for fields in Actor.objects.filter(coalition=coalition).values_list("custom_fields", flat=True):
        keys.update((fields or {}).keys())
    return sorted(keys)


# ---------------------------------------------------------------------------------------------
# Stories as a reader sees them: scoped to the reader, or to a share link's visitor

# A caption is a short text: no images (nothing loaded from elsewhere), no headings.
CAPTION_TAGS = frozenset({"p", "br", "strong", "em", "code", "ul", "ol", "li", "a", "blockquote"})
CAPTION_WITHHELD = "(This step's caption names someone this view may not show.)"
PERSON_LABEL = "A person"


def shared_access(coalition):
    """Whom a share link's visitor is: no account and no organisation, seeing what a member
    sees (no sensitive actor or tie, no contact data)."""
    from coalitions.models import RoleName
    from coalitions.roles import Access

    return Access(user=None, coalition=coalition, role=RoleName.MEMBER)


def _unshowable_names(access, *, shared: bool) -> list[str]:
    """Names a caption may not carry for this reader: sensitive actors (unless the reader sees
    them) and, through a share link, people (personal detail)."""
    from django.db.models import Q

    from weft.vocabulary import ActorKind

    hidden = Q(pk__in=[])
    if not access.sees_sensitive:
        hidden |= Q(is_sensitive=True)
    if shared:
        hidden |= Q(kind=ActorKind.PERSON)
    rows = Actor.objects.filter(hidden, coalition=access.coalition).values_list("name", flat=True)
    return [name.casefold() for name in rows if len((name or "").strip()) >= 3]


def story_steps_for(story, access, *, shared: bool = False) -> list[dict]:
    """The story's steps as ``access`` may see them: highlighted actors it may not see left
    out, the caption rendered (Markdown, sanitised) and withheld when it names an actor the
    reader may not see (or, through a share link, a person)."""
    from weft.markdown import render_markdown

    wanted = {a for step in story.steps for a in step.get("highlighted", [])}
    visible = Actor.objects.filter(coalition=access.coalition, pk__in=wanted).visible(
        include_sensitive=access.sees_sensitive
    )
    seen = set(visible.values_list("pk", flat=True))
    unshowable = _unshowable_names(access, shared=shared)
    steps = []
    for step in story.steps:
        caption = step.get("caption", "")
        folded = caption.casefold()
        if any(name in folded for name in unshowable):
            caption = CAPTION_WITHHELD
        steps.append(
            {
                **step,
                "caption": caption,
                "caption_html": str(render_markdown(caption, tags=CAPTION_TAGS)),
                "highlighted": [a for a in step.get("highlighted", []) if a in seen],
            }
        )
    return steps


def anonymise_people(payload: bytes) -> bytes:
    """The map payload without people's names (personal detail), for a share link."""
    import orjson

    from weft.vocabulary import ActorKind

    data = orjson.loads(payload)
    for node in data["nodes"]:
        if node["kind"] == ActorKind.PERSON:
            node["name"] = PERSON_LABEL
    return orjson.dumps(data)
