"""Weaver suggestions (networks/suggestions.py) on hand-built networks with known answers."""

import pytest

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
    # Joined by one tie, they need no bridge.
    assert of_kind(run([*edges, (2, 3)], n=6, community=[0, 0, 0, 1, 1, 1]), "bridge") == []


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
