"""The pillars and proximities API: the same services as the pages, the same refusals."""

import pytest

from coalitions.align.models import Pillar, PillarProximity
from coalitions.services import coalition_create
from tests.allies.factories import ActorFactory
from tests.api_helpers import patch, post, url
from tests.coalitions.factories import PillarFactory, PillarProximityFactory, TargetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def target(coalition):
    mayor = ActorFactory(coalition=coalition, name="Mayor Draycott", kind="official")
    return TargetFactory(coalition=coalition, actor=mayor)


def test_a_weaver_adds_a_pillar_by_actor_and_records_a_proximity(client_for, coalition, target):
    chamber = ActorFactory(coalition=coalition, name="Chamber", kind="organisation")
    ana = ActorFactory(coalition=coalition, name="Ana Ruiz", kind="person")
    weaver = client_for("weaver")
    response = post(weaver, url(coalition, "pillars"), {"target": target.pk, "actor": chamber.pk})
    assert response.status_code == 201, response.content
    assert response.json()["name"] == "Chamber" and response["ETag"] == '"1"'
    pillar = Pillar.objects.get()
    response = post(
        weaver,
        url(coalition, "pillar-proximities"),
        {"pillar": pillar.pk, "actor": ana.pk, "proximity": 2},
    )
    assert response.status_code == 201, response.content
    row = PillarProximity.objects.get()
    assert (
        patch(weaver, url(coalition, "pillar-proximities", row.pk), {"proximity": 4}).status_code
        == 200
    )
    stale = patch(weaver, url(coalition, "pillar-proximities", row.pk), {"proximity": 5})
    assert stale.status_code == 412 and "weaver" in stale.json()["detail"]
    row.refresh_from_db()
    assert row.proximity == 4
    support = weaver.get(url(coalition, "targets", extra="support") + f"?actor={ana.pk}").json()
    assert [(p["pillar_name"], p["proximity"]) for p in support["proximities"]] == [("Chamber", 4)]
    support = weaver.get(url(coalition, "targets", extra="support") + f"?actor={target.actor_id}")
    assert support.json()["targets"][0]["near"] == [ana.pk]


def test_bad_pillars_and_proximities_are_400_naming_the_field(
    client_for, coalition, target, make_user
):
    theirs = coalition_create(name="Elsewhere", created_by=make_user("far"), cause="x")
    stranger = ActorFactory(coalition=theirs, name="Stranger", kind="organisation")
    weaver = client_for("weaver")
    refused = post(weaver, url(coalition, "pillars"), {"target": target.pk, "actor": stranger.pk})
    assert refused.status_code == 400 and "actor" in refused.json()
    refused = post(weaver, url(coalition, "pillars"), {"target": target.pk, "name": " "})
    assert refused.status_code == 400 and refused.json()["field"] == "name"
    assert not Pillar.objects.exists()
    pillar = PillarFactory(target=target, name="Press")
    refused = post(
        weaver,
        url(coalition, "pillar-proximities"),
        {"pillar": pillar.pk, "actor": stranger.pk, "proximity": 3},
    )
    assert refused.status_code == 400 and "actor" in refused.json()
    refused = post(
        weaver,
        url(coalition, "pillar-proximities"),
        {"pillar": pillar.pk, "actor": target.actor_id, "proximity": 6},
    )
    assert refused.status_code == 400 and "proximity" in refused.json()
    assert not PillarProximity.objects.exists()


def test_a_proximity_of_a_sensitive_actor_is_hidden_from_a_weaver(
    client_for, coalition, target, hidden
):
    row = PillarProximityFactory(pillar=PillarFactory(target=target), actor=hidden)
    assert client_for("weaver").get(url(coalition, "pillar-proximities", row.pk)).status_code == 404
    assert (
        client_for("organizer").get(url(coalition, "pillar-proximities", row.pk)).status_code == 200
    )
    support = client_for("weaver").get(
        url(coalition, "targets", extra="support") + f"?actor={hidden.pk}"
    )
    assert support.status_code == 404
