"""The live map (issue #22): an open map asks what changed since its cursor and gets a 304
when nothing did, or the changed actors and ties as its role sees them, with who changed
them; and who else has the map open.

Each answer also repeats what changed in the ten seconds before the cursor (networks/map/
live.py, OVERLAP), so rows the fixtures have just made may come again: the tests look for
the rows they changed, and for the absence of the rows a role may not see."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from networks.map import presence
from networks.map.live import Cursor
from tests.allies.factories import ActorFactory
from tests.networks.factories import TieFactory

pytestmark = pytest.mark.django_db

HEADER = "Weft-Map-Cursor"
PRESENT = "Weft-Map-Present"


@pytest.fixture(autouse=True)
def nobody_present(settings):
    settings.REDIS_URL = ""
    presence.forget_local()
    presence._down_until = 0.0
    presence._client = None
    yield
    presence.forget_local()
    presence._client = None
    presence._down_until = 0.0


@pytest.fixture
def signed_in(personas):
    """A separate signed-in browser per persona: two people on one map."""

    def make(name: str) -> Client:
        client = Client()
        client.force_login(personas[name])
        return client

    return make


def api(coalition, path=""):
    return f"/api/v1/coalitions/{coalition.pk}/{path}"


def changes(client, coalition, since, **params):
    query = {"since": since, **params} if since is not None else params
    return client.get(api(coalition, "map/changes/"), query)


def settled_cursor(client, coalition):
    """Open the map, then poll until the answer is a 304: a viewer with nothing new."""
    since = client.get(api(coalition, "map/"))[HEADER]
    for _ in range(3):
        response = changes(client, coalition, since)
        since = response[HEADER]
        if response.status_code == 304:
            return since
    raise AssertionError("the map never settled")


def test_an_unchanged_map_answers_304_without_a_body_and_with_a_fresh_cursor(
    signed_in, coalition, member_org
):
    viewer = signed_in("organizer")
    since = settled_cursor(viewer, coalition)
    again = changes(viewer, coalition, since)
    assert again.status_code == 304
    assert again.content == b""
    assert Cursor.parse(again[HEADER]).at > Cursor.parse(since).at


def test_another_users_new_actor_tie_and_assessment_reach_the_viewer_marked_with_who(
    signed_in, coalition, member_org
):
    viewer, editor = signed_in("organizer"), signed_in("weaver")
    since = settled_cursor(viewer, coalition)
    created = editor.post(
        api(coalition, "actors/"),
        {"name": "Allied Clinic", "kind": "organisation"},
        "application/json",
    ).json()
    tie = editor.post(
        api(coalition, "ties/"),
        {"source": member_org.pk, "target": created["id"], "kind": "collaboration", "strength": 4},
        "application/json",
    ).json()
    editor.post(
        api(coalition, "assessments/"),
        {
            "actor": created["id"],
            "stance": "passive_ally",
            "ally_kind": "natural",
            "influence": 4,
            "proximity": 2,
            "commitment": 3,
            "assessed_on": str(timezone.localdate()),
        },
        "application/json",
    )

    response = changes(viewer, coalition, since)

    assert response.status_code == 200
    body = response.json()
    actors = {actor["id"]: actor for actor in body["actors"]}
    assert actors[created["id"]]["name"] == "Allied Clinic"
    assert actors[created["id"]]["stance"] == "passive_ally"
    assert actors[created["id"]]["changed_by"] == "weaver"
    [edge] = body["ties"]
    assert (edge["id"], edge["source"], edge["target"], edge["strength"]) == (
        tie["id"],
        member_org.pk,
        created["id"],
        4,
    )
    assert edge["changed_by"] == "weaver"
    assert body["removed_actors"] == body["removed_ties"] == []
    # The next poll with the cursor it was given: nothing new.
    assert changes(viewer, coalition, response[HEADER]).status_code == 304


def test_a_drag_and_deletions_reach_the_viewer(signed_in, coalition, member_org):
    clinic = ActorFactory(coalition=coalition, name="Clinic")
    school = ActorFactory(coalition=coalition, name="School")
    tie = TieFactory(coalition=coalition, source=member_org, target=school)
    viewer, editor = signed_in("organizer"), signed_in("steward")
    since = settled_cursor(viewer, coalition)

    editor.put(
        api(coalition, f"positions/{clinic.pk}/"), {"x": 12.5, "y": -4.0}, "application/json"
    )
    deleted = editor.delete(api(coalition, f"actors/{school.pk}/"), HTTP_IF_MATCH='"1"')
    assert deleted.status_code == 204
    body = changes(viewer, coalition, since).json()

    [moved] = [actor for actor in body["actors"] if actor["id"] == clinic.pk]
    assert (moved["id"], moved["x"], moved["y"], moved["changed_by"]) == (
        clinic.pk,
        12.5,
        -4.0,
        "steward",
    )
    assert [(r["id"], r["changed_by"]) for r in body["removed_actors"]] == [(school.pk, "steward")]
    assert [r["id"] for r in body["removed_ties"]] == [tie.pk]


def test_a_member_never_learns_of_a_sensitive_actor_or_tie_but_loses_one_made_sensitive(
    signed_in, coalition, member_org
):
    known = ActorFactory(coalition=coalition, name="Known Ally")
    secret = ActorFactory(coalition=coalition, name="Safe House", is_sensitive=True)
    member, organizer = signed_in("member"), signed_in("organizer")
    since = settled_cursor(member, coalition)

    hidden = organizer.post(
        api(coalition, "actors/"),
        {"name": "Informant", "kind": "person", "is_sensitive": True},
        "application/json",
    ).json()
    organizer.post(
        api(coalition, "ties/"),
        {"source": member_org.pk, "target": hidden["id"], "kind": "collaboration"},
        "application/json",
    )
    organizer.delete(api(coalition, f"actors/{secret.pk}/"), HTTP_IF_MATCH='"1"')
    made_secret = organizer.patch(
        api(coalition, f"actors/{known.pk}/"),
        {"is_sensitive": True},
        "application/json",
        HTTP_IF_MATCH='"1"',
    )
    assert made_secret.status_code == 200

    body = changes(member, coalition, since).json()
    assert {a["name"] for a in body["actors"]} <= {"Tenants Union"}  # made before the cursor
    assert body["ties"] == body["removed_ties"] == []
    # The actor it could see went from its map; the ones it never saw are not named.
    assert [r["id"] for r in body["removed_actors"]] == [known.pk]
    # An organizer sees the new sensitive actor and tie, and the deletion.
    seen = changes(organizer, coalition, since).json()
    assert {"Informant", "Known Ally"} <= {a["name"] for a in seen["actors"]}
    assert len(seen["ties"]) == 1
    assert [r["id"] for r in seen["removed_actors"]] == [secret.pk]


def test_changes_follow_the_filters_of_the_map_on_screen(signed_in, coalition, member_org):
    viewer, editor = signed_in("organizer"), signed_in("weaver")
    since = settled_cursor(viewer, coalition)
    editor.post(
        api(coalition, "actors/"), {"name": "Mayor", "kind": "official"}, "application/json"
    )
    only_orgs = changes(viewer, coalition, since, kind="organisation").json()
    # An official is not on a map of organisations.
    assert "Mayor" not in {a["name"] for a in only_orgs["actors"]}
    assert "Mayor" in {a["name"] for a in changes(viewer, coalition, since).json()["actors"]}


def test_who_else_has_the_map_open_comes_with_every_answer(signed_in, coalition, member_org):
    organizer, member = signed_in("organizer"), signed_in("member")
    since = settled_cursor(organizer, coalition)
    assert changes(organizer, coalition, since)[PRESENT] == ""  # nobody else yet
    joined = changes(member, coalition, None)
    assert joined.json()["present"] == ["organizer"]
    assert joined[PRESENT] == "organizer"
    # The organizer's map did not change: a 304, which still says who came.
    seen = changes(organizer, coalition, since)
    assert seen.status_code == 304
    assert seen[PRESENT] == "member"


def test_presence_is_unknown_but_changes_still_arrive_when_redis_is_away(
    signed_in, coalition, member_org, settings
):
    settings.REDIS_URL = "redis://127.0.0.1:9/0"  # nothing listens there
    viewer, editor = signed_in("organizer"), signed_in("weaver")
    since = viewer.get(api(coalition, "map/"))[HEADER]
    # Nothing changed: a 304, and who else is here is unknown ("?").
    first = changes(viewer, coalition, since)
    assert first.status_code == 304 and first[PRESENT] == "?"
    since = first[HEADER]
    editor.post(
        api(coalition, "actors/"), {"name": "Food Bank", "kind": "organisation"}, "application/json"
    )
    body = changes(viewer, coalition, since).json()
    assert "Food Bank" in {a["name"] for a in body["actors"]}
    assert body["present"] is None


def test_a_cursor_from_long_ago_asks_for_a_reload(signed_in, coalition, member_org):
    viewer, editor = signed_in("organizer"), signed_in("weaver")
    since = Cursor.parse(settled_cursor(viewer, coalition))
    old = Cursor(at=since.at - datetime.timedelta(hours=2), map=since.map)
    editor.post(
        api(coalition, "actors/"), {"name": "Library", "kind": "organisation"}, "application/json"
    )
    body = changes(viewer, coalition, str(old)).json()
    assert body["reload"] is True and body["actors"] == []


def test_a_cursor_the_map_did_not_give_is_a_400_naming_since(signed_in, coalition):
    response = changes(signed_in("organizer"), coalition, "yesterday")
    assert response.status_code == 400
    assert "since" in response.json()


def test_an_unchanged_poll_costs_a_fixed_number_of_queries(
    signed_in, coalition, member_org, django_assert_num_queries
):
    ActorFactory.create_batch(5, coalition=coalition)
    viewer = signed_in("member")
    since = settled_cursor(viewer, coalition)
    # The session, its user, the role with its coalition (access), the map's version.
    with django_assert_num_queries(4):
        assert changes(viewer, coalition, since).status_code == 304
