"""The server-side map layout: pure function, service, and queuing after commit."""

import math

import pytest
from django.utils import timezone

from allies.models import Actor
from networks.graph.layout import Pinned, force_layout, spread_apart, warm_layout
from networks.map.models import LayoutRun
from networks.map.services import layout_compute, layout_request
from networks.models import ActorPosition, Tie
from tests.allies.factories import ActorFactory
from tests.networks.factories import ActorPositionFactory, TieFactory
from weft.vocabulary import ActorKind


def distance(a, b):
    return math.dist(a, b)


def test_the_same_graph_gets_the_same_layout():
    edges = [(0, 1), (1, 2), (2, 3), (3, 0), (0, 2), (4, 5)]
    assert force_layout(6, edges) == force_layout(6, edges)


def test_tied_actors_end_up_closer_than_strangers():
    # Two tight triangles joined by nothing: within-triangle distances are smaller.
    edges = [(0, 1), (1, 2), (2, 0), (3, 4), (4, 5), (5, 3)]
    placed = force_layout(6, edges)
    within = max(distance(placed[a], placed[b]) for a, b in edges)
    across = min(distance(placed[a], placed[b]) for a in range(3) for b in range(3, 6))
    assert within < across


def test_a_pinned_actor_stays_exactly_where_it_was_put():
    placed = force_layout(4, [(0, 1), (1, 2), (2, 3)], pinned=[Pinned(2, 123.5, -77.25)])
    assert placed[2] == (123.5, -77.25)


def test_an_empty_map_has_no_positions():
    assert force_layout(0, []) == []


@pytest.mark.django_db
def test_layout_compute_stores_a_position_for_every_actor_and_keeps_pins(coalition):
    actors = [
        ActorFactory(coalition=coalition, name=f"Group {i}", kind=ActorKind.GROUP) for i in range(5)
    ]
    for a, b in zip(actors, actors[1:], strict=False):
        TieFactory(coalition=coalition, source=a, target=b, strength=4)
    ActorPositionFactory(actor=actors[0], x=10.0, y=20.0, is_pinned=True)

    written = layout_compute(coalition_id=coalition.pk)

    assert written == 4
    assert ActorPosition.objects.filter(actor__coalition=coalition).count() == 5
    pinned = ActorPosition.objects.get(actor=actors[0])
    assert (pinned.x, pinned.y, pinned.is_pinned) == (10.0, 20.0, True)


@pytest.mark.django_db
def test_a_layout_is_queued_only_once_the_edit_commits(
    coalition, django_capture_on_commit_callbacks, tasks_in_process
):
    ActorFactory(coalition=coalition, name="Solo", kind=ActorKind.GROUP)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        layout_request(coalition_id=coalition.pk)
    assert len(callbacks) == 1
    assert not ActorPosition.objects.exists()
    callbacks[0]()  # the commit happens; the task runs in-process here
    assert ActorPosition.objects.filter(actor__coalition=coalition).count() == 1


def test_a_run_from_the_stored_layout_keeps_the_picture():
    # A ring with chords, laid out from scratch; then one tie more, laid out from there.
    edges = [(i, (i + 1) % 30) for i in range(30)] + [(i, (i + 7) % 30) for i in range(0, 30, 3)]
    before = force_layout(30, edges)
    after = force_layout(30, [*edges, (0, 15)], placed=before)
    scratch = force_layout(30, [*edges, (0, 15)])
    moved = sum(distance(a, b) for a, b in zip(before, after, strict=True))
    reshuffled = sum(distance(a, b) for a, b in zip(before, scratch, strict=True))
    assert moved < reshuffled / 3


@pytest.fixture
def queued(monkeypatch):
    """The layout runs queued (args and countdown), instead of queuing them."""
    from networks.map.tasks import compute_layout

    calls = []
    monkeypatch.setattr(
        compute_layout,
        "apply_async",
        lambda args, kwargs=None, countdown=None: calls.append((args, countdown)),
    )
    return calls


@pytest.mark.django_db
def test_adding_and_deleting_actors_and_ties_queue_one_debounced_layout(
    client_for, coalition, queued, settings, django_capture_on_commit_callbacks
):
    from tests.api_helpers import url

    settings.WEFT_LAYOUT_DEBOUNCE_SECONDS = 30
    client = client_for("organizer")
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(
            url(coalition, "actors"), {"name": "A", "kind": "group"}, "application/json"
        )
    assert queued == [((coalition.pk,), 30)]
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(
            url(coalition, "actors"), {"name": "B", "kind": "group"}, "application/json"
        )
        tie = client.post(
            url(coalition, "ties"),
            {"source": first.json()["id"], "target": second.json()["id"]},
            "application/json",
        )
        client.delete(url(coalition, "ties", tie.json()["id"]), HTTP_IF_MATCH='"1"')
        client.delete(url(coalition, "actors", second.json()["id"]), HTTP_IF_MATCH='"1"')
    assert len(queued) == 1  # within the debounce: the queued run will see them all

    from weft.models import OutboxMessage

    OutboxMessage.objects.update(available_at=timezone.now())  # the debounce is over
    with django_capture_on_commit_callbacks(execute=True):
        client.delete(url(coalition, "actors", first.json()["id"]), HTTP_IF_MATCH='"1"')
    assert len(queued) == 2


@pytest.mark.django_db
def test_an_edit_that_fails_or_only_renames_queues_no_layout(
    client_for, coalition, queued, django_capture_on_commit_callbacks
):
    from tests.api_helpers import url

    actor = ActorFactory(coalition=coalition, name="A", kind=ActorKind.GROUP)
    client = client_for("organizer")
    with django_capture_on_commit_callbacks(execute=True):
        client.patch(
            url(coalition, "actors", actor.pk),
            {"name": "B"},
            "application/json",
            HTTP_IF_MATCH='"1"',
        )
        bad = client.post(
            url(coalition, "ties"), {"source": actor.pk, "target": actor.pk}, "application/json"
        )
    assert bad.status_code == 400
    assert queued == []


@pytest.mark.django_db
def test_after_an_edit_the_layout_runs_keeps_pins_and_places_the_newcomer_beside_its_tie(
    client_for, coalition, django_capture_on_commit_callbacks, tasks_in_process
):
    from tests.api_helpers import url

    groups = [
        ActorFactory(coalition=coalition, name=f"Group {i}", kind=ActorKind.GROUP) for i in range(6)
    ]
    for a, b in zip(groups, groups[1:], strict=False):
        TieFactory(coalition=coalition, source=a, target=b, strength=3)
    layout_compute(coalition_id=coalition.pk)
    ActorPosition.objects.filter(actor=groups[0]).update(x=-900.0, y=900.0, is_pinned=True)
    client = client_for("organizer")
    # The map page puts a new actor where the person is looking, unpinned.
    newcomer = client.post(
        url(coalition, "actors"), {"name": "Choir", "kind": "group"}, "application/json"
    ).json()["id"]
    ActorPositionFactory(actor=Actor.objects.get(pk=newcomer), x=5000.0, y=5000.0)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url(coalition, "ties"), {"source": newcomer, "target": groups[3].pk}, "application/json"
        )
    assert response.status_code == 201
    # The layout ran (in-process here) after the tie was committed: from the newcomer's place
    # beside its neighbour, it stays near it; the pinned actor did not move.
    pinned = ActorPosition.objects.get(actor=groups[0])
    assert (pinned.x, pinned.y, pinned.is_pinned) == (-900.0, 900.0, True)
    placed = {p.actor_id: (p.x, p.y) for p in ActorPosition.objects.all()}
    near = distance(placed[newcomer], placed[groups[3].pk])
    spread = max(distance(placed[g.pk], placed[h.pk]) for g in groups for h in groups)
    assert near < spread / 2
    assert placed[newcomer] != (5000.0, 5000.0)


@pytest.mark.django_db
def test_undoing_a_deletion_puts_the_actor_back_where_it_was_with_its_ties(client_for, coalition):
    from tests.api_helpers import url

    union, church, mayor = (
        ActorFactory(coalition=coalition, name=name, kind=ActorKind.ORGANISATION)
        for name in ("Union", "Church", "Mayor")
    )
    TieFactory(coalition=coalition, source=union, target=church, strength=4)
    layout_compute(coalition_id=coalition.pk)  # positions written in bulk, no history yet
    ActorPosition.objects.filter(actor=mayor).update(x=-321.5, y=654.25, is_pinned=True)
    placed = {p.actor_id: (p.x, p.y, p.is_pinned) for p in ActorPosition.objects.all()}
    client = client_for("organizer")
    for actor in (union, mayor):
        response = client.delete(url(coalition, "actors", actor.pk), HTTP_IF_MATCH='"1"')
        assert response.status_code == 204
        assert not ActorPosition.objects.filter(actor=actor).exists()
        deletion = Actor.history.get(id=actor.pk, history_type="-").history_id
        restored = client.post(url(coalition, "actors", actor.pk, f"history/{deletion}/restore"))
        assert restored.status_code == 200
        position = ActorPosition.objects.get(actor=actor)
        assert (position.x, position.y, position.is_pinned) == placed[actor.pk]
    assert Tie.objects.filter(source=union, target=church, strength=4).exists()
    graph = client.get(f"/api/v1/coalitions/{coalition.pk}/map/").json()
    assert {n["id"]: (n["x"], n["y"]) for n in graph["nodes"]}[mayor.pk] == (-321.5, 654.25)


def test_spreading_apart_leaves_no_two_actors_on_top_of_each_other_and_keeps_fixed_ones():
    stacked = [(0.0, 0.0)] * 6 + [(1.0, 0.0), (500.0, 500.0)]
    spread = spread_apart(stacked, fixed={7}, min_distance=20.0)
    assert spread[7] == (500.0, 500.0)
    assert min(distance(a, b) for i, a in enumerate(spread) for b in spread[i + 1 :]) >= 19.9


def test_a_warm_layout_moves_only_the_newcomer_and_its_neighbours():
    ring = [(i, (i + 1) % 30) for i in range(30)] + [(i, (i + 7) % 30) for i in range(0, 30, 3)]
    before = force_layout(30, ring)
    # Actor 30 is new, tied to actor 0; actor 5 is pinned and tied to 0 as well.
    edges = [*ring, (30, 0), (5, 0)]
    placed = [*before, None]
    after, moved = warm_layout(placed, edges, moving={30}, pinned={5})
    assert moved == {30, 0}
    for i in range(30):
        if i not in moved:
            assert after[i] == before[i]
    # Placed near the actor it is tied to, not on top of anyone.
    assert distance(after[30], after[0]) < distance(before[0], before[15])
    assert min(distance(after[30], after[i]) for i in range(30)) > 1.0


@pytest.mark.django_db
def test_after_the_first_run_an_edit_moves_no_pinned_actor_and_no_more_than_its_neighbours(
    coalition,
):
    actors = [
        ActorFactory(coalition=coalition, name=f"Group {i}", kind=ActorKind.GROUP)
        for i in range(12)
    ]
    for a, b in zip(actors, actors[1:], strict=False):
        TieFactory(coalition=coalition, source=a, target=b, strength=3)
    ActorPositionFactory(actor=actors[3], x=10.0, y=20.0, is_pinned=True)
    layout_compute(coalition_id=coalition.pk)
    before = dict(ActorPosition.objects.values_list("actor_id", "x"))

    newcomer = ActorFactory(coalition=coalition, name="Newcomer", kind=ActorKind.GROUP)
    TieFactory(coalition=coalition, source=newcomer, target=actors[3])  # pinned neighbour
    TieFactory(coalition=coalition, source=newcomer, target=actors[8])
    written = layout_compute(coalition_id=coalition.pk)

    after = dict(ActorPosition.objects.values_list("actor_id", "x"))
    changed = {a for a in before if after[a] != before[a]}
    assert changed <= {actors[8].pk, actors[7].pk, actors[9].pk}
    assert actors[3].pk not in changed and after[actors[3].pk] == 10.0
    assert newcomer.pk in after and written <= 4
    runs = list(LayoutRun.objects.filter(coalition=coalition).values_list("is_full", flat=True))
    assert sorted(runs) == [False, True]
