"""The coalition map in one response, shaped for a graph view: ``nodes`` and ``edges``.

This is the one payload that grows with the whole map (5,000 actors, 25,000 ties), so it is
read with ``.values()`` in a fixed number of queries and encoded straight to JSON bytes with
orjson; per-row DRF serializers cost 5–9× as much here (issue #4). Serializers still describe
it in the OpenAPI schema.

**Inferred relationships** (issue #6: "interactions between actors with no declared tie still
make a relationship on the map, marked as inferred") are edges with ``inferred: true`` and no
tie id. They are computed here from the interactions with networks/strength.py, once per
change of what the map shows (the whole payload is kept in the cache under its version, below),
not read from the latest metric run: the map then shows an interaction
the moment it is recorded (runs are debounced), works before any run, follows ``as_of``, and —
the reason that decides it — is computed only from what the role may see: for a member, an
interaction involving a sensitive actor is no evidence at all (as the interactions API hides
it), and a pair joined by a tie the member may not see is never shown as inferred (that would
reveal the hidden tie). A run's rows cannot tell which interactions a strength came from.
"""

import datetime
import hashlib

import orjson
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, Subquery, TextField
from django.db.models.functions import JSONObject
from django.utils import timezone

from allies.models import Actor, AllyAssessment
from allies.selectors import latest_assessment
from coalitions.produce.models import GroupMember
from coalitions.roles import Access
from networks.graph.layout import power_layout
from networks.graph.strength import DECLARED_RANGE, StrengthSettings, relationship_strengths
from networks.map.filters import MapFilters
from networks.models import ActorPosition, Interaction, InteractionParticipant, Tie
from weft.vocabulary import Stance

# Part of the map's ETag: change it when the payload's shape changes.
FORMAT_VERSION = 1

ASSESSMENT_FIELDS = ("stance", "ally_kind", "influence", "proximity", "commitment")


ACTOR_COLUMNS = ("id", "name", "kind", "is_sensitive", "is_directly_affected")
NODE_FIELDS = ACTOR_COLUMNS + ASSESSMENT_FIELDS + ("x", "y", "is_pinned")


EDGE_FIELDS = (
    ("id", "source", "target", "kind", "direction", "strength")
    + ("started_on", "ended_on")
    + ("is_sensitive",)
)


# The map filters that keep the actors whose field matches: (filter, field, lookup).
ACTOR_FIELD_FILTERS = (
    ("stances", "stance", "stance__in"),
    ("kinds", "kind", "kind__in"),
    ("ally_kind", "ally_kind", "ally_kind"),
    ("tag", "tags", "tags__name"),
)


def map_rows(access: Access, filters: MapFilters) -> tuple[list[dict], list[dict]]:
    """Nodes and edges of the map as plain dicts (the API's payload and the table view).
    Three queries: visible actors with their assessment on the day (and position), then the
    ties among them."""
    nodes, edges, _ = map_rows_counted(access, filters)
    return nodes, edges


def map_rows_counted(access: Access, filters: MapFilters) -> tuple[list[dict], list[dict], dict]:
    """``map_rows`` and what the page says about them: how many inferred relationships there
    are (drawn or not: the toggle shows the count) and how many actors the filters hide."""
    nodes = _node_rows(access, filters)
    if filters.layout == "power":
        _place_by_power(nodes)
    edges = _tie_edges(access, filters)
    shown = {node["id"] for node in nodes}
    if filters.narrows_actors or filters.as_of is not None:
        # Only ties between the actors left on the map; without actor filters every visible
        # tie already joins two visible actors (TieQuerySet.visible), so no pass is needed.
        edges = [edge for edge in edges if edge["source"] in shown and edge["target"] in shown]
    for edge in edges:
        edge["inferred"] = False
        edge["relationship_strength"] = edge["interaction_count"] = None
    inferred = inferred_edges(access, filters, shown, edges)
    if filters.inferred:
        edges.extend(inferred)
    total = len(nodes)
    if filters.narrows_actors or filters.as_of is not None:
        total = (
            Actor.objects.filter(coalition=access.coalition)
            .visible(include_sensitive=access.sees_sensitive)
            .count()
        )
    counts = {"inferred_count": len(inferred), "actors_total": total, "hidden": total - len(nodes)}
    return nodes, edges, counts


def _node_rows(access: Access, filters: MapFilters, only: set[int] | None = None) -> list[dict]:
    """The visible actors the filters keep, with their assessment on the day and position.

    The assessment in force is read so that the database does the same work whatever its
    statistics say: on PostgreSQL a ``LEFT JOIN LATERAL … LIMIT 1`` per actor, down the
    (actor, day) index; elsewhere one correlated subquery in the select list returning its
    fields as one JSON object. (A join on the assessments table by a correlated subquery,
    as before, was planned as a hash join over every coalition's assessments once the tables
    were analysed: a 300-actor map then read the whole table, issue #24.)

    ``only``: just these actors (the live map's changes), role and filters applying as ever."""
    latest = latest_assessment(filters.as_of)
    actors = Actor.objects.filter(coalition=access.coalition).visible(
        include_sensitive=access.sees_sensitive
    )
    if only is not None:
        actors = actors.filter(pk__in=only)
    actors = actors.annotate(
        x=F("position__x"), y=F("position__y"), is_pinned=F("position__is_pinned")
    )
    if filters.as_of is not None:
        actors = actors.filter(known_by(filters.as_of))
    for name, field, lookup in ACTOR_FIELD_FILTERS:
        value = getattr(filters, name)
        if value:
            if field in ASSESSMENT_FIELDS:
                # Only when filtering by it: the field of the assessment in force.
                actors = actors.annotate(**{f"now_{field}": Subquery(latest.values(field)[:1])})
                lookup = f"now_{lookup}"
            actors = actors.filter(**{lookup: value})
    if filters.working_group:
        seats = GroupMember.objects.filter(group_id=filters.working_group, actor_id=OuterRef("pk"))
        actors = actors.filter(Exists(seats))
    if connection.vendor == "postgresql":
        return _node_rows_lateral(actors, filters.as_of)
    current = latest.values(packed=JSONObject(**{field: field for field in ASSESSMENT_FIELDS}))
    actors = actors.annotate(assessment_now=Subquery(current[:1], output_field=TextField()))
    nodes = []
    nothing = dict.fromkeys(ASSESSMENT_FIELDS)
    for *columns, x, y, is_pinned, packed in actors.order_by("id").values_list(
        *ACTOR_COLUMNS, "x", "y", "is_pinned", "assessment_now"
    ):
        assessment = nothing if packed is None else _decoded(packed)
        node = dict(zip(ACTOR_COLUMNS, columns, strict=True))
        for field in ASSESSMENT_FIELDS:
            node[field] = assessment.get(field)
        node["x"], node["y"], node["is_pinned"] = x, y, is_pinned
        nodes.append(node)
    return nodes


def _node_rows_lateral(actors, as_of: datetime.date | None) -> list[dict]:
    """The actors' query (filters and all, as the ORM writes it) joined laterally with each
    actor's assessment in force: one index descent per actor, planned the same at any size."""
    inner, params = (
        actors.order_by().values(*ACTOR_COLUMNS, "x", "y", "is_pinned").query.sql_with_params()
    )
    day = "AND s.assessed_on <= %s" if as_of is not None else ""
    sql = f"""
        SELECT {", ".join(f"q.{column}" for column in ACTOR_COLUMNS)},
               {", ".join(f"a.{field}" for field in ASSESSMENT_FIELDS)}, q.x, q.y, q.is_pinned
          FROM ({inner}) q
          LEFT JOIN LATERAL (
                SELECT {", ".join(ASSESSMENT_FIELDS)}
                  FROM {AllyAssessment._meta.db_table} s
                 WHERE s.actor_id = q.id {day}
                 ORDER BY s.assessed_on DESC, s.created_at DESC, s.id DESC
                 LIMIT 1
               ) a ON TRUE
         ORDER BY q.id
    """  # noqa: S608 (the inner query is the ORM's, with its parameters; names are the models')
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *([as_of] if as_of is not None else [])])
        return [dict(zip(NODE_FIELDS, row, strict=True)) for row in cursor.fetchall()]


def _decoded(packed) -> dict:
    """The JSON object the database built (text from SQLite; a dict if a driver decodes it)."""
    return packed if isinstance(packed, dict) else orjson.loads(packed)


def known_by(day: datetime.date) -> Q:
    """An actor known on ``day``: its first-known date (its creation in Weft, or its earliest
    dated tie, assessment or interaction, whichever is earlier) is on or before that day. The
    map as it stood then shows no actor nobody had heard of yet."""
    ties = Tie.objects.filter(
        Q(source_id=OuterRef("pk")) | Q(target_id=OuterRef("pk")), started_on__lte=day
    )
    assessed = AllyAssessment.objects.filter(actor_id=OuterRef("pk"), assessed_on__lte=day)
    met = InteractionParticipant.objects.filter(
        actor_id=OuterRef("pk"), interaction__occurred_on__lte=day
    )
    return Q(created_at__date__lte=day) | Exists(assessed) | Exists(ties) | Exists(met)


def _place_by_power(nodes: list[dict]) -> None:
    # Stance across, influence up: computed here, like every layout, not in the browser.
    cells = [
        (Stance.position(node["stance"]) if node["stance"] else None, node["influence"])
        for node in nodes
    ]
    for node, (x, y) in zip(nodes, power_layout(cells), strict=True):
        node["x"], node["y"], node["is_pinned"] = x, y, False


def _tie_edges(access: Access, filters: MapFilters, only: set[int] | None = None) -> list[dict]:
    """The visible ties the filters keep, as edges (``only``: just these ties)."""
    ties = Tie.objects.filter(coalition=access.coalition).visible(
        include_sensitive=access.sees_sensitive
    )
    if only is not None:
        ties = ties.filter(pk__in=only)
    if filters.as_of is None:
        if filters.min_strength is not None:
            ties = ties.filter(strength__gte=filters.min_strength)
        return list(ties.order_by("id").values(*EDGE_FIELDS))
    # The map as it stood that day: ties by their own start and end dates (an undated tie
    # from when it was recorded), with the strength they had then.
    day = filters.as_of
    ties = ties.current(day).filter(Q(started_on__isnull=False) | Q(created_at__date__lte=day))
    edges = list(ties.order_by("id").values(*EDGE_FIELDS))
    _strengths_then(edges, day)
    if filters.min_strength is not None:
        edges = [
            e for e in edges if e["strength"] is not None and e["strength"] >= filters.min_strength
        ]
    return edges


def _strengths_then(edges: list[dict], day: datetime.date) -> None:
    """Each tie's declared strength as it was at the end of ``day``, from its history (the
    first value recorded when the tie was entered later than the day it started)."""
    if not edges:
        return
    end = timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))
    then: dict[int, tuple[bool, object]] = {}
    rows = (
        Tie.history.filter(id__in=[edge["id"] for edge in edges])
        .order_by("id", "history_date", "history_id")
        .values_list("id", "history_date", "strength")
    )
    for tie_id, when, strength in rows:
        known = then.get(tie_id)
        if known is None or when <= end:
            then[tie_id] = (when <= end, strength)
    for edge in edges:
        if edge["id"] in then:
            edge["strength"] = then[edge["id"]][1]


def inferred_edges(
    access: Access, filters: MapFilters, shown: set[int], tie_edges: list[dict]
) -> list[dict]:
    """Relationships between actors on the map that interacted but have no declared tie,
    strongest first, as map edges with ``inferred: true`` (no tie id, no declared strength;
    ``relationship_strength`` is the observed strength 0–1 of networks/strength.py, decayed
    to ``as_of`` or today). One query for the interactions, and one more for the declared
    pairs when the role or the strength filter hides some ties from ``tie_edges``."""
    on = filters.as_of or timezone.localdate()
    participations = InteractionParticipant.objects.filter(interaction__coalition=access.coalition)
    if filters.as_of is not None:
        participations = participations.filter(interaction__occurred_on__lte=filters.as_of)
    if not access.sees_sensitive:
        # An interaction with a sensitive actor is hidden from this role (the interactions
        # API), so it is no evidence here either: not even of the pairs it could show.
        hidden = InteractionParticipant.objects.filter(
            interaction=OuterRef("interaction"), actor__is_sensitive=True
        )
        participations = participations.exclude(Exists(hidden))
    interactions: dict[int, tuple[str, datetime.date, list[int]]] = {}
    for interaction_id, kind, occurred_on, actor_id in participations.values_list(
        "interaction_id", "interaction__kind", "interaction__occurred_on", "actor_id"
    ):
        interactions.setdefault(interaction_id, (kind, occurred_on, []))[2].append(actor_id)
    if not interactions:
        return []

    if access.sees_sensitive and filters.min_strength is None:
        # Every tie that could join two actors on the map is among the edges already.
        declared = {(edge["source"], edge["target"]) for edge in tie_edges}
    else:
        # Ties this role does not see, or that the strength filter left out, still make the
        # pair declared: an inferred edge there would reveal the hidden tie.
        ties = Tie.objects.filter(coalition=access.coalition)
        if filters.as_of is not None:
            ties = ties.current(filters.as_of)
        declared = set(ties.values_list("source_id", "target_id"))
    declared = {(min(a, b), max(a, b)) for a, b in declared}

    settings = StrengthSettings.from_overrides(access.coalition.strength_settings)
    counts: dict[tuple[int, int], int] = {}
    evidence = []
    for kind, occurred_on, actor_ids in interactions.values():
        # Evidence is shared among all who took part (w / (n − 1)), counted among those the
        # role sees: the interaction is visible whole, or not at all (above).
        evidence.append((kind, occurred_on, actor_ids))
        on_map = sorted(a for a in set(actor_ids) if a in shown)
        for i, a in enumerate(on_map):
            for b in on_map[i + 1 :]:
                counts[(a, b)] = counts.get((a, b), 0) + 1
    strengths = relationship_strengths(evidence, {}, on, settings)
    # A minimum declared strength d keeps relationships at least as strong as d / 5, the
    # scale on which strength.py blends the two.
    least = filters.min_strength / DECLARED_RANGE[1] if filters.min_strength else 0.0
    found = [
        (pair, relationship.strength)
        for pair, relationship in strengths.items()
        if pair in counts and pair not in declared and relationship.strength >= least
    ]
    found.sort(key=lambda item: (-item[1], item[0]))
    return [
        {
            "id": None,
            "source": a,
            "target": b,
            "kind": None,
            "direction": "undirected",
            "strength": None,
            "started_on": None,
            "ended_on": None,
            "is_sensitive": False,
            "inferred": True,
            "relationship_strength": round(strength, 4),
            "interaction_count": counts[(a, b)],
        }
        for (a, b), strength in found
    ]


def map_payload(access: Access, filters: MapFilters) -> bytes:
    """The map as JSON bytes. (The caller's access check is the fourth query.)"""
    nodes, edges, counts = map_rows_counted(access, filters)
    return orjson.dumps(
        {
            "coalition": access.coalition.pk,
            "as_of": filters.as_of,
            **counts,
            "nodes": nodes,
            "edges": edges,
        },
        option=orjson.OPT_NON_STR_KEYS,
    )


def map_payload_kept(access: Access, filters: MapFilters, version: str | None) -> bytes:
    """The map's bytes, built once per version: ``version`` (``map_version``) covers
    everything the payload is made of (rows, the role's view of sensitive items, the filters,
    the strength settings and the day), so the payload kept under it is the payload a new
    build would give, for any user of that view. Inferred relationships, the costly part
    with interactions, are then computed once per change, not per request (issue #24). A map
    whose filters the version does not cover (``None``), or one larger than
    WEFT_MAP_CACHE_MAX_BYTES, is built each time."""
    if version is None or not settings.WEFT_MAP_CACHE_SECONDS:
        return map_payload(access, filters)
    key = f"map-payload:{version}"
    body = cache.get(key)
    if body is None:
        body = map_payload(access, filters)
        if len(body) <= settings.WEFT_MAP_CACHE_MAX_BYTES:
            cache.set(key, body, timeout=settings.WEFT_MAP_CACHE_SECONDS)
    return body


def map_version(access: Access, filters: MapFilters) -> str | None:
    """A validator for the map this role gets with these filters, read in one cheap query
    (counts, sums of row versions and latest change times of the coalition's actors,
    positions, ties and interactions; the newest assessment, assessment history and
    participant rows of all coalitions), so that an unchanged map is answered 304 without
    being built. Any write through the ORM or the bulk paths changes a row count, a version
    sum, an ``updated_at``, a newest row or a history row. None when the filters read rows
    the validator does not cover (tags, working groups): those maps are always sent."""
    if filters.tag or filters.working_group:
        return None
    actor, assessment = Actor._meta.db_table, AllyAssessment._meta.db_table
    tie, position = Tie._meta.db_table, ActorPosition._meta.db_table
    interaction = Interaction._meta.db_table
    participant = InteractionParticipant._meta.db_table
    assessment_history = AllyAssessment.history.model._meta.db_table

    def totals(rows: str, *columns: str) -> str:
        parts = " || ':' || ".join(f"COALESCE(CAST({column} AS TEXT), '')" for column in columns)
        return f"(SELECT {parts} FROM {rows})"  # noqa: S608 (the tables are the models')

    # Each actor's position by one index lookup per actor (a scalar subquery; OFFSET 0 keeps
    # it evaluated once per row): the cost follows the coalition's size, never the size of
    # the tables every coalition shares. Assessments and participants are only ever added
    # (an edit or a delete writes a history row, or re-creates the participants), so the
    # newest row of each table, one index read, shows any change to them in any coalition.
    fence = "OFFSET 0" if connection.vendor == "postgresql" else ""  # SQLite needs a LIMIT
    actors = f"""(
        SELECT a.version, a.updated_at,
               (SELECT p.updated_at FROM {position} p WHERE p.actor_id = a.id) AS placed
          FROM {actor} a WHERE a.coalition_id = %s {fence}
    ) actors"""  # noqa: S608
    edited = ("COUNT(*)", "SUM(version)", "MAX(updated_at)")
    sql = "SELECT " + " || '|' || ".join(  # noqa: S608 (the tables are the models')
        [
            totals(actors, *edited, "COUNT(placed)", "MAX(placed)"),
            totals(f"{tie} WHERE coalition_id = %s", *edited),
            totals(f"{interaction} WHERE coalition_id = %s", *edited),
            totals(assessment, "MAX(id)"),
            totals(assessment_history, "MAX(history_id)"),
            totals(participant, "MAX(id)"),
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [access.coalition.pk] * 3)
        rows = cursor.fetchone()[0]
    coalition = access.coalition
    key = (
        rows,
        coalition.pk,
        coalition.version,
        repr(sorted((coalition.strength_settings or {}).items())),
        access.sees_sensitive,
        repr(filters),
        timezone.localdate().isoformat(),  # inferred strengths decay, ties end: by the day
        FORMAT_VERSION,
    )
    return hashlib.blake2b(repr(key).encode(), digest_size=16).hexdigest()
