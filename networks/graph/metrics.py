"""Network metrics on plain arrays (no Django): per actor and for the whole network.

Actors are node indexes ``0 .. node_count − 1``; ties are undirected ``edges`` (pairs of node
indexes) with a positive weight each (``weights``: a run passes the declared weights, the
relationship strengths or 1 for every tie, networks/graph/weights.py; all 1 when not given).
igraph does the heavy work in C. Every value is computed so that it equals what NetworkX (the
reference the tests compare against) gives for the same graph:

* **degree**, **weighted degree** (sum of the weights of an actor's ties; NetworkX's
  ``degree(weight=...)``, igraph's ``strength``).
* **betweenness**: unweighted, normalised as NetworkX does for an undirected graph, by the
  number of pairs of other actors, ``(n − 1)(n − 2) / 2`` (Freeman 1977; Brandes 2001).
  **Weighted betweenness** takes ``1 / strength`` as the length of a tie, so that a strong tie
  is a short one (Newman 2001; Opsahl, Agneessens & Skvoretz 2010). A tie of strength 0 has
  infinite length and carries no weighted shortest path.
* **closeness**: unweighted. In a disconnected network, NetworkX's default (Wasserman & Faust's
  improved formula, ``wf_improved=True``): ``(r − 1) / Σ d(v, u)`` over the ``r − 1`` actors
  ``u`` that ``v`` can reach, times ``(r − 1) / (n − 1)``, so that an actor in a small fragment
  does not look central. An isolated actor has closeness 0.
* **PageRank** on the weights, damping 0.85 (Brin & Page 1998), an actor without ties
  spreading its rank evenly: NetworkX's ``pagerank(G, alpha=0.85, weight="weight")``. The
  values sum to 1.
* **eigenvector centrality** on the weights (Bonacich 1972): the principal eigenvector of the
  weighted adjacency matrix, an actor central when its partners are; scaled to Euclidean
  length 1 as NetworkX's ``eigenvector_centrality(G, weight="weight")`` does (igraph scales its
  largest value to 1 instead; we rescale). In a network of several components it is the
  eigenvector of the component with the largest eigenvalue: every actor outside it has 0, as
  in NetworkX (igraph warns the measure is meant for connected graphs). Without ties, 0.
* **core number** (Batagelj & Zaveršnik 2003).
* **reach**: the share of the other actors within two steps.
* **community**: Leiden (Traag, Waltman & van Eck 2019) optimising weighted modularity, run to a
  stable partition with a seeded random number generator: same data, same communities.
  Communities are numbered 0, 1, 2… in the order of their lowest actor index.
* **broker**: an actor whose ties reach two or more communities (its neighbours' communities,
  counted together) and whose betweenness is among the highest ``broker_top_share`` of actors
  (the top decile by default: the ``⌈0.1 × n⌉`` highest, ties included, and above 0).
* **periphery**: degree ≤ 1, or in the outermost k-core shell (the lowest core number among
  actors with ties) when the actors with ties fall into more than one shell.

Per network: actors, ties, density, components (isolated actors included), average local
clustering (unweighted; actors with fewer than two ties count as 0, as in NetworkX's
``average_clustering``), the weighted modularity of the communities found, Freeman's
betweenness centralization (Freeman 1979) ``Σ (max − b_i) / (n − 1)`` over normalised
betweenness, which is 1 for a star and 0 when every actor is equally between others, and the
distributed-leadership index, one minus that centralization (0 is a star around one leader).
With fewer than three actors no one is between others: centralization 0, index 1.

Betweenness and closeness are exact up to ``exact_limit`` actors. Above it they are seeded
estimates from ``pivots`` source actors drawn with ``random.Random(seed).sample`` (the same
draw NetworkX's ``betweenness_centrality(k=pivots, seed=seed)`` makes), and the result records
``betweenness_method = "sampled"``:

* betweenness: Brandes & Pich (2007), scaled as NetworkX 3.6 does: the pivots' dependencies
  times ``(n − 1) / k`` for an actor that is not a pivot and ``(n − 1) / (k − 1)`` for one that is
  (a pivot has no dependency on itself);
* closeness: Eppstein & Wang (2004): an actor's mean distance to the others in its component is
  estimated by its mean distance to the pivots in that component; a pivot's own closeness is
  exact (its distances are all known), and so is that of an actor whose component holds no
  other pivot (such components are small).
"""

import math
import operator
import random
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import igraph

from networks.graph.layout import seeded_igraph

DAMPING = 0.85
DEFAULT_SEED = 7
EXACT_LIMIT = 10_000
PIVOTS = 500
BROKER_TOP_SHARE = 0.1
# Pivots whose distances are held in memory at once when estimating closeness.
_PIVOT_CHUNK = 64

BetweennessMethod = Literal["exact", "sampled"]


@dataclass(frozen=True)
class ActorMetrics:
    """Per-actor values, each a tuple indexed like the nodes."""

    degree: tuple[int, ...]
    weighted_degree: tuple[float, ...]
    betweenness: tuple[float, ...]
    weighted_betweenness: tuple[float, ...]
    closeness: tuple[float, ...]
    pagerank: tuple[float, ...]
    eigenvector: tuple[float, ...]
    core_number: tuple[int, ...]
    reach: tuple[float, ...]
    community: tuple[int, ...]
    broker: tuple[bool, ...]
    periphery: tuple[bool, ...]


@dataclass(frozen=True)
class NetworkFigures:
    actors: int
    ties: int
    density: float
    components: int
    clustering: float
    communities: int
    modularity: float
    betweenness_centralization: float
    distributed_leadership: float


@dataclass(frozen=True)
class NetworkResult:
    actors: ActorMetrics
    network: NetworkFigures
    # How betweenness and closeness were computed, and from how many pivots (0 when exact).
    betweenness_method: BetweennessMethod
    pivots: int
    seed: int


def compute(
    node_count: int,
    edges: Sequence[tuple[int, int]],
    weights: Sequence[float] | None = None,
    *,
    seed: int = DEFAULT_SEED,
    exact_limit: int = EXACT_LIMIT,
    pivots: int = PIVOTS,
    broker_top_share: float = BROKER_TOP_SHARE,
) -> NetworkResult:
    """Every actor and network metric of one network (see the module docstring).

    ``edges`` must be simple: no tie from an actor to itself and at most one per pair (the
    strength module gives one relationship per pair). Raises ``ValueError`` otherwise, or for a
    strength that is negative or not finite.
    """
    edge_list = [(int(a), int(b)) for a, b in edges]
    strengths = [1.0] * len(edge_list) if weights is None else [float(w) for w in weights]
    _check(node_count, edge_list, strengths, pivots, broker_top_share)
    n = node_count
    graph = igraph.Graph(n=n, edges=edge_list, directed=False)

    degree = graph.degree()
    weighted_degree = graph.strength(weights=strengths) if edge_list else [0.0] * n
    components = graph.connected_components()
    sizes = components.sizes()
    component_size = [sizes[c] for c in components.membership]

    sample = n > exact_limit and 2 <= pivots < n
    # Same draw as NetworkX's betweenness_centrality(k=pivots, seed=seed) on nodes 0..n-1.
    chosen = random.Random(seed).sample(range(n), pivots) if sample else []  # noqa: S311
    betweenness = _betweenness(graph, None, chosen)
    # Weighted shortest paths: a tie's length is 1 / strength; ties of strength 0 are never
    # on a finite path, so they are left out of that graph.
    positive = [i for i, w in enumerate(strengths) if w > 0]
    weighted_graph = igraph.Graph(n=n, edges=[edge_list[i] for i in positive], directed=False)
    lengths = [1 / strengths[i] for i in positive]
    weighted_betweenness = _betweenness(weighted_graph, lengths, chosen)
    if sample:
        closeness = _sampled_closeness(graph, components.membership, chosen)
    else:
        closeness = _wf_improved(graph.closeness(normalized=True), component_size)

    pagerank = _pagerank(graph, strengths, seed)
    eigenvector = _eigenvector(graph, strengths, seed)
    core_number = graph.coreness()
    reach = [
        count / (n - 1) if n > 1 else 0.0 for count in graph.neighborhood_size(order=2, mindist=1)
    ]
    community, modularity = _communities(graph, strengths, components.membership, seed)
    neighbours = graph.get_adjlist()
    broker = _brokers(betweenness, community, neighbours, broker_top_share)
    periphery = _periphery(degree, core_number)

    centralization = _freeman_centralization(betweenness)
    network = NetworkFigures(
        actors=n,
        ties=len(edge_list),
        density=2 * len(edge_list) / (n * (n - 1)) if n > 1 else 0.0,
        components=len(components),
        clustering=graph.transitivity_avglocal_undirected(mode="zero") if n else 0.0,
        communities=len(set(community)),
        modularity=modularity,
        betweenness_centralization=centralization,
        distributed_leadership=1 - centralization,
    )
    actors = ActorMetrics(
        degree=tuple(degree),
        weighted_degree=tuple(float(w) for w in weighted_degree),
        betweenness=tuple(betweenness),
        weighted_betweenness=tuple(weighted_betweenness),
        closeness=tuple(closeness),
        pagerank=tuple(pagerank),
        eigenvector=tuple(eigenvector),
        core_number=tuple(core_number),
        reach=tuple(reach),
        community=tuple(community),
        broker=tuple(broker),
        periphery=tuple(periphery),
    )
    return NetworkResult(
        actors=actors,
        network=network,
        betweenness_method="sampled" if sample else "exact",
        pivots=len(chosen),
        seed=seed,
    )


def distributed_leadership(
    node_count: int,
    edges: Sequence[tuple[int, int]],
    *,
    seed: int = DEFAULT_SEED,
    exact_limit: int = EXACT_LIMIT,
    pivots: int = PIVOTS,
) -> float:
    """The distributed-leadership index alone (one minus Freeman's betweenness
    centralization), exact or sampled by the same rule and seed as :func:`compute`: for a part
    of a network (funder reports take the network without its sensitive actors and ties)."""
    edge_list = [(int(a), int(b)) for a, b in edges]
    _check(node_count, edge_list, [1.0] * len(edge_list), pivots, BROKER_TOP_SHARE)
    graph = igraph.Graph(n=node_count, edges=edge_list, directed=False)
    sample = node_count > exact_limit and 2 <= pivots < node_count
    chosen = random.Random(seed).sample(range(node_count), pivots) if sample else []  # noqa: S311
    return 1 - _freeman_centralization(_betweenness(graph, None, chosen))


def _check(
    node_count: int,
    edges: list[tuple[int, int]],
    strengths: list[float],
    pivots: int,
    broker_top_share: float,
) -> None:
    if node_count < 0:
        raise ValueError("node_count: must not be negative")
    if len(strengths) != len(edges):
        raise ValueError("weights: one strength per edge")
    _check_edges(node_count, edges)
    for w in strengths:
        if not 0 <= w < math.inf:
            raise ValueError(f"weights: strength must be finite and not negative, not {w!r}")
    if pivots < 2:
        raise ValueError("pivots: at least 2")
    if not 0 < broker_top_share <= 1:
        raise ValueError("broker_top_share: must be in (0, 1]")


def _check_edges(node_count: int, edges: list[tuple[int, int]]) -> None:
    """Each edge joins two different actors of the network, and at most one joins a pair."""
    seen: set[tuple[int, int]] = set()
    for a, b in edges:
        if not (0 <= a < node_count and 0 <= b < node_count):
            raise ValueError(f"edge ({a}, {b}): node index out of range")
        if a == b:
            raise ValueError(f"edge ({a}, {b}): a tie joins two different actors")
        pair = (min(a, b), max(a, b))
        if pair in seen:
            raise ValueError(f"edge ({a}, {b}): more than one tie between the same actors")
        seen.add(pair)


def _betweenness(
    graph: igraph.Graph, lengths: list[float] | None, pivots: list[int]
) -> list[float]:
    """Normalised undirected betweenness, exact or estimated from ``pivots`` sources.

    igraph counts each unordered pair once for an undirected graph (NetworkX's unnormalised
    value); normalising divides by the ``(n − 1)(n − 2) / 2`` pairs of other actors.
    """
    n = graph.vcount()
    if n <= 2:
        return [0.0] * n
    if not pivots:
        raw = graph.betweenness(directed=False, weights=lengths or None)
        return [b * 2 / ((n - 1) * (n - 2)) for b in raw]
    # From k sources igraph gives half the pivots' summed dependencies; NetworkX 3.6 scales
    # the sum by (n − 1) / k, or (n − 1) / (k − 1) for a pivot, then normalises.
    raw = graph.betweenness(directed=False, weights=lengths or None, sources=pivots)
    k = len(pivots)
    is_pivot = set(pivots)
    return [b * 2 / ((k - 1 if v in is_pivot else k) * (n - 2)) for v, b in enumerate(raw)]


def _pagerank(graph: igraph.Graph, strengths: list[float], seed: int) -> list[float]:
    """Weighted PageRank, dangling actors' rank spread evenly as NetworkX does.

    ARPACK rather than igraph's default PRPACK: PRPACK's result changes in the last bits from
    one run to the next, and ARPACK draws its start vector from igraph's (here seeded) random
    number generator, so the same network gives the same numbers to the bit.
    """
    n = graph.vcount()
    if graph.ecount() == 0:  # igraph wants at least one weight
        return [1 / n for _ in range(n)]
    with seeded_igraph(seed):
        return graph.pagerank(weights=strengths, damping=DAMPING, implementation="arpack")


def _eigenvector(graph: igraph.Graph, weights: list[float], seed: int) -> list[float]:
    """Eigenvector centrality scaled to Euclidean length 1 (NetworkX's normalisation). The
    "not connected" warning igraph gives is the documented behaviour (see the module docstring),
    not news for the log."""
    n = graph.vcount()
    if graph.ecount() == 0 or not any(weights):
        return [0.0] * n
    with seeded_igraph(seed), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        values = graph.eigenvector_centrality(weights=weights)
    values = [max(v, 0.0) for v in values]  # -0.0 and rounding below 0 outside the component
    length = math.sqrt(math.fsum(v * v for v in values))
    return [v / length + 0.0 for v in values] if length > 0 else [0.0] * n


def _wf_improved(component_closeness: list[float], component_size: list[int]) -> list[float]:
    """igraph's closeness (over the reachable actors only) scaled by the share of the network
    that is reachable, ``(r − 1) / (n − 1)``: NetworkX's default ``wf_improved=True``."""
    n = len(component_size)
    return [
        0.0 if r <= 1 or math.isnan(c) else c * (r - 1) / (n - 1)
        for c, r in zip(component_closeness, component_size, strict=True)
    ]


def _sampled_closeness(
    graph: igraph.Graph, component_of: list[int], pivots: list[int]
) -> list[float]:
    n = graph.vcount()
    closeness = [0.0] * n
    is_pivot = set(pivots)
    members_of: dict[int, list[int]] = {}
    for v, c in enumerate(component_of):
        members_of.setdefault(c, []).append(v)
    exact_for: list[int] = []  # actors with no other pivot in their component
    for members in members_of.values():
        if len(members) <= 1:
            continue  # isolated: closeness 0
        sources = [v for v in members if v in is_pivot]
        if len(sources) <= 1:
            exact_for.extend(v for v in members if v not in is_pivot)
        _closeness_from_pivots(graph, members, sources, closeness)
    if exact_for:
        exact = graph.closeness(vertices=exact_for, normalized=True)
        for v, c in zip(exact_for, exact, strict=True):
            closeness[v] = c * (len(members_of[component_of[v]]) - 1) / (n - 1)
    return closeness


def _closeness_from_pivots(
    graph: igraph.Graph, members: list[int], sources: list[int], closeness: list[float]
) -> None:
    """In one component (``members``): each pivot's closeness, exact, and with more than one
    pivot (``sources``) every other member's, estimated from its distances to them."""
    n = graph.vcount()
    r = len(members)
    is_pivot = set(sources)
    share_reached = (r - 1) / (n - 1)
    total_from_pivots = [0.0] * r  # summed distances from this component's pivots
    for start in range(0, len(sources), _PIVOT_CHUNK):
        chunk = sources[start : start + _PIVOT_CHUNK]
        rows = graph.distances(source=chunk, target=members)
        for pivot, row in zip(chunk, rows, strict=True):
            total_from_pivots = list(map(operator.add, total_from_pivots, row))
            closeness[pivot] = (r - 1) / sum(row) * share_reached  # exact
    if len(sources) > 1:
        for v, total in zip(members, total_from_pivots, strict=True):
            if v not in is_pivot:
                closeness[v] = len(sources) / total * share_reached


def _communities(
    graph: igraph.Graph, strengths: list[float], component_of: list[int], seed: int
) -> tuple[list[int], float]:
    """Seeded Leiden on weighted modularity; communities renumbered by their lowest actor.

    Without any tie of positive strength modularity is undefined: each connected component is
    then its own community, and modularity is 0.
    """
    if math.fsum(strengths) == 0:
        return _renumber(component_of), 0.0
    with seeded_igraph(seed):
        found = graph.community_leiden(
            objective_function="modularity", weights=strengths, n_iterations=-1
        )
    membership = _renumber(found.membership)
    return membership, graph.modularity(membership, weights=strengths)


def _renumber(membership: list[int]) -> list[int]:
    labels: dict[int, int] = {}
    return [labels.setdefault(c, len(labels)) for c in membership]


def _brokers(
    betweenness: list[float],
    community: list[int],
    neighbours: list[list[int]],
    top_share: float,
) -> list[bool]:
    n = len(betweenness)
    if n == 0:
        return []
    # round() first: 0.1 × 30 is 3.0000000000000004 in floating point, and ⌈⌉ would make it 4.
    count = max(1, math.ceil(round(top_share * n, 9)))
    threshold = sorted(betweenness, reverse=True)[min(count, n) - 1]
    return [
        b > 0 and b >= threshold and len({community[u] for u in neighbours[v]}) >= 2
        for v, b in enumerate(betweenness)
    ]


def _periphery(degree: list[int], core_number: list[int]) -> list[bool]:
    shells = {k for k, d in zip(core_number, degree, strict=True) if d > 0}
    outermost = min(shells) if len(shells) > 1 else None
    return [d <= 1 or k == outermost for d, k in zip(degree, core_number, strict=True)]


def _freeman_centralization(betweenness: list[float]) -> float:
    """Freeman (1979): Σ (max − b_i) over the largest value that sum can take. With betweenness
    normalised to 0..1 the star is that largest case (1 at the hub, 0 on the n − 1 leaves), so
    the sum is divided by n − 1. Clamped to 0..1 against rounding and sampled estimates."""
    n = len(betweenness)
    if n < 3:
        return 0.0
    highest = max(betweenness)
    spread = math.fsum(highest - b for b in betweenness) / (n - 1)
    return min(max(spread, 0.0), 1.0)


# What each figure means, for people reading them (the dashboard's help): the same definitions
# as the module docstring, with the convention each follows. Keep the two in step.
DEFINITIONS: tuple[tuple[str, str, str, str], ...] = (
    (
        "degree",
        "Degree and weighted degree",
        "The number of relationships an actor has, and the sum of their weights.",
        "Not normalised. NetworkX degree(G) and degree(G, weight='weight'); igraph degree and "
        "strength.",
    ),
    (
        "betweenness",
        "Betweenness",
        "The share of shortest paths between two other actors that pass through this actor: "
        "how much it stands between others (Freeman 1977; Brandes 2001).",
        "0–1: divided by the (n − 1)(n − 2) / 2 pairs of other actors, as NetworkX "
        "betweenness_centrality(normalized=True) does for an undirected graph. Weighted "
        "betweenness takes 1 / weight as a tie's length, so a strong tie is a short one "
        "(Newman 2001; Opsahl, Agneessens & Skvoretz 2010). Above 10,000 actors, estimated "
        "from 500 seeded pivots (Brandes & Pich 2007).",
    ),
    (
        "closeness",
        "Closeness",
        "How near an actor is to all the others it can reach: one over its mean distance to them.",
        "0–1, Wasserman & Faust's correction for disconnected networks (NetworkX "
        "closeness_centrality, wf_improved=True): scaled by the share of the network the actor "
        "reaches. An isolated actor has 0.",
    ),
    (
        "pagerank",
        "PageRank",
        "An actor is central when central actors are tied to it, each tie counting by its "
        "weight (Brin & Page 1998).",
        "Damping 0.85; the values of all actors sum to 1. NetworkX pagerank(G, alpha=0.85, "
        "weight='weight'); igraph pagerank(weights=..., damping=0.85).",
    ),
    (
        "eigenvector",
        "Eigenvector centrality",
        "An actor's centrality is proportional to the sum of its partners' centralities, "
        "weighted by the ties (Bonacich 1972).",
        "Scaled to Euclidean length 1 over all actors, as NetworkX "
        "eigenvector_centrality(G, weight='weight') does (igraph scales the largest to 1). "
        "In a network of several pieces, actors outside the piece with the largest eigenvalue "
        "have 0.",
    ),
    (
        "core_number",
        "Core number",
        "The largest k such that the actor belongs to a group where everyone has at least k "
        "ties inside the group (Batagelj & Zaveršnik 2003).",
        "A whole number; NetworkX core_number, igraph coreness.",
    ),
    (
        "reach",
        "Reach",
        "The share of the other actors within two steps.",
        "0–1: divided by n − 1.",
    ),
    (
        "community",
        "Clusters (communities)",
        "Groups of actors more tied to each other than to the rest, found by the Leiden "
        "algorithm (Traag, Waltman & van Eck 2019) maximising weighted modularity (Newman & "
        "Girvan 2004), seeded so that the same data give the same clusters.",
        "igraph community_leiden(objective_function='modularity', weights=...); modularity as "
        "NetworkX modularity(G, communities, weight='weight').",
    ),
    (
        "is_broker",
        "Broker",
        "An actor whose ties reach two clusters or more and whose betweenness is among the "
        "highest tenth of the network (Burt 1992's structural holes).",
        "Top ⌈0.1 × n⌉ betweenness, above 0.",
    ),
    (
        "is_peripheral",
        "Periphery",
        "An actor with at most one tie, or in the outermost k-core shell.",
        "Core numbers as above.",
    ),
    (
        "distributed_leadership",
        "Distributed leadership",
        "One minus Freeman's betweenness centralization (Freeman 1979): 0 for a star around "
        "one actor, 1 when everyone stands between others equally.",
        "0–1, computed on normalised betweenness.",
    ),
    (
        "weights",
        "What the weights are",
        "Each relationship's weight is the weight the imported file declared for it; without "
        "any declared weight, its strength (declared 1–5 and interactions); without any "
        "strength in the network, 1 for every tie. A relationship whose strength is unknown "
        "counts as a typical one (the median), never as 0.",
        "networks/graph/weights.py; the run's weight_basis says which.",
    ),
)
