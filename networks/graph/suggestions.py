"""What a weaver could do next, found in a metric run (no Django).

A weaver's work is introductions (seed 003, "Connect": "How can we start to build ties between
those that are not?"), bridging the network's clusters, bringing the periphery in, and tending
relationships before they go cold. Four kinds, each ranked by a score, highest first:

* **introduction**: two candidates with no relationship but at least ``MIN_COMMON`` partners in
  common: an introduction closes those triangles. Score: the number of common partners.
* **bridge**: two communities (of at least ``MIN_COMMUNITY`` actors) with no relationship
  between them at all; the suggestion names each community's most central candidate (PageRank)
  as the two to introduce. Score: the product of the two communities' sizes.
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
    limits: Mapping[str, int] = LIMITS,
) -> list[Found]:
    """Every suggestion of a run. Nodes are indexes; pairs are ``(smaller, larger)``;
    ``strengths_before`` holds the previous run's relationships by the same indexes (None when
    there is no previous run). Deterministic: ties in score are broken by node index."""
    neighbours: list[set[int]] = [set() for _ in range(node_count)]
    for a, b in edges:
        neighbours[a].add(b)
        neighbours[b].add(a)
    candidates = set(candidates)
    found = _introductions(neighbours, candidates, limits["introduction"])
    found += _bridges(neighbours, community, pagerank, candidates, limits["bridge"])
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
) -> list[Found]:
    members: dict[int, list[int]] = {}
    for v, c in enumerate(community):
        members.setdefault(c, []).append(v)
    linked: set[Pair] = set()
    for a, partners in enumerate(neighbours):
        for b in partners:
            ca, cb = community[a], community[b]
            if ca != cb:
                linked.add((min(ca, cb), max(ca, cb)))
    best = {
        c: max(inside, key=lambda v: (pagerank[v], -v))
        for c, group in members.items()
        if len(group) >= MIN_COMMUNITY and (inside := [v for v in group if v in candidates])
    }
    pairs = [
        (len(members[a]) * len(members[b]), a, b)
        for a, b in itertools.combinations(sorted(best), 2)
        if (a, b) not in linked
    ]
    pairs.sort(key=lambda item: (-item[0], item[1], item[2]))
    return [
        Found(
            "bridge",
            min(best[a], best[b]),
            max(best[a], best[b]),
            float(score),
            f"no tie between two clusters of {len(members[a])} and {len(members[b])} actors",
        )
        for score, a, b in pairs[:limit]
    ]


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
