"""Relationship strength between two actors, from evidence and declarations (no Django).

Tattersall (*Power in Coalition*) counts stronger relationships between partners as social
power; Weft measures a relationship by the interactions that are evidence of it, discounted by
age, blended with the strength that people declared. The formula is the one in issue 6
("Network metrics on Celery"):

* **Evidence** of a pair of actors: ``E = Σ w(kind) × 0.5 ** (age_days / half_life_days)`` over
  the interactions both took part in. An interaction with ``n > 2`` participants gives each of
  its ``n × (n − 1) / 2`` pairs ``w / (n − 1)``: a large meeting is weaker evidence of any one
  relationship than a one-to-one (for ``n = 2`` this is ``w`` itself).
* **Observed strength** ``1 − e^(−E)``: 0 without evidence, approaching 1 as evidence piles up
  (one fresh one-to-one meeting gives ``1 − e^(−1) ≈ 0.632``).
* **Declared strength** ``d`` (1–5, as a person entered it on a tie) counts as ``d / 5``.
* **Strength**: the observed strength when nothing was declared, ``d / 5`` when there is no
  evidence, the mean of the two when there are both.

* **Co-affiliation** (two-mode data: people and the organisations, boards, events or campaigns
  they belong to, ``allies.Affiliation``): the one-mode projection onto the members. Each
  group with ``n ≥ 2`` current members gives each pair of them ``a / (n − 1)`` of evidence,
  ``a`` the co-affiliation weight (default 0.5, a standing shared membership counting like a
  working-group session), with no decay while the affiliation lasts; the number of groups a
  pair shares (NetworkX's ``bipartite.weighted_projected_graph``) is kept as
  ``co_affiliations``. Dividing by ``n − 1`` is Newman's (2001) weighting of collaboration
  networks: a group of 200 says less about any two of its members than a board of 5.

Interactions between actors with no declared tie still make a relationship on the map, marked
as inferred; so do shared affiliations.

The half-life and the weights per kind are per-coalition settings
(``Coalition.strength_settings``, ``{"half_life_days": ..., "weights": {kind: w}}``); an empty
setting means the defaults below. Same data, same numbers: sums are taken with ``math.fsum``,
which is exactly rounded and so independent of the order of the interactions.
"""

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations
from types import MappingProxyType
from typing import Any

# The values of networks.models.InteractionKind (kept here so this module needs no Django;
# a test checks that the two agree).
ONE_TO_ONE = "one_to_one"
JOINT_ACTION = "joint_action"
WORKING_GROUP_SESSION = "working_group_session"
CO_ATTENDED_EVENT = "co_attended_event"
COMMUNICATION = "communication"
SURVEY_REPORT = "survey_report"

# Default evidence weight per interaction kind (issue 6): a one-to-one relational meeting is the
# strongest evidence of a relationship, a message the weakest.
DEFAULT_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        ONE_TO_ONE: 1.0,
        JOINT_ACTION: 0.8,
        WORKING_GROUP_SESSION: 0.5,
        CO_ATTENDED_EVENT: 0.3,
        COMMUNICATION: 0.2,
        # A relationship a member reported in a survey (issue 21): first-hand, but one side's
        # word, so weaker than a meeting both attended and stronger than a co-attended event.
        SURVEY_REPORT: 0.6,
    }
)
DEFAULT_HALF_LIFE_DAYS = 180.0
# The longest half-life: ten years (a longer one is no decay at all in practice).
MAX_HALF_LIFE_DAYS = 3650.0
DEFAULT_CO_AFFILIATION_WEIGHT = 0.5
MAX_WEIGHT = 10.0
DECLARED_RANGE = (1, 5)

Pair = tuple[int, int]


@dataclass(frozen=True)
class StrengthSettings:
    """How evidence is weighed: the half-life of an interaction's weight, in days, and the
    weight of each interaction kind. A kind weighted 0 is not evidence at all."""

    half_life_days: float = DEFAULT_HALF_LIFE_DAYS
    co_affiliation_weight: float = DEFAULT_CO_AFFILIATION_WEIGHT
    # Read-only mapping; left out of the hash (equal settings have equal half-lives anyway).
    weights: Mapping[str, float] = field(default_factory=lambda: DEFAULT_WEIGHTS, hash=False)

    @classmethod
    def from_overrides(cls, overrides: Mapping[str, Any] | None) -> "StrengthSettings":
        """Settings from a coalition's ``strength_settings``: the defaults, with whatever the
        coalition set. Weights not named keep their default.

        Raises ``ValueError`` naming the offending key for an unknown key or interaction kind,
        a half-life that is not a positive number, or a weight outside 0..10.
        """
        overrides = overrides or {}
        if not isinstance(overrides, Mapping):
            raise ValueError("strength settings: expected a mapping")
        for key in overrides:
            if key not in ("half_life_days", "weights", "co_affiliation_weight"):
                raise ValueError(f"{key}: unknown strength setting")
        half_life = overrides.get("half_life_days", DEFAULT_HALF_LIFE_DAYS)
        if not _is_number(half_life) or not 0 < half_life <= MAX_HALF_LIFE_DAYS:
            raise ValueError(
                f"half_life_days: must be a positive number of days, at most {MAX_HALF_LIFE_DAYS:g}"
            )
        weight_overrides = overrides.get("weights", {})
        if not isinstance(weight_overrides, Mapping):
            raise ValueError("weights: expected a mapping of interaction kind to weight")
        weights = dict(DEFAULT_WEIGHTS)
        for kind, weight in weight_overrides.items():
            if kind not in DEFAULT_WEIGHTS:
                raise ValueError(f"weights.{kind}: unknown interaction kind")
            if not _is_number(weight) or not 0 <= weight <= MAX_WEIGHT:
                raise ValueError(f"weights.{kind}: must be a number from 0 to {MAX_WEIGHT:g}")
            weights[kind] = float(weight)
        co_affiliation = overrides.get("co_affiliation_weight", DEFAULT_CO_AFFILIATION_WEIGHT)
        if not _is_number(co_affiliation) or not 0 <= co_affiliation <= MAX_WEIGHT:
            raise ValueError(f"co_affiliation_weight: must be a number from 0 to {MAX_WEIGHT:g}")
        return cls(
            half_life_days=float(half_life),
            co_affiliation_weight=float(co_affiliation),
            weights=MappingProxyType(weights),
        )


@dataclass(frozen=True)
class Relationship:
    """The strength of one pair's relationship, with what it was made from.

    ``declared`` is the declared strength (1–5) or ``None``; ``inferred`` is true when no tie
    was declared between the pair and the relationship comes from interactions alone.
    """

    evidence: float
    observed: float
    declared: int | None
    strength: float
    inferred: bool
    co_affiliations: int = 0


Interaction = tuple[str, date, Sequence[int]]
Declared = Mapping[Pair, int | None] | Iterable[tuple[Pair, int | None]]


def relationship_strengths(
    interactions: Iterable[Interaction],
    declared: Declared,
    today: date,
    settings: StrengthSettings | None = None,
    affiliations: Iterable[Sequence[int]] = (),
) -> dict[Pair, Relationship]:
    """Every relationship between pairs of actors, keyed ``(smaller id, larger id)`` in order.

    ``interactions`` are ``(kind, occurred_on, participant ids)``; a participant listed twice
    counts once, and an interaction with fewer than two participants is evidence of nothing.
    ``declared`` maps pairs of actor ids, in either order, to a declared strength 1–5, or to
    ``None`` for a tie declared without a strength; it may also be an iterable of such
    ``(pair, strength)`` items, one per declared tie. When several ties join the same pair, the
    strongest counts.

    An interaction dated after ``today`` (recorded ahead, or a clock skew) counts with age 0: at
    full weight, never more. A pair with a declared tie is always returned, even without any
    evidence; a pair without one only when it has evidence (``E > 0``) or shares a group.

    ``affiliations`` are the members of each group (organisation, board, event...) current on
    ``today``, one sequence per group: co-affiliation evidence (see the module docstring).
    """
    settings = settings or StrengthSettings()
    declared_by_pair = _strongest_declared(declared)
    contributions: defaultdict[Pair, list[float]] = defaultdict(list)
    _interaction_evidence(interactions, today, settings, contributions)
    shared = _co_affiliation_evidence(affiliations, settings, contributions)

    relationships: dict[Pair, Relationship] = {}
    for pair in sorted(contributions.keys() | declared_by_pair.keys()):
        evidence = math.fsum(contributions.get(pair, ()))
        is_declared = pair in declared_by_pair
        if evidence == 0 and not is_declared:
            continue  # only evidence too old to register (underflow): nothing to show
        declared_strength = declared_by_pair.get(pair)
        observed = -math.expm1(-evidence)  # 1 − e^(−E), accurate for small E
        if declared_strength is None:
            strength = observed
        elif evidence == 0:
            strength = declared_strength / DECLARED_RANGE[1]
        else:
            strength = (observed + declared_strength / DECLARED_RANGE[1]) / 2
        relationships[pair] = Relationship(
            evidence=evidence,
            observed=observed,
            declared=declared_strength,
            strength=strength,
            inferred=not is_declared,
            co_affiliations=shared.get(pair, 0),
        )
    return relationships


def _interaction_evidence(
    interactions: Iterable[Interaction],
    today: date,
    settings: StrengthSettings,
    contributions: defaultdict[Pair, list[float]],
) -> None:
    """Each interaction's share of evidence, appended to its pairs' contributions."""
    for kind, occurred_on, participant_ids in interactions:
        if kind not in settings.weights:
            raise ValueError(f"{kind}: unknown interaction kind")
        participants = sorted(set(participant_ids))
        weight = settings.weights[kind]
        if len(participants) < 2 or weight == 0:
            continue
        age_days = max((today - occurred_on).days, 0)
        share = weight / (len(participants) - 1) * 0.5 ** (age_days / settings.half_life_days)
        for pair in combinations(participants, 2):
            contributions[pair].append(share)


def _co_affiliation_evidence(
    affiliations: Iterable[Sequence[int]],
    settings: StrengthSettings,
    contributions: defaultdict[Pair, list[float]],
) -> dict[Pair, int]:
    """Each group's share of evidence appended to its pairs' contributions; returns how many
    groups each pair shares (the one-mode projection's counts)."""
    shared: defaultdict[Pair, int] = defaultdict(int)
    if settings.co_affiliation_weight == 0:
        return shared  # a weight of 0: shared groups are not evidence at all
    for members in affiliations:
        group = sorted(set(members))
        if len(group) < 2:
            continue
        share = settings.co_affiliation_weight / (len(group) - 1)
        for pair in combinations(group, 2):
            shared[pair] += 1
            contributions[pair].append(share)
    return shared


def _strongest_declared(declared: Declared) -> dict[Pair, int | None]:
    items = declared.items() if isinstance(declared, Mapping) else declared
    strongest: dict[Pair, int | None] = {}
    for (a, b), strength in items:
        if a == b:
            raise ValueError(f"({a}, {b}): a tie joins two different actors")
        if strength is not None and (
            not isinstance(strength, int)
            or isinstance(strength, bool)
            or not DECLARED_RANGE[0] <= strength <= DECLARED_RANGE[1]
        ):
            raise ValueError(f"({a}, {b}): declared strength must be 1 to 5, not {strength!r}")
        pair = (min(a, b), max(a, b))
        if pair not in strongest or (
            strength is not None and (strongest[pair] is None or strength > strongest[pair])
        ):
            strongest[pair] = strength
    return strongest


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and not math.isnan(value)
