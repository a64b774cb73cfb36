"""Saved views of the map: filters, layout and camera kept under a name."""

import pytest

from networks.map.models import SavedView
from tests.api_helpers import patch, post, url

pytestmark = pytest.mark.django_db

VIEW = {
    "name": "Who to move",
    "filters": {"stance": ["neutral", "passive_opposition"], "min_strength": 2},
    "layout": "power",
    "size_by": "degree",
    "camera": {"x": 0.4, "y": 0.6, "ratio": 0.5},
}


def test_an_organizer_saves_a_view_and_a_member_opens_it(client_for, coalition):
    response = post(client_for("organizer"), url(coalition, "saved-views"), VIEW)
    assert response.status_code == 201, response.json()
    saved = response.json()
    assert saved["filters"] == {"stance": ["neutral", "passive_opposition"], "min_strength": "2"}
    assert saved["created_by"] == "organizer"
    listed = client_for("member").get(url(coalition, "saved-views")).json()["results"]
    assert [(v["name"], v["layout"]) for v in listed] == [("Who to move", "power")]


def test_a_filter_the_map_would_refuse_is_a_400_naming_it(client_for, coalition):
    client = client_for("organizer")
    bad = post(client, url(coalition, "saved-views"), {**VIEW, "filters": {"stance": ["sideways"]}})
    assert bad.status_code == 400 and "stance" in str(bad.json()["filters"])
    unknown = post(client, url(coalition, "saved-views"), {**VIEW, "filters": {"colour": "red"}})
    assert unknown.status_code == 400 and "colour" in str(unknown.json()["filters"])
    camera = post(client, url(coalition, "saved-views"), {**VIEW, "camera": {"x": "left"}})
    assert camera.status_code == 400 and "camera" in camera.json()


def test_two_views_of_a_coalition_cannot_share_a_name(client_for, coalition):
    client = client_for("organizer")
    assert post(client, url(coalition, "saved-views"), VIEW).status_code == 201
    again = post(client, url(coalition, "saved-views"), VIEW)
    assert again.status_code == 400 and "name" in again.json()


def test_a_stale_change_to_a_view_is_refused_with_who_changed_it(client_for, coalition):
    client = client_for("organizer")
    view_id = post(client, url(coalition, "saved-views"), VIEW).json()["id"]
    assert patch(client, url(coalition, "saved-views", view_id), {"name": "A"}).status_code == 200
    stale = patch(client, url(coalition, "saved-views", view_id), {"name": "B"}, if_match='"1"')
    assert stale.status_code == 412
    assert stale.json()["changed_by"] == "organizer"
    assert SavedView.objects.get(pk=view_id).name == "A"
