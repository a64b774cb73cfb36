"""Weaver suggestions (networks/suggestions.py) on hand-built networks with known answers."""

import datetime
import itertools

import networkx as nx
import pytest

from networks.graph.compute import MetricInput, compute_run
from networks.graph.suggestions import at_risk_count, suggest


def run(edges, *, n, community=None, pagerank=None, periphery=None, candidates=None, **kw):
    return suggest(
        node_count=n,
        edges=edges,
        community=community or [0] * n,
        pagerank=pagerank or [1 / n] * n,
        periphery=periphery or [False] * n,
        candidates=set(range(n)) if candidates is None else candidates,
        strengths_now=kw.get("now", {}),
        strengths_before=kw.get("before"),
    )


def of_kind(found, kind):
    return [(f.actor, f.other, f.score) for f in found if f.kind == kind]


def test_an_introduction_closes_the_most_triangles_first():
    # 0 and 1 share partners 2, 3 and 4; 2 and 3 share 0 and 1 (and are not tied).
    edges = [(0, 2), (0, 3), (0, 4), (1, 2), (1, 3), (1, 4)]
    found = of_kind(run(edges, n=5), "introduction")
    assert found[0] == (0, 1, 3.0)
    assert (2, 3, 2.0) in found and (2, 4, 2.0) in found
    assert all(score >= 2 for _, _, score in found)


def test_no_introduction_for_a_pair_already_tied_or_outside_the_candidates():
    edges = [(0, 2), (0, 3), (1, 2), (1, 3), (0, 1)]
    assert (0, 1, 2.0) not in of_kind(run(edges, n=4), "introduction")
    found = of_kind(
        run([(0, 2), (0, 3), (1, 2), (1, 3)], n=4, candidates={0, 2, 3}), "introduction"
    )
    assert [pair[:2] for pair in found] == [(2, 3)]


def test_a_bridge_joins_two_unconnected_clusters_through_their_most_central_members():
    # Two triangles, no tie between them; 1 and 4 rank highest in their clusters.
    edges = [(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5)]
    found = of_kind(
        run(
            edges,
            n=6,
            community=[0, 0, 0, 1, 1, 1],
            pagerank=[0.1, 0.3, 0.1, 0.1, 0.3, 0.1],
        ),
        "bridge",
    )
    assert found == [(1, 4, 9.0)]


def test_clusters_held_together_by_one_actor_get_a_second_link_and_others_do_not():
    edges = [(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5)]
    ranks = [0.1, 0.1, 0.3, 0.3, 0.1, 0.1]  # 2 and 3 rank highest, and hold the one tie
    clusters = [0, 0, 0, 1, 1, 1]
    one_tie = run([*edges, (2, 3)], n=6, community=clusters, pagerank=ranks)
    # Neither end of the one tie is asked again: the next most central of each cluster are.
    assert of_kind(one_tie, "bridge") == [(0, 4, 4.5)]
    assert "linked by 1 tie, all through one actor" in one_tie[-1].reason
    # 2 holds both ties into the other cluster: still one actor, still fragile.
    through_2 = run([*edges, (2, 3), (2, 4)], n=6, community=clusters, pagerank=ranks)
    assert [(a, b) for a, b, _ in of_kind(through_2, "bridge")] == [(0, 3)]
    # Two different actors on each side hold the link: no bridge needed.
    assert of_kind(run([*edges, (2, 3), (0, 5)], n=6, community=clusters), "bridge") == []


def test_clusters_joined_by_weak_relationships_only_get_a_bridge_when_strength_is_measured():
    edges = [(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5), (2, 3), (0, 5)]
    clusters = [0, 0, 0, 1, 1, 1]
    weak = dict.fromkeys(edges, 0.9) | {(2, 3): 0.2, (0, 5): 0.3}

    def bridges(strengths, threshold):
        found = suggest(
            node_count=6,
            edges=edges,
            community=clusters,
            pagerank=[0.1, 0.3, 0.1, 0.1, 0.3, 0.1],
            periphery=[False] * 6,
            candidates=set(range(6)),
            strengths_now=strengths,
            strengths_before=None,
            strong_threshold=threshold,
        )
        return [(f.actor, f.other, f.reason) for f in found if f.kind == "bridge"]

    assert bridges(weak, 0.6) == [
        (1, 4, "no strong relationship between two clusters of 3 and 3 actors, only 2 weak ones")
    ]
    assert bridges(weak | {(2, 3): 0.7}, 0.6) == []  # one strong relationship is enough
    assert bridges(weak, None) == []  # strength not measured: weak and strong are not told apart


def test_a_peripheral_member_is_introduced_to_the_best_connected_stranger_of_its_cluster():
    edges = [(0, 1), (1, 2), (2, 3), (1, 3)]
    found = of_kind(
        run(
            edges,
            n=4,
            pagerank=[0.1, 0.4, 0.3, 0.2],
            periphery=[True, False, False, False],
        ),
        "periphery",
    )
    # 0 is tied to 1 (the best connected), so 2 is next.
    assert found == [(0, 2, 0.3)]


def test_a_relationship_that_lost_a_third_is_at_risk_and_one_that_lost_less_is_not():
    before = {(0, 1): 0.9, (1, 2): 0.6, (2, 3): 0.15, (0, 3): 0.5}
    now = {(0, 1): 0.6, (1, 2): 0.45, (2, 3): 0.0}  # (0, 3) is gone altogether
    found = of_kind(run([], n=4, now=now, before=before), "at_risk")
    assert [pair[:2] for pair in found] == [(0, 3), (0, 1)]
    assert found[0][2] == pytest.approx(0.5)
    # 0.6 → 0.45 is a quarter; 0.15 was never strong enough to count.
    assert at_risk_count(now, before) == 2
    assert at_risk_count(now, None) == 0


def test_the_same_network_gives_the_same_suggestions():
    edges = [(a, b) for a in range(8) for b in range(a + 1, 8) if (a * b) % 3 == 1]
    assert run(edges, n=8) == run(edges, n=8)


def test_two_communities_joined_through_one_broker_get_a_bridge_around_it():
    # Two cliques of five (0–4 and 5–9), joined only through actor 10, tied to two of each.
    # Nothing declares a strength: the structural metrics weigh every tie 1.
    edges = [(a, b) for a, b in itertools.combinations(range(5), 2)]
    edges += [(a, b) for a, b in itertools.combinations(range(5, 10), 2)]
    edges += [(0, 10), (1, 10), (5, 10), (6, 10)]
    graph = nx.Graph(edges)
    inputs = MetricInput(
        coalition_id=1,
        on=datetime.date(2026, 6, 1),
        actor_ids=tuple(range(100, 111)),
        people=frozenset(),
        sensitive=frozenset(),
        directly_affected=frozenset(),
        members=frozenset(range(100, 111)),
        candidates=frozenset(range(100, 111)),
        ties=tuple((100 + a, 100 + b, None, False, None) for a, b in graph.edges),
        interactions=(),
        actions_led=(),
        lead_roles=(),
        skills=(),
        strength_settings={},
    )
    computed = compute_run(inputs)
    assert computed.network["communities"] == 2
    assert computed.result.actors.broker[10]
    bridges = [f for f in computed.suggestions if f.kind == "bridge"]
    assert len(bridges) == 1
    bridge = bridges[0]
    # One actor of each clique, neither the broker nor anyone already tied across.
    assert {bridge.actor < 105, bridge.other < 105} == {True, False}
    assert 110 not in (bridge.actor, bridge.other)
    assert "all through one actor" in bridge.reason
