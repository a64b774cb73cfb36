"""Network metrics (networks/metrics.py) against NetworkX on the networks it ships.

NetworkX is the reference: a slow, readable implementation of the same definitions. Its
PageRank is taken from the pure-Python implementation, as its public ``pagerank`` needs SciPy.
"""

import math
import random
from fractions import Fraction
from itertools import combinations

import networkx as nx
import pytest
from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

from networks.graph.metrics import NetworkResult, compute

EXACT = {"rel": 1e-9, "abs": 1e-12}


def florentine_with_isolates() -> nx.Graph:
    # Padgett's Florentine marriages plus two families with no tie: a disconnected network.
    graph = nx.florentine_families_graph()
    graph.add_nodes_from(["Pucci", "Unknown"])
    return graph


def disconnected() -> nx.Graph:
    # Several components of different sizes, where closeness needs NetworkX's wf_improved.
    graph = nx.disjoint_union_all(
        [nx.karate_club_graph(), nx.florentine_families_graph(), nx.path_graph(4)]
    )
    graph.add_node("alone")
    return graph


NETWORKS = {
    "karate": nx.karate_club_graph,  # Zachary 1977; edges weighted 1–7 by shared contexts
    "florentine": nx.florentine_families_graph,  # Padgett & Ansell 1993
    "florentine_with_isolates": florentine_with_isolates,
    "davis": nx.davis_southern_women_graph,  # Davis, Gardner & Gardner 1941; bipartite
    "disconnected": disconnected,
}


def as_arrays(graph: nx.Graph) -> tuple[list, list[tuple[int, int]], list[float]]:
    nodes = list(graph)
    index = {node: i for i, node in enumerate(nodes)}
    edges = [(index[u], index[v]) for u, v in graph.edges()]
    weights = [float(graph.edges[u, v].get("weight", 1)) for u, v in graph.edges()]
    return nodes, edges, weights


@pytest.fixture(scope="module", params=sorted(NETWORKS))
def network(request) -> tuple[nx.Graph, list, NetworkResult]:
    graph = NETWORKS[request.param]()
    for _, _, data in graph.edges(data=True):
        data.setdefault("weight", 1)
    nodes, edges, weights = as_arrays(graph)
    return graph, nodes, compute(len(nodes), edges, weights)


def by_node(nodes: list, values: dict) -> list:
    return [values[node] for node in nodes]


def test_degree_and_weighted_degree_match_networkx(network):
    graph, nodes, result = network
    assert list(result.actors.degree) == by_node(nodes, dict(graph.degree()))
    assert list(result.actors.weighted_degree) == pytest.approx(
        by_node(nodes, dict(graph.degree(weight="weight"))), **EXACT
    )


def test_betweenness_is_normalised_like_networkx_for_an_undirected_graph(network):
    graph, nodes, result = network
    expected = by_node(nodes, nx.betweenness_centrality(graph, normalized=True))
    assert list(result.actors.betweenness) == pytest.approx(expected, **EXACT)


def test_weighted_betweenness_takes_one_over_strength_as_the_length_of_a_tie(network):
    graph, nodes, result = network
    # Exact fractions: igraph treats path lengths within a tiny epsilon as equal, so 1/2 + 1/6
    # and 1/3 + 1/3 are two shortest paths; NetworkX with float lengths would keep only one.
    for _, _, data in graph.edges(data=True):
        data["length"] = Fraction(1, data["weight"])
    expected = nx.betweenness_centrality(graph, normalized=True, weight="length")
    assert list(result.actors.weighted_betweenness) == pytest.approx(
        [float(value) for value in by_node(nodes, expected)], **EXACT
    )


def test_closeness_matches_networkx_default_wf_improved(network):
    graph, nodes, result = network
    expected = by_node(nodes, nx.closeness_centrality(graph, wf_improved=True))
    assert list(result.actors.closeness) == pytest.approx(expected, **EXACT)


def test_eigenvector_centrality_is_weighted_and_scaled_like_networkx(network):
    graph, nodes, result = network
    expected = nx.eigenvector_centrality(graph, weight="weight", max_iter=10_000, tol=1e-13)
    assert list(result.actors.eigenvector) == pytest.approx(by_node(nodes, expected), abs=1e-8)
    assert sum(v * v for v in result.actors.eigenvector) == pytest.approx(1.0)


def test_pagerank_is_weighted_like_networkx(network):
    graph, nodes, result = network
    expected = _pagerank_python(graph, alpha=0.85, weight="weight", tol=1e-13, max_iter=10_000)
    assert list(result.actors.pagerank) == pytest.approx(by_node(nodes, expected), abs=1e-9)
    assert sum(result.actors.pagerank) == pytest.approx(1.0, abs=1e-9)


def test_core_number_matches_networkx(network):
    graph, nodes, result = network
    assert list(result.actors.core_number) == by_node(nodes, nx.core_number(graph))


def test_reach_is_the_share_of_other_actors_within_two_steps(network):
    graph, nodes, result = network
    n = len(nodes)
    expected = [
        (len(nx.single_source_shortest_path_length(graph, node, cutoff=2)) - 1) / (n - 1)
        for node in nodes
    ]
    assert list(result.actors.reach) == pytest.approx(expected, **EXACT)


def test_network_figures_match_networkx(network):
    graph, nodes, result = network
    figures = result.network
    assert figures.actors == graph.number_of_nodes()
    assert figures.ties == graph.number_of_edges()
    assert figures.density == pytest.approx(nx.density(graph), **EXACT)
    assert figures.components == nx.number_connected_components(graph)
    # NetworkX's average_clustering counts actors with fewer than two ties as 0: igraph's
    # transitivity_avglocal_undirected(mode="zero").
    assert figures.clustering == pytest.approx(nx.average_clustering(graph), **EXACT)


def test_modularity_is_that_of_the_communities_found(network):
    graph, nodes, result = network
    communities: dict[int, set] = {}
    for node, community in zip(nodes, result.actors.community, strict=True):
        communities.setdefault(community, set()).add(node)
    expected = nx.community.modularity(graph, communities.values(), weight="weight")
    assert result.network.modularity == pytest.approx(expected, **EXACT)
    assert result.network.communities == len(communities)
    # Numbered in the order of their lowest actor.
    firsts = [result.actors.community.index(c) for c in range(len(communities))]
    assert firsts == sorted(firsts)


def test_seeded_communities_on_karate_are_the_same_twice_and_find_the_factions():
    graph = nx.karate_club_graph()
    nodes, edges, _ = as_arrays(graph)
    first = compute(len(nodes), edges)
    random.seed(12345)  # whatever else used the global generator must not matter
    random.random()
    second = compute(len(nodes), edges)
    assert first.actors.community == second.actors.community
    assert first.network.modularity == second.network.modularity
    # The club's actual split (Zachary 1977) has modularity 0.358; the best known is 0.4198.
    assert first.network.modularity > 0.37
    assert first.network.modularity == pytest.approx(
        nx.community.modularity(graph, _communities(nodes, first.actors.community), weight=None),
        **EXACT,
    )


def _communities(nodes: list, membership) -> list[set]:
    communities: dict[int, set] = {}
    for node, community in zip(nodes, membership, strict=True):
        communities.setdefault(community, set()).add(node)
    return list(communities.values())


def test_freeman_centralization_is_1_for_a_star_and_0_for_a_complete_network():
    star = compute(8, [(0, leaf) for leaf in range(1, 8)])
    assert star.network.betweenness_centralization == pytest.approx(1.0, **EXACT)
    assert star.network.distributed_leadership == pytest.approx(0.0, abs=1e-12)
    complete = compute(8, list(combinations(range(8), 2)))
    assert complete.network.betweenness_centralization == 0.0
    assert complete.network.distributed_leadership == 1.0


def test_freeman_centralization_of_a_path_of_four_worked_by_hand():
    # 0–1–2–3: actors 1 and 2 each sit on 2 of the 3 pairs of others, normalised 2/3; the ends
    # 0. Σ (max − b) = 2/3 + 2/3 = 4/3, over n − 1 = 3: 4/9.
    path = compute(4, [(0, 1), (1, 2), (2, 3)])
    assert path.actors.betweenness == pytest.approx((0, 2 / 3, 2 / 3, 0), **EXACT)
    assert path.network.betweenness_centralization == pytest.approx(4 / 9, **EXACT)
    assert path.network.distributed_leadership == pytest.approx(5 / 9, **EXACT)


def two_cliques_with_a_bridge() -> list[tuple[int, int]]:
    # Cliques 0–4 and 5–9; actor 10 ties to 0, 1 (first clique) and 5, 6 (second); actor 11
    # hangs off 9.
    return [
        *combinations(range(5), 2),
        *combinations(range(5, 10), 2),
        (10, 0),
        (10, 1),
        (10, 5),
        (10, 6),
        (9, 11),
    ]


def test_the_bridge_between_two_cliques_is_a_broker_and_a_pendant_is_peripheral():
    result = compute(12, two_cliques_with_a_bridge())
    actors = result.actors
    assert actors.betweenness[10] == max(actors.betweenness)
    assert len({actors.community[v] for v in (0, 1, 5, 6)}) == 2
    assert actors.broker[10]
    # Actors tied only inside their own clique are not brokers.
    assert not any(actors.broker[v] for v in (2, 3, 4, 7, 8))
    assert [v for v in range(12) if actors.periphery[v]] == [11]


def test_the_broker_threshold_is_the_top_share_of_actors_by_betweenness():
    # With 1/12 of 12 actors only the highest counts.
    result = compute(12, two_cliques_with_a_bridge(), broker_top_share=1 / 12)
    assert [v for v in range(12) if result.actors.broker[v]] == [10]


def test_periphery_is_the_outermost_shell_and_actors_with_at_most_one_tie():
    # A 4-clique (core 3) with a triangle 4–5–6 (core 2) hanging off actor 0, and an isolate 7.
    edges = [*combinations(range(4), 2), (0, 4), (4, 5), (5, 6), (6, 4)]
    result = compute(8, edges)
    assert result.actors.core_number == (3, 3, 3, 3, 2, 2, 2, 0)
    assert result.actors.periphery == (False, False, False, False, True, True, True, True)


def test_a_network_in_one_shell_has_no_periphery_but_its_pendants():
    cycle = compute(5, [(0, 1), (1, 2), (2, 3), (3, 4), (4, 0)])
    assert not any(cycle.actors.periphery)


def test_a_network_within_the_exact_limit_is_computed_exactly():
    graph = nx.karate_club_graph()
    nodes, edges, _ = as_arrays(graph)
    assert compute(len(nodes), edges).betweenness_method == "exact"
    # Sampling as many pivots as there are actors would be the exact computation, slower.
    assert compute(len(nodes), edges, exact_limit=10, pivots=34).betweenness_method == "exact"


def test_sampled_betweenness_is_networkx_k_sample_estimate_with_the_same_seed():
    graph = nx.gnm_random_graph(300, 900, seed=5)
    nodes, edges, _ = as_arrays(graph)
    result = compute(len(nodes), edges, seed=11, exact_limit=100, pivots=40)
    assert result.betweenness_method == "sampled"
    assert result.pivots == 40
    # Same draw of pivots (random.Random(11).sample(nodes, 40)) and same scaling.
    expected = nx.betweenness_centrality(graph, k=40, normalized=True, seed=11)
    assert list(result.actors.betweenness) == pytest.approx(by_node(nodes, expected), **EXACT)


def ranks(values: list[float]) -> list[float]:
    """Ranks from 0, ties sharing their mean rank (for Spearman's correlation)."""
    order = sorted(range(len(values)), key=values.__getitem__)
    ranked = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for position in range(start, end + 1):
            ranked[order[position]] = (start + end) / 2
        start = end + 1
    return ranked


def spearman(a: list[float], b: list[float]) -> float:
    ra, rb = ranks(a), ranks(b)
    mean_a, mean_b = sum(ra) / len(ra), sum(rb) / len(rb)
    covariance = sum((x - mean_a) * (y - mean_b) for x, y in zip(ra, rb, strict=True))
    spread = math.sqrt(sum((x - mean_a) ** 2 for x in ra) * sum((y - mean_b) ** 2 for y in rb))
    return covariance / spread


@pytest.fixture(scope="module")
def medium_network() -> tuple[list[tuple[int, int]], list[float]]:
    # 2,000 actors, 5,000 ties: a giant component, some fragments and isolates.
    graph = nx.gnm_random_graph(2000, 5000, seed=1)
    draw = random.Random(2)
    edges = list(graph.edges())
    return edges, [round(draw.uniform(0.05, 1.0), 3) for _ in edges]


def test_sampled_estimates_are_seeded_and_close_to_exact(medium_network):
    edges, weights = medium_network
    exact = compute(2000, edges, weights)
    sampled = compute(2000, edges, weights, exact_limit=1000, pivots=500)
    again = compute(2000, edges, weights, exact_limit=1000, pivots=500)
    assert (exact.betweenness_method, sampled.betweenness_method) == ("exact", "sampled")
    # Same data, same numbers, to the bit (igraph's default PageRank solver fails this).
    assert sampled == again
    assert compute(2000, edges, weights) == exact
    assert spearman(exact.actors.betweenness, sampled.actors.betweenness) > 0.9
    assert spearman(exact.actors.weighted_betweenness, sampled.actors.weighted_betweenness) > 0.9
    assert spearman(exact.actors.closeness, sampled.actors.closeness) > 0.98
    assert (
        max(
            abs(e - s)
            for e, s in zip(exact.actors.closeness, sampled.actors.closeness, strict=True)
        )
        < 0.02
    )
    assert sampled.network.betweenness_centralization == pytest.approx(
        exact.network.betweenness_centralization, abs=0.01
    )
    # Everything that does not depend on sampling is the same.
    for name in ("degree", "pagerank", "core_number", "reach", "community"):
        assert getattr(sampled.actors, name) == getattr(exact.actors, name)


def test_empty_and_tiny_networks_have_defined_figures():
    empty = compute(0, [])
    assert empty.network.actors == 0
    assert empty.network.distributed_leadership == 1.0
    lone = compute(1, [])
    assert lone.actors.closeness == (0.0,)
    assert lone.actors.pagerank == (1.0,)
    assert lone.actors.periphery == (True,)
    pair = compute(2, [(0, 1)], [0.4])
    assert pair.actors.betweenness == (0.0, 0.0)
    assert pair.network.density == 1.0
    assert pair.network.betweenness_centralization == 0.0


def test_a_tie_of_strength_zero_carries_no_weighted_shortest_path():
    # 0–1–2 strong, and a direct 0–2 of strength 0: unweighted, 1 is between nobody.
    result = compute(3, [(0, 1), (1, 2), (0, 2)], [1.0, 1.0, 0.0])
    assert result.actors.betweenness == (0.0, 0.0, 0.0)
    assert result.actors.weighted_betweenness == (0.0, 1.0, 0.0)


@pytest.mark.parametrize(
    ("edges", "weights", "message"),
    [
        ([(0, 0)], None, "two different actors"),
        ([(0, 1), (1, 0)], None, "more than one tie"),
        ([(0, 5)], None, "out of range"),
        ([(0, 1)], [-0.5], "not negative"),
        ([(0, 1)], [math.inf], "finite"),
        ([(0, 1)], [], "one strength per edge"),
    ],
)
def test_malformed_input_is_refused(edges, weights, message):
    with pytest.raises(ValueError, match=message):
        compute(3, edges, weights)
