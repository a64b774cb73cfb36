"""What a weaver could do next, found in a metric run (no Django).

A weaver's work is introductions (seed 003, "Connect": "How can we start to build ties between
those that are not?"), bridging the network's clusters, bringing the periphery in, and tending
relationships before they go cold. Four kinds, each ranked by a score, highest first:

* **introduction**: two candidates with no relationship but at least ``MIN_COMMON`` partners in
  common: an introduction closes those triangles. Score: the number of common partners.
* **bridge**: two communities (networks/graph/metrics.py, Leiden; at least ``MIN_COMMUNITY``
  actors each) that nothing joins, or that only one actor joins: every relationship between
  them has that same actor at one end (a broker, in Burt's terms the only one spanning their
  structural hole, Burt 1992), so the clusters fall apart if that one steps back. The
  suggestion names each community's most central candidate (PageRank) other than that actor,
  not already tied to each other, as the two to introduce: a second, redundant link. Score:
  the product of the two communities' sizes over one plus the number of ties between them, so
  that clusters with no tie at all come first. Also, when the network measures strength, two
  communities joined by weak relationships only (none reaching the strong-tie threshold of
  networks/graph/compute.py): many acquaintances, no working partnership. Communities joined
  by several actors on both sides, at least once strongly, are not suggested.
* **periphery**: a peripheral candidate (networks/metrics.py: degree ≤ 1 or outermost core),
  with the best-connected candidate of its community it has no relationship with (the highest
  PageRank; the whole network's when its community has none). Score: that partner's PageRank.
* **at risk**: a relationship whose strength fell by a third or more since the previous run
  (or vanished), from at least ``MIN_AT_RISK`` before. Score: the loss.

Candidates are the actors a weaver works with (members and allies: the caller decides); an
actor that is not a candidate is never suggested, though its ties count as common partners.
Common partners are counted through actors of at most ``HUB_DEGREE_LIMIT`` relationships:
a hub with thousands of ties makes everyone a "common partner" and would cost
``degree²`` pairs; such hubs are brokers already.
"""

import itertools
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

MIN_COMMON = 2
MIN_COMMUNITY = 3
MIN_AT_RISK = 0.2
AT_RISK_LOSS = 1 / 3
HUB_DEGREE_LIMIT = 200
LIMITS = {"introduction": 20, "bridge": 10, "periphery": 20, "at_risk": 20}

Pair = tuple[int, int]


@dataclass(frozen=True)
class Found:
    kind: str
    actor: int
    other: int | None
    score: float
    reason: str


def suggest(
    *,
    node_count: int,
    edges: Sequence[Pair],
    community: Sequence[int],
    pagerank: Sequence[float],
    periphery: Sequence[bool],
    candidates: Collection[int],
    strengths_now: Mapping[Pair, float],
    strengths_before: Mapping[Pair, float] | None,
    strong_threshold: float | None = None,
    limits: Mapping[str, int] = LIMITS,
) -> list[Found]:
    """Every suggestion of a run. Nodes are indexes; pairs are ``(smaller, larger)``;
    ``strengths_before`` holds the previous run's relationships by the same indexes (None when
    there is no previous run). ``strong_threshold``: the strength from which a relationship is
    strong, or None when the network measures no strength (every tie weighs 1): clusters joined
    by weak relationships only are then not told apart. Deterministic: ties in score are broken
    by node index."""
    neighbours: list[set[int]] = [set() for _ in range(node_count)]
    for a, b in edges:
        neighbours[a].add(b)
        neighbours[b].add(a)
    candidates = set(candidates)
    found = _introductions(neighbours, candidates, limits["introduction"])
    found += _bridges(
        neighbours,
        community,
        pagerank,
        candidates,
        limits["bridge"],
        None if strong_threshold is None else (strengths_now, strong_threshold),
    )
    found += _periphery(neighbours, community, pagerank, periphery, candidates, limits["periphery"])
    if strengths_before is not None:
        found += _at_risk(strengths_now, strengths_before, candidates, limits["at_risk"])
    return found


def _introductions(neighbours: list[set[int]], candidates: set[int], limit: int) -> list[Found]:
    common: Counter[Pair] = Counter()
    for partners in neighbours:
        if len(partners) > HUB_DEGREE_LIMIT:
            continue
        inside = sorted(partners & candidates)
        for a, b in itertools.combinations(inside, 2):
            if b not in neighbours[a]:
                common[(a, b)] += 1
    ranked = sorted(
        ((count, pair) for pair, count in common.items() if count >= MIN_COMMON),
        key=lambda item: (-item[0], item[1]),
    )[:limit]
    return [
        Found("introduction", a, b, float(count), f"{count} partners in common, no tie yet")
        for count, (a, b) in ranked
    ]


def _bridges(
    neighbours: list[set[int]],
    community: Sequence[int],
    pagerank: Sequence[float],
    candidates: set[int],
    limit: int,
    strong: tuple[Mapping[Pair, float], float] | None = None,
) -> list[Found]:
    members: dict[int, list[int]] = {}
    for v, c in enumerate(community):
        members.setdefault(c, []).append(v)
    # The ties between each pair of communities, as (end in the first, end in the second).
    between: dict[Pair, list[Pair]] = {}
    for a, partners in enumerate(neighbours):
        for b in partners:
            if community[a] < community[b]:
                between.setdefault((community[a], community[b]), []).append((a, b))
    clusters = sorted(c for c, group in members.items() if len(group) >= MIN_COMMUNITY)
    found = []
    for first, second in itertools.combinations(clusters, 2):
        ties = between.get((first, second), [])
        weakness = _weak_link(ties, strong)
        if weakness is None:
            continue
        holders = _holders(ties)
        pick_first = _most_central(members[first], candidates - holders, pagerank)
        if pick_first is None:
            continue
        pick_second = _most_central(
            members[second], candidates - holders - neighbours[pick_first], pagerank
        )
        if pick_second is None:
            continue
        sizes = len(members[first]), len(members[second])
        found.append(
            Found(
                "bridge",
                min(pick_first, pick_second),
                max(pick_first, pick_second),
                sizes[0] * sizes[1] / (1 + len(ties)),
                _bridge_reason(weakness, sizes, len(ties)),
            )
        )
    found.sort(key=lambda f: (-f.score, f.actor, f.other))
    return found[:limit]


def _weak_link(ties: list[Pair], strong: tuple[Mapping[Pair, float], float] | None) -> str | None:
    """How the link between two communities is weak: ``"none"`` (no tie), ``"one_actor"``
    (one actor at one end of every tie), ``"weak"`` (no strong relationship, when strength is
    measured), or None when it is not."""
    if not ties:
        return "none"
    if len({a for a, _ in ties}) == 1 or len({b for _, b in ties}) == 1:
        return "one_actor"
    if strong is not None:
        strengths, threshold = strong
        if all(strengths.get((min(a, b), max(a, b)), 0.0) < threshold for a, b in ties):
            return "weak"
    return None


def _holders(ties: list[Pair]) -> set[int]:
    """The actor at one end of every tie between two communities, on either side: asked for
    nothing more, since the point is a second link that does not go through it."""
    holders: set[int] = set()
    for ends in ({a for a, _ in ties}, {b for _, b in ties}):
        if len(ends) == 1:
            holders |= ends
    return holders


def _bridge_reason(weakness: str, sizes: tuple[int, int], ties: int) -> str:
    clusters = f"two clusters of {sizes[0]} and {sizes[1]} actors"
    if weakness == "none":
        return f"no tie between {clusters}"
    if weakness == "one_actor":
        return (
            f"{clusters} linked by {ties} {'tie' if ties == 1 else 'ties'}, all through one "
            "actor: a second link keeps them together if that one steps back"
        )
    return f"no strong relationship between {clusters}, only {ties} weak ones"


def _most_central(
    group: Sequence[int], allowed: Collection[int], pagerank: Sequence[float]
) -> int | None:
    inside = [v for v in group if v in allowed]
    return max(inside, key=lambda v: (pagerank[v], -v)) if inside else None


def _periphery(
    neighbours: list[set[int]],
    community: Sequence[int],
    pagerank: Sequence[float],
    periphery: Sequence[bool],
    candidates: set[int],
    limit: int,
) -> list[Found]:
    by_rank = sorted(candidates, key=lambda v: (-pagerank[v], v))
    found = []
    for v in sorted(candidates):
        if not periphery[v]:
            continue
        strangers = [u for u in by_rank if u != v and u not in neighbours[v]]
        same = [u for u in strangers if community[u] == community[v]]
        partner = (same or strangers or [None])[0]
        if partner is None:
            continue
        where = "its cluster" if same else "the network"
        found.append(
            Found(
                "periphery",
                v,
                partner,
                pagerank[partner],
                f"on the edge of the network ({len(neighbours[v])} ties): introduce to a "
                f"well-connected actor of {where}",
            )
        )
    found.sort(key=lambda f: (-f.score, f.actor))
    return found[:limit]


def _at_risk(
    now: Mapping[Pair, float],
    before: Mapping[Pair, float],
    candidates: set[int],
    limit: int,
) -> list[Found]:
    found = []
    for pair, was in before.items():
        if was < MIN_AT_RISK or not (pair[0] in candidates or pair[1] in candidates):
            continue
        is_now = now.get(pair, 0.0)
        if is_now <= was * (1 - AT_RISK_LOSS):
            found.append(
                Found(
                    "at_risk",
                    pair[0],
                    pair[1],
                    was - is_now,
                    f"strength fell from {was:.2f} to {is_now:.2f} since the previous run",
                )
            )
    found.sort(key=lambda f: (-f.score, f.actor, f.other))
    return found[:limit]


def at_risk_count(now: Mapping[Pair, float], before: Mapping[Pair, float] | None) -> int:
    """Relationships (any actors) whose strength fell by a third or more since the previous
    run, from at least ``MIN_AT_RISK``: the network figure ``at_risk``."""
    if before is None:
        return 0
    return sum(
        1
        for pair, was in before.items()
        if was >= MIN_AT_RISK and now.get(pair, 0.0) <= was * (1 - AT_RISK_LOSS)
    )
