"""One metric run's computation, from plain input to plain output (no Django).

``metric_input`` (networks/selectors.py) loads a :class:`MetricInput`; :func:`compute_run`
turns it into everything a run stores: relationship strengths (networks/graph/strength.py), the
network and per-actor metrics on the relationships' weights (networks/graph/weights.py: declared
weights, else strengths, else 1; networks/graph/metrics.py), leadership figures
(networks/leadership.py) and weaver suggestions (networks/suggestions.py). The service stores
the result. Keeping this pure lets the benchmark time the compute alone on in-memory arrays.
"""

import datetime
import hashlib
import math
import time
from dataclasses import dataclass

import orjson

from networks.graph import metrics, strength
from networks.graph.leadership import LeadershipFigures, LeadRole, SkillRecord, leadership
from networks.graph.suggestions import Found, at_risk_count, suggest
from networks.graph.weights import structural_weights

# Bump when what a run computes changes: runs of the old computation no longer match a hash.
# 2: the network figures carry ``public``, the figures without sensitive actors and ties.
# 3: structural metrics on declared weights, strengths or unit weights (networks/graph/
#    weights.py), never on zeros; eigenvector centrality; bridges between weakly linked
#    communities.
COMPUTATION_VERSION = 3
# A relationship at least this strong counts as a strong tie (funder reports, issue 8): a
# declared 3 of 5 alone is 0.6; so is evidence E ≈ 0.92 alone (about one one-to-one meeting a
# few weeks old), while a single message or a meeting a year old stays below it.
STRONG_TIE_THRESHOLD = 0.6
# Bands of strength, as the strength settings page counts them (issue 17): below 0.3 weak (a
# declared 1 of 5 is 0.2, a single message about 0.18), up to the strong-tie threshold medium
# (a declared 2 is 0.4), from it strong.
MEDIUM_TIE_THRESHOLD = 0.3
BANDS = ("weak", "medium", "strong")


def strength_band(value: float) -> str:
    """The band of a relationship's strength: weak, medium or strong."""
    if value >= STRONG_TIE_THRESHOLD:
        return "strong"
    return "medium" if value >= MEDIUM_TIE_THRESHOLD else "weak"


def band_changes(
    before: dict[tuple[int, int], float], after: dict[tuple[int, int], float]
) -> dict[tuple[str, str], int]:
    """How many relationships move from one band to another, ``(from, to)`` to a count, between
    two computations of the same network's strengths (a relationship in only one of them
    comes from or goes to ``"none"``: its only evidence weighs 0 in one of them)."""
    changes: dict[tuple[str, str], int] = {}
    for pair in before.keys() | after.keys():
        old = strength_band(before[pair]) if pair in before else "none"
        new = strength_band(after[pair]) if pair in after else "none"
        if old != new:
            changes[old, new] = changes.get((old, new), 0) + 1
    return changes


@dataclass(frozen=True)
class MetricInput:
    """Everything a metric run is computed from, as plain values (see networks/services.py).
    Actor ids are sorted; node index ``i`` of the pure functions is ``actor_ids[i]``."""

    coalition_id: int
    on: datetime.date
    actor_ids: tuple[int, ...]
    people: frozenset[int]
    sensitive: frozenset[int]
    directly_affected: frozenset[int]
    members: frozenset[int]
    candidates: frozenset[int]
    # (source, target, declared strength or None, tie is sensitive, declared weight or None)
    ties: tuple[tuple[int, int, int | None, bool, float | None], ...]
    # (kind, occurred_on, participant ids)
    interactions: tuple[tuple[str, datetime.date, tuple[int, ...]], ...]
    actions_led: tuple[tuple[int, datetime.date], ...]
    lead_roles: tuple[LeadRole, ...]
    skills: tuple[SkillRecord, ...]
    strength_settings: dict
    # Two-mode data: the members of each group (organisation, board, event...) on the day,
    # one sorted tuple per group of two or more; their co-affiliations are evidence.
    affiliations: tuple[tuple[int, ...], ...] = ()

    def fingerprint(self) -> bytes:
        """A canonical encoding of the input: equal inputs, equal bytes (for the run's hash)."""
        return orjson.dumps(
            [
                self.coalition_id,
                self.on,
                self.actor_ids,
                sorted(self.people),
                sorted(self.sensitive),
                sorted(self.directly_affected),
                sorted(self.members),
                sorted(self.candidates),
                sorted(self.ties, key=lambda t: (t[0], t[1], t[2] or 0, t[3], t[4] or 0)),
                sorted(self.interactions),
                sorted(self.actions_led),
                sorted((r.actor, _iso(r.started_on), _iso(r.ended_on)) for r in self.lead_roles),
                sorted((s.actor, s.skill, s.assessed_on, s.level) for s in self.skills),
                self.strength_settings,
                sorted(self.affiliations),
            ],
            option=orjson.OPT_SORT_KEYS,
        )

    def input_hash(self) -> str:
        return hashlib.sha256(orjson.dumps(COMPUTATION_VERSION) + self.fingerprint()).hexdigest()


def _iso(day: datetime.date | None) -> str:
    return day.isoformat() if day else ""


@dataclass(frozen=True)
class RelationshipRow:
    source: int
    target: int
    evidence: float
    observed: float
    declared: int | None
    strength: float
    # The weight in the structural metrics (networks/graph/weights.py) and the declared one.
    weight: float
    declared_weight: float | None
    co_affiliations: int
    is_inferred: bool
    is_sensitive: bool


@dataclass(frozen=True)
class ComputedRun:
    actor_ids: tuple[int, ...]
    result: metrics.NetworkResult
    relationships: tuple[RelationshipRow, ...]
    network: dict
    leadership: LeadershipFigures
    suggestions: tuple[Found, ...]  # actor and other are actor ids
    seconds: dict


def compute_run(
    inputs: MetricInput,
    previous_strengths: dict[tuple[int, int], float] | None = None,
    *,
    exact_limit: int = metrics.EXACT_LIMIT,
    pivots: int = metrics.PIVOTS,
    seed: int = metrics.DEFAULT_SEED,
    progress=None,
) -> ComputedRun:
    """Everything a run stores. ``previous_strengths`` are the previous run's relationships by
    actor-id pair (None when there is none). ``progress(percent, stage)`` is called between
    stages when given."""
    report = progress or (lambda percent, stage: None)
    seconds = {}
    started = time.perf_counter()
    settings = strength.StrengthSettings.from_overrides(inputs.strength_settings)
    relationships = strength.relationship_strengths(
        inputs.interactions,
        [((s, t), declared) for s, t, declared, *_ in inputs.ties],
        inputs.on,
        settings,
        inputs.affiliations,
    )
    sensitive_pairs = {(min(s, t), max(s, t)) for s, t, _, sensitive, _ in inputs.ties if sensitive}
    declared_weights: dict[tuple[int, int], float] = {}
    for s, t, _, _, weight in inputs.ties:
        if weight is not None:
            pair = (min(s, t), max(s, t))
            declared_weights[pair] = max(weight, declared_weights.get(pair, weight))
    pairs = list(relationships)
    weights, weight_basis = structural_weights(
        [relationships[pair].strength for pair in pairs],
        [declared_weights.get(pair) for pair in pairs],
    )
    rows = tuple(
        RelationshipRow(
            source=a,
            target=b,
            evidence=r.evidence,
            observed=r.observed,
            declared=r.declared,
            strength=r.strength,
            weight=weight,
            declared_weight=declared_weights.get((a, b)),
            co_affiliations=r.co_affiliations,
            is_inferred=r.inferred,
            is_sensitive=(a, b) in sensitive_pairs
            or a in inputs.sensitive
            or b in inputs.sensitive,
        )
        for ((a, b), r), weight in zip(relationships.items(), weights, strict=True)
    )
    seconds["strength"] = time.perf_counter() - started
    report(30, "network metrics")

    index = {actor: i for i, actor in enumerate(inputs.actor_ids)}
    edges = [(index[row.source], index[row.target]) for row in rows]
    strengths = [row.strength for row in rows]
    started = time.perf_counter()
    result = metrics.compute(
        len(inputs.actor_ids), edges, weights, seed=seed, exact_limit=exact_limit, pivots=pivots
    )
    seconds["metrics"] = time.perf_counter() - started
    report(70, "leadership and suggestions")

    started = time.perf_counter()
    figures = leadership(
        people=inputs.people,
        actions_led=inputs.actions_led,
        lead_roles=inputs.lead_roles,
        skills=inputs.skills,
        directly_affected=inputs.directly_affected,
        period_end=inputs.on,
    )
    now = {(row.source, row.target): row.strength for row in rows}
    members = inputs.members
    member_strengths = [
        row.strength for row in rows if row.source in members and row.target in members
    ]
    network = {
        **{field: getattr(result.network, field) for field in result.network.__dataclass_fields__},
        "relationships": len(rows),
        "inferred_relationships": sum(1 for row in rows if row.is_inferred),
        "affiliation_groups": len(inputs.affiliations),
        "co_affiliation_relationships": sum(1 for row in rows if row.co_affiliations),
        "weight_basis": weight_basis,
        "mean_strength": math.fsum(strengths) / len(strengths) if strengths else None,
        "member_mean_strength": (
            math.fsum(member_strengths) / len(member_strengths) if member_strengths else None
        ),
        "strong_ties": sum(1 for s in strengths if s >= STRONG_TIE_THRESHOLD),
        "strong_tie_threshold": STRONG_TIE_THRESHOLD,
        "at_risk": at_risk_count(now, previous_strengths),
    }
    network["public"] = public_figures(
        inputs,
        rows,
        previous_strengths,
        whole=network,
        leadership_figures=figures,
        seed=seed,
        exact_limit=exact_limit,
        pivots=pivots,
    )
    before = None
    if previous_strengths is not None:
        before = {
            (min(index[a], index[b]), max(index[a], index[b])): w
            for (a, b), w in previous_strengths.items()
            if a in index and b in index
        }
    found = suggest(
        node_count=len(inputs.actor_ids),
        edges=edges,
        community=result.actors.community,
        pagerank=result.actors.pagerank,
        periphery=result.actors.periphery,
        candidates={index[a] for a in inputs.candidates if a in index},
        strengths_now=dict(zip(edges, strengths, strict=True)),
        strengths_before=before,
        strong_threshold=None if weight_basis == "unit" else STRONG_TIE_THRESHOLD,
    )
    ids = inputs.actor_ids
    suggestions = tuple(
        Found(f.kind, ids[f.actor], None if f.other is None else ids[f.other], f.score, f.reason)
        for f in found
    )
    seconds["leadership_and_suggestions"] = time.perf_counter() - started
    return ComputedRun(
        actor_ids=ids,
        result=result,
        relationships=rows,
        network=network,
        leadership=figures,
        suggestions=suggestions,
        seconds=seconds,
    )


# The figures a funder report reads from a run (coalitions/reporting.py).
PUBLIC_NETWORK_FIGURES = (
    "actors",
    "relationships",
    "density",
    "member_mean_strength",
    "strong_ties",
    "at_risk",
    "distributed_leadership",
)
PUBLIC_LEADERSHIP_FIGURES = (
    "leaders",
    "new_leaders",
    "mean_skill_level",
    "mean_skill_level_change",
    "lead_roles",
    "directly_affected_share",
)


def public_figures(
    inputs: MetricInput,
    rows: tuple[RelationshipRow, ...],
    previous_strengths: dict[tuple[int, int], float] | None,
    *,
    whole: dict,
    leadership_figures: LeadershipFigures,
    seed: int,
    exact_limit: int,
    pivots: int,
) -> dict:
    """The network and leadership figures of the network without its sensitive actors and
    ties (a relationship is sensitive when its tie is, or an actor at either end is): what a
    funder report may show, so that no sensitive actor or tie counts in it in any form. When
    nothing is sensitive these are the whole network's figures, not computed twice."""
    sensitive = inputs.sensitive
    if not sensitive and not any(row.is_sensitive for row in rows):
        leadership_json = leadership_figures.as_json()
        return {key: whole[key] for key in PUBLIC_NETWORK_FIGURES} | {
            key: leadership_json[key] for key in PUBLIC_LEADERSHIP_FIGURES
        }
    kept = [actor for actor in inputs.actor_ids if actor not in sensitive]
    index = {actor: i for i, actor in enumerate(kept)}
    public_rows = [row for row in rows if not row.is_sensitive]
    weights = [row.strength for row in public_rows]
    members = inputs.members - sensitive
    member_strengths = [
        row.strength for row in public_rows if row.source in members and row.target in members
    ]
    n = len(kept)
    previous = None
    if previous_strengths is not None:
        previous = {
            pair: w
            for pair, w in previous_strengths.items()
            if pair[0] in index and pair[1] in index
        }
    now = {(row.source, row.target): row.strength for row in public_rows}
    people = inputs.people - sensitive
    public_leadership = leadership(
        people=people,
        actions_led=[(a, day) for a, day in inputs.actions_led if a in people],
        lead_roles=[r for r in inputs.lead_roles if r.actor in people],
        skills=[s for s in inputs.skills if s.actor in people],
        directly_affected=inputs.directly_affected - sensitive,
        period_end=inputs.on,
    ).as_json()
    return {
        "actors": n,
        "relationships": len(public_rows),
        "density": 2 * len(public_rows) / (n * (n - 1)) if n > 1 else 0.0,
        "member_mean_strength": (
            math.fsum(member_strengths) / len(member_strengths) if member_strengths else None
        ),
        "strong_ties": sum(1 for w in weights if w >= STRONG_TIE_THRESHOLD),
        "at_risk": at_risk_count(now, previous),
        "distributed_leadership": metrics.distributed_leadership(
            n,
            [(index[row.source], index[row.target]) for row in public_rows],
            seed=seed,
            exact_limit=exact_limit,
            pivots=pivots,
        ),
    } | {key: public_leadership[key] for key in PUBLIC_LEADERSHIP_FIGURES}


__all__ = [
    "ComputedRun",
    "LeadRole",
    "MetricInput",
    "RelationshipRow",
    "SkillRecord",
    "compute_run",
]
