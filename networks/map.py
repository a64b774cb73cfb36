"""The coalition map in one response, shaped for a graph view: ``nodes`` and ``edges``.

This is the one payload that grows with the whole map (5,000 actors, 25,000 ties), so it is
read with ``.values()`` in a fixed number of queries and encoded straight to JSON bytes with
orjson; per-row DRF serializers cost 5–9× as much here (issue #4). Serializers still describe
it in the OpenAPI schema.
"""

import datetime
from dataclasses import dataclass

import orjson
from django.db.models import Exists, F, FilteredRelation, OuterRef, Q, Subquery

from allies.models import Actor, Stance
from allies.selectors import latest_assessment
from coalitions.models import GroupMember
from coalitions.roles import Access

from .layout import power_layout
from .models import Tie


@dataclass(frozen=True)
class MapFilters:
    stances: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    ally_kind: str | None = None
    tag: str | None = None
    working_group: int | None = None
    min_strength: int | None = None
    as_of: datetime.date | None = None
    layout: str = "force"

    @property
    def narrows_actors(self) -> bool:
        return bool(self.stances or self.kinds or self.ally_kind or self.tag or self.working_group)


NODE_FIELDS = (
    "id", "name", "kind", "is_sensitive", "is_directly_affected",
    "stance", "ally_kind", "influence", "proximity", "commitment", "x", "y", "is_pinned",
)  # fmt: skip
ASSESSMENT_FIELDS = ("stance", "ally_kind", "influence", "proximity", "commitment")
EDGE_FIELDS = (
    "id", "source", "target", "kind", "direction", "strength", "started_on", "ended_on",
    "is_sensitive",
)  # fmt: skip


def map_rows(access: Access, filters: MapFilters) -> tuple[list[dict], list[dict]]:
    """Nodes and edges of the map as plain dicts (the API's payload and the table view).
    Three queries: visible actors with their assessment on the day (and position), then the
    ties among them."""
    latest = latest_assessment(filters.as_of)
    actors = Actor.objects.filter(coalition=access.coalition).visible(
        include_sensitive=access.sees_sensitive
    )
    # One correlated subquery finds the assessment in force, and a join reads its fields:
    # a subquery per field costs about five times as much at 5,000 actors (bench/).
    actors = actors.annotate(
        assessment_id=Subquery(latest.values("id")[:1]),
        assessment=FilteredRelation("assessments", condition=Q(assessments__id=F("assessment_id"))),
        **{field: F(f"assessment__{field}") for field in ASSESSMENT_FIELDS},
        x=F("position__x"),
        y=F("position__y"),
        is_pinned=F("position__is_pinned"),
    )
    if filters.stances:
        actors = actors.filter(stance__in=filters.stances)
    if filters.kinds:
        actors = actors.filter(kind__in=filters.kinds)
    if filters.ally_kind:
        actors = actors.filter(ally_kind=filters.ally_kind)
    if filters.tag:
        actors = actors.filter(tags__name=filters.tag)
    if filters.working_group:
        seats = GroupMember.objects.filter(group_id=filters.working_group, actor_id=OuterRef("pk"))
        actors = actors.filter(Exists(seats))
    nodes = list(actors.order_by("id").values(*NODE_FIELDS))
    if filters.layout == "power":
        # Stance across, influence up: computed here, like every layout, not in the browser.
        cells = [
            (Stance.position(node["stance"]) if node["stance"] else None, node["influence"])
            for node in nodes
        ]
        for node, (x, y) in zip(nodes, power_layout(cells), strict=True):
            node["x"], node["y"], node["is_pinned"] = x, y, False

    ties = Tie.objects.filter(coalition=access.coalition).visible(
        include_sensitive=access.sees_sensitive
    )
    if filters.as_of is not None:
        # The map as it stood that day: ties by their own start and end dates.
        ties = ties.current(filters.as_of)
    if filters.min_strength is not None:
        ties = ties.filter(strength__gte=filters.min_strength)
    edges = ties.order_by("id").values(*EDGE_FIELDS)
    if filters.narrows_actors:
        # Only ties between the actors left on the map; without actor filters every visible
        # tie already joins two visible actors (TieQuerySet.visible), so no pass is needed.
        shown = {node["id"] for node in nodes}
        edges = [edge for edge in edges if edge["source"] in shown and edge["target"] in shown]
    return nodes, list(edges)


def map_payload(access: Access, filters: MapFilters) -> bytes:
    """The map as JSON bytes. (The caller's access check is the fourth query.)"""
    nodes, edges = map_rows(access, filters)
    return orjson.dumps(
        {
            "coalition": access.coalition.pk,
            "as_of": filters.as_of,
            "nodes": nodes,
            "edges": edges,
        },
        option=orjson.OPT_NON_STR_KEYS,
    )
