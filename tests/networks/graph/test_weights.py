"""The weights the structural metrics read: declared weights, else strengths, else 1 — never 0."""

import datetime

import networkx as nx
import pytest
from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

from networks.graph.compute import MetricInput, compute_run
from networks.graph.weights import structural_weights

DAY = datetime.date(2026, 6, 1)


def test_a_network_without_any_strength_weighs_every_relationship_1():
    assert structural_weights([0.0, 0.0, 0.0], [None, None, None]) == ([1.0, 1.0, 1.0], "unit")


def test_strengths_are_the_weights_and_an_unknown_strength_counts_as_the_median():
    weights, basis = structural_weights([0.2, 0.0, 0.6, 1.0], [None, None, None, None])
    assert basis == "strength"
    assert weights == [0.2, 0.6, 0.6, 1.0]


def test_declared_weights_win_and_a_relationship_without_one_takes_their_median():
    weights, basis = structural_weights([0.2, 0.4, 0.9, 0.0], [31.0, 1.0, None, 4.0])
    assert basis == "declared"
    assert weights == [31.0, 1.0, 4.0, 4.0]


@pytest.mark.parametrize("bad", [0.0, -1.0, float("inf"), float("nan")])
def test_a_declared_weight_must_be_a_positive_number(bad):
    with pytest.raises(ValueError, match="declared"):
        structural_weights([0.5], [bad])


def test_one_declared_weight_per_relationship():
    with pytest.raises(ValueError, match="declared"):
        structural_weights([0.5, 0.5], [None])


def inputs_of(graph: nx.Graph, *, strength=None, weight=None) -> MetricInput:
    nodes = sorted(graph.nodes)
    return MetricInput(
        coalition_id=1,
        on=DAY,
        actor_ids=tuple(n + 1 for n in nodes),
        people=frozenset(),
        sensitive=frozenset(),
        directly_affected=frozenset(),
        members=frozenset(),
        candidates=frozenset(),
        ties=tuple(
            (a + 1, b + 1, strength, False, weight(a, b) if weight else None)
            for a, b in graph.edges
        ),
        interactions=(),
        actions_led=(),
        lead_roles=(),
        skills=(),
        strength_settings={},
    )


def test_a_club_entered_without_strengths_has_its_factions_and_distinct_ranks():
    karate = nx.karate_club_graph()
    run = compute_run(inputs_of(karate))
    actors = run.result.actors
    assert run.network["weight_basis"] == "unit"
    # Weighted degree is the degree, not 0; PageRank tells the actors apart.
    assert actors.weighted_degree == tuple(float(d) for d in actors.degree)
    assert len(set(actors.pagerank)) > 10
    assert actors.pagerank.index(max(actors.pagerank)) == 33  # the club's president
    assert 2 <= run.network["communities"] <= 6
    assert all(row.weight == 1.0 for row in run.relationships)
    # Every strength is still 0: nothing was declared and nothing observed.
    assert all(row.strength == 0.0 for row in run.relationships)


def test_declared_weights_reach_the_metrics_as_the_file_gave_them():
    graph = nx.Graph([(0, 1), (1, 2), (2, 3), (3, 0), (0, 2)])
    given = {(0, 1): 10.0, (1, 2): 1.0, (2, 3): 10.0, (0, 3): 1.0, (0, 2): 5.0}
    run = compute_run(inputs_of(graph, strength=3, weight=lambda a, b: given[(a, b)]))
    assert run.network["weight_basis"] == "declared"
    assert [row.weight for row in run.relationships] == [given[e] for e in sorted(given)]
    assert run.result.actors.weighted_degree == (16.0, 11.0, 16.0, 11.0)
    reference = nx.Graph()
    reference.add_weighted_edges_from((a, b, w) for (a, b), w in given.items())
    expected = _pagerank_python(reference, weight="weight", tol=1e-13, max_iter=10_000)
    assert list(run.result.actors.pagerank) == pytest.approx([expected[n] for n in range(4)])
