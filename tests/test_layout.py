"""The server-side map layout: pure function, service, and queuing after commit."""

import math

import pytest

from allies.models import Actor, ActorKind
from networks.layout import Pinned, force_layout
from networks.models import ActorPosition, Tie
from networks.services import layout_compute, layout_request


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
        Actor.objects.create(coalition=coalition, name=f"Group {i}", kind=ActorKind.GROUP)
        for i in range(5)
    ]
    for a, b in zip(actors, actors[1:], strict=False):
        Tie.objects.create(coalition=coalition, source=a, target=b, strength=4)
    ActorPosition.objects.create(actor=actors[0], x=10.0, y=20.0, is_pinned=True)

    written = layout_compute(coalition_id=coalition.pk)

    assert written == 4
    assert ActorPosition.objects.filter(actor__coalition=coalition).count() == 5
    pinned = ActorPosition.objects.get(actor=actors[0])
    assert (pinned.x, pinned.y, pinned.is_pinned) == (10.0, 20.0, True)


@pytest.mark.django_db
def test_a_layout_is_queued_only_once_the_edit_commits(
    coalition, django_capture_on_commit_callbacks, tasks_in_process
):
    Actor.objects.create(coalition=coalition, name="Solo", kind=ActorKind.GROUP)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        layout_request(coalition_id=coalition.pk)
    assert len(callbacks) == 1
    assert not ActorPosition.objects.exists()
    callbacks[0]()  # the commit happens; the task runs in-process here
    assert ActorPosition.objects.filter(actor__coalition=coalition).count() == 1
