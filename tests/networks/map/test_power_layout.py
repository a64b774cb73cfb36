"""The power-map layout: stance across, influence up, computed on the server."""

import datetime

import pytest

from networks.graph.layout import POWER_COLUMN, POWER_ROW, UNASSESSED_COLUMN, power_layout
from tests.allies.factories import ActorFactory, AllyAssessmentFactory
from tests.api_helpers import url
from weft.vocabulary import ActorKind


def test_each_actor_sits_in_the_cell_of_its_stance_and_influence():
    (ally,), (opponent,) = power_layout([(2, 5)]), power_layout([(-2, 1)])
    assert ally == (2 * POWER_COLUMN, 5 * POWER_ROW)
    assert opponent == (-2 * POWER_COLUMN, 1 * POWER_ROW)


def test_actors_sharing_a_cell_do_not_overlap_and_stay_in_it():
    placed = power_layout([(0, 3)] * 40)
    assert len(set(placed)) == 40
    for x, y in placed:
        assert abs(x) < POWER_COLUMN / 2 and abs(y - 3 * POWER_ROW) < POWER_ROW / 2


def test_the_unassessed_stand_apart_and_the_same_data_draws_the_same_map():
    cells = [(None, None), (1, 2), (None, 4)]
    assert power_layout(cells) == power_layout(cells)
    assert power_layout(cells)[0][0] == UNASSESSED_COLUMN * POWER_COLUMN


@pytest.mark.django_db
def test_the_map_endpoint_answers_the_power_layout(client_for, coalition, personas):
    mayor = ActorFactory(coalition=coalition, name="Mayor", kind=ActorKind.OFFICIAL)
    AllyAssessmentFactory(
        actor=mayor,
        stance="active_opposition",
        ally_kind="strategic",
        influence=5,
        proximity=5,
        commitment=1,
        assessed_on=datetime.date(2026, 1, 1),
    )
    response = client_for("member").get(url(coalition, "map") + "?layout=power")
    assert response.status_code == 200
    node = next(n for n in response.json()["nodes"] if n["id"] == mayor.pk)
    assert (node["x"], node["y"]) == (-2 * POWER_COLUMN, 5 * POWER_ROW)
    bad = client_for("member").get(url(coalition, "map") + "?layout=spiral")
    assert bad.status_code == 400 and "layout" in bad.json()
