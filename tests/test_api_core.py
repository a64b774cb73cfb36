"""The API's core behaviours: safe concurrent edits, history and restore, personal and
sensitive data, bad input, coalitions and roles, tokens, query budgets."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from allies.models import Actor, ContactDetail
from coalitions.models import AuditEntry, Role
from coalitions.services import coalition_create
from networks.models import ActorPosition, InteractionParticipant, Tie
from tests.allies.factories import ActorFactory, AllyAssessmentFactory, ContactDetailFactory
from tests.networks.factories import InteractionFactory, TieFactory
from weft.vocabulary import ActorKind

pytestmark = pytest.mark.django_db


def api(coalition, resource, pk=None, action=None):
    base = f"/api/v1/coalitions/{coalition.pk}/{resource}/"
    if pk is not None:
        base += f"{pk}/"
    if action:
        base += f"{action}/"
    return base


def send(client, method, url, body=None, **headers):
    return client.generic(
        method, url, json.dumps(body or {}), content_type="application/json", **headers
    )


def org(coalition, name, **fields):
    return ActorFactory(coalition=coalition, name=name, kind=ActorKind.ORGANISATION, **fields)


# -- Safe concurrent edits ------------------------------------------------------------------


def test_a_stale_edit_gets_412_with_who_changed_what_and_nothing_is_overwritten(
    coalition, personas, client, django_user_model
):
    from django.test import Client

    church = org(coalition, "St Anne's")
    organizer, weaver = Client(), Client()
    organizer.force_login(personas["organizer"])
    weaver.force_login(personas["weaver"])
    url = api(coalition, "actors", church.pk)
    # Both load version 1.
    assert organizer.get(url)["ETag"] == '"1"' == weaver.get(url)["ETag"]

    first = send(organizer, "PATCH", url, {"name": "St Anne's Parish"}, HTTP_IF_MATCH='"1"')
    second = send(weaver, "PATCH", url, {"description": "Hosts meetings"}, HTTP_IF_MATCH='"1"')

    assert first.status_code == 200 and first["ETag"] == '"2"'
    assert second.status_code == 412
    conflict = second.json()
    assert conflict["current_version"] == 2
    assert conflict["changed_by"] == "organizer"
    assert conflict["changed_fields"] == ["name"]
    assert conflict["current"]["name"] == "St Anne's Parish"
    assert conflict["code"] == "stale_version" and "version" not in conflict  # no field list
    church.refresh_from_db()
    assert (church.name, church.description, church.version) == ("St Anne's Parish", "", 2)


def test_a_write_that_does_not_say_which_version_it_changes_is_refused(client_for, coalition):
    church = org(coalition, "St Anne's")
    response = send(
        client_for("organizer"), "PATCH", api(coalition, "actors", church.pk), {"name": "X"}
    )
    assert response.status_code == 428
    church.refresh_from_db()
    assert church.name == "St Anne's"


def test_a_version_field_in_the_body_works_like_if_match(client_for, coalition):
    church = org(coalition, "St Anne's")
    client = client_for("weaver")
    stale = send(client, "PATCH", api(coalition, "actors", church.pk), {"name": "X", "version": 7})
    fresh = send(client, "PATCH", api(coalition, "actors", church.pk), {"name": "Y", "version": 1})
    assert (stale.status_code, fresh.status_code) == (412, 200)


def test_a_stale_delete_deletes_nothing(client_for, coalition):
    church = org(coalition, "St Anne's")
    church.name = "Renamed"
    church.save()
    response = send(
        client_for("organizer"), "DELETE", api(coalition, "actors", church.pk), HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 412
    assert Actor.objects.filter(pk=church.pk).exists()


@pytest.mark.parametrize("if_match", ['"abc"', 'W/"x1"', '"7", "8"'])
def test_an_if_match_naming_no_current_version_gets_412_not_400(client_for, coalition, if_match):
    """RFC 9110 (13.1.1): a well-formed entity tag that is not the item's current one fails
    the precondition, whatever it names."""
    church = org(coalition, "St Anne's")
    url = api(coalition, "actors", church.pk)
    response = send(client_for("organizer"), "PATCH", url, {"name": "X"}, HTTP_IF_MATCH=if_match)
    assert response.status_code == 412
    assert response.json()["code"] == "stale_version"
    church.refresh_from_db()
    assert church.name == "St Anne's"


def test_if_match_star_changes_whatever_version_is_current(client_for, coalition):
    church = org(coalition, "St Anne's")
    church.description = "Moved on"
    church.save()
    url = api(coalition, "actors", church.pk)
    response = send(client_for("organizer"), "PATCH", url, {"name": "X"}, HTTP_IF_MATCH="*")
    assert response.status_code == 200 and response["ETag"] == '"3"'


def test_an_if_match_list_naming_the_current_version_applies(client_for, coalition):
    church = org(coalition, "St Anne's")
    url = api(coalition, "actors", church.pk)
    response = send(
        client_for("organizer"), "PATCH", url, {"name": "X"}, HTTP_IF_MATCH='"5", W/"1"'
    )
    assert response.status_code == 200
    church.refresh_from_db()
    assert church.name == "X"


# -- History and restore ----------------------------------------------------------------------


def test_history_lists_who_changed_which_fields_from_what_to_what(client_for, coalition):
    client = client_for("organizer")
    created = send(
        client, "POST", api(coalition, "actors"), {"name": "Union", "kind": "organisation"}
    )
    pk = created.json()["id"]
    send(
        client,
        "PATCH",
        api(coalition, "actors", pk),
        {"name": "Union Local 7"},
        HTTP_IF_MATCH='"1"',
    )

    entries = client.get(api(coalition, "actors", pk, "history")).json()

    assert [e["change"] for e in entries] == ["changed", "created"]
    assert entries[0]["changed_by"] == "organizer"
    assert entries[0]["changes"] == [{"field": "name", "old": "Union", "new": "Union Local 7"}]


def test_an_organizer_restores_an_earlier_version(client_for, coalition):
    client = client_for("organizer")
    pk = send(
        client, "POST", api(coalition, "actors"), {"name": "Union", "kind": "organisation"}
    ).json()["id"]
    send(client, "PATCH", api(coalition, "actors", pk), {"name": "Wrong"}, HTTP_IF_MATCH='"1"')
    first_version = client.get(api(coalition, "actors", pk, "history")).json()[-1]["history_id"]

    restored = send(
        client, "POST", api(coalition, "actors", pk, f"history/{first_version}/restore")
    )

    assert restored.status_code == 200
    assert restored.json()["name"] == "Union"
    assert restored.json()["version"] == 3  # a restore is a change like any other


def test_deleting_an_actor_removes_its_ties_and_restoring_it_brings_them_back(
    client_for, coalition
):
    client = client_for("organizer")
    union, church, mayor = (
        org(coalition, "Union"),
        org(coalition, "Church"),
        org(coalition, "Mayor"),
    )
    TieFactory(coalition=coalition, source=union, target=church, strength=4)
    TieFactory(coalition=coalition, source=mayor, target=union, kind="conflict")
    ContactDetailFactory(actor=union, kind="email", value="union@example.org")

    deleted = send(client, "DELETE", api(coalition, "actors", union.pk), HTTP_IF_MATCH='"1"')
    assert deleted.status_code == 204
    assert not Tie.objects.filter(coalition=coalition).exists()

    deletion = Actor.history.get(id=union.pk, history_type="-").history_id
    restored = send(
        client, "POST", api(coalition, "actors", union.pk, f"history/{deletion}/restore")
    )

    assert restored.status_code == 200
    assert sorted(Tie.objects.values_list("kind", "strength")) == [
        ("collaboration", 4),
        ("conflict", None),
    ]
    assert ContactDetail.objects.get(actor=union).value == "union@example.org"


def test_a_member_cannot_restore(client_for, coalition):
    union = org(coalition, "Union")
    record = union.history.first().history_id
    response = send(
        client_for("member"),
        "POST",
        api(coalition, "actors", union.pk, f"history/{record}/restore"),
    )
    assert response.status_code == 403


# -- Personal and sensitive data --------------------------------------------------------------


def test_contact_details_are_absent_not_empty_for_roles_without_access(client_for, coalition):
    person = ActorFactory(coalition=coalition, name="Ana Ruiz", kind=ActorKind.PERSON)
    ContactDetailFactory(actor=person, kind="phone", value="555-0100")
    url = api(coalition, "actors", person.pk)

    as_weaver = client_for("weaver").get(url).json()
    as_member = client_for("member").get(url).json()

    assert as_weaver["contact_details"][0]["value"] == "555-0100"
    assert "contact_details" not in as_member
    assert "555-0100" not in json.dumps(as_member)


def test_members_and_weavers_never_see_sensitive_actors_ties_or_interactions(client_for, coalition):
    open_org, hidden = (
        org(coalition, "Open"),
        org(coalition, "Undocumented tenants", is_sensitive=True),
    )
    other = org(coalition, "Other")
    TieFactory(coalition=coalition, source=open_org, target=hidden)
    TieFactory(coalition=coalition, source=open_org, target=other, is_sensitive=True)
    meeting = InteractionFactory(
        coalition=coalition, kind="one_to_one", occurred_on=datetime.date(2026, 1, 1)
    )
    InteractionParticipant.objects.bulk_create(
        [InteractionParticipant(interaction=meeting, actor=a) for a in (open_org, hidden)]
    )
    for persona in ("member", "weaver"):
        client = client_for(persona)
        names = [a["name"] for a in client.get(api(coalition, "actors")).json()["results"]]
        assert "Undocumented tenants" not in names
        assert client.get(api(coalition, "actors", hidden.pk)).status_code == 404
        assert client.get(api(coalition, "ties")).json()["count"] == 0
        assert client.get(api(coalition, "interactions")).json()["count"] == 0
        graph = client.get(f"/api/v1/coalitions/{coalition.pk}/map/").json()
        assert hidden.pk not in [n["id"] for n in graph["nodes"]] and graph["edges"] == []
    organizer = client_for("organizer")
    assert organizer.get(api(coalition, "ties")).json()["count"] == 2


def test_a_member_edits_their_own_organisation_only(client_for, coalition, member_org):
    other = org(coalition, "Other")
    client = client_for("member")
    own = send(
        client,
        "PATCH",
        api(coalition, "actors", member_org.pk),
        {"description": "Ours"},
        HTTP_IF_MATCH='"1"',
    )
    theirs = send(
        client,
        "PATCH",
        api(coalition, "actors", other.pk),
        {"description": "No"},
        HTTP_IF_MATCH='"1"',
    )
    assert (own.status_code, theirs.status_code) == (200, 403)


def test_a_member_records_ties_of_their_own_organisation_only(client_for, coalition, member_org):
    a, b = org(coalition, "A"), org(coalition, "B")
    client = client_for("member")
    own = send(client, "POST", api(coalition, "ties"), {"source": member_org.pk, "target": a.pk})
    theirs = send(client, "POST", api(coalition, "ties"), {"source": a.pk, "target": b.pk})
    assert (own.status_code, theirs.status_code) == (201, 403)


# -- Bad input --------------------------------------------------------------------------------


@pytest.fixture
def pair(coalition):
    return org(coalition, "A"), org(coalition, "B")


@pytest.mark.parametrize(
    "body,field",
    [
        ({"strength": 0}, "strength"),
        ({"strength": 6}, "strength"),
        ({"started_on": "2026-05-01", "ended_on": "2026-04-01"}, "ended_on"),
        ({"kind": "friendship"}, "kind"),
        ({"started_on": "yesterday"}, "started_on"),
    ],
)
def test_a_bad_tie_gets_400_naming_the_field(client_for, coalition, pair, body, field):
    a, b = pair
    response = send(
        client_for("organizer"),
        "POST",
        api(coalition, "ties"),
        {"source": a.pk, "target": b.pk, **body},
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not Tie.objects.exists()


def test_a_tie_to_an_actor_of_another_coalition_is_400_not_500(
    client_for, coalition, pair, make_user
):
    elsewhere = coalition_create(name="Elsewhere", created_by=make_user("someone"))
    stranger = org(elsewhere, "Stranger")
    a, _ = pair
    response = send(
        client_for("organizer"),
        "POST",
        api(coalition, "ties"),
        {"source": a.pk, "target": stranger.pk},
    )
    assert response.status_code == 400
    assert "target" in response.json()


def test_unknown_ids_and_a_self_tie_are_named(client_for, coalition, pair):
    a, _ = pair
    client = client_for("organizer")
    unknown = send(client, "POST", api(coalition, "ties"), {"source": a.pk, "target": 999999})
    itself = send(client, "POST", api(coalition, "ties"), {"source": a.pk, "target": a.pk})
    assert unknown.status_code == 400 and "target" in unknown.json()
    assert itself.status_code == 400 and "target" in itself.json()


@pytest.mark.parametrize(
    "query,field",
    [
        ("as_of=2026-02-30", "as_of"),
        ("as_of=tomorrow", "as_of"),
        ("stance=lukewarm", "stance"),
        ("min_strength=9", "min_strength"),
        ("kind=tribe", "kind"),
    ],
)
def test_bad_map_filters_get_400_naming_the_parameter(client_for, coalition, query, field):
    response = client_for("organizer").get(f"/api/v1/coalitions/{coalition.pk}/map/?{query}")
    assert response.status_code == 400
    assert field in response.json()


def test_an_unknown_list_filter_value_is_400(client_for, coalition):
    response = client_for("organizer").get(api(coalition, "actors") + "?kind=tribe")
    assert response.status_code == 400
    assert "kind" in response.json()


def test_a_malformed_if_match_is_400(client_for, coalition):
    church = org(coalition, "Church")
    response = send(
        client_for("organizer"),
        "PATCH",
        api(coalition, "actors", church.pk),
        {"name": "X"},
        HTTP_IF_MATCH="banana",
    )
    assert response.status_code == 400
    assert "If-Match" in response.json()


def test_page_size_is_capped_at_1000(client_for, coalition):
    Actor.objects.bulk_create(
        [Actor(coalition=coalition, name=f"G{i}", kind="group") for i in range(3)]
    )
    body = (
        client_for("organizer")
        .get(api(coalition, "actors") + "?page_size=5000&ordering=name")
        .json()
    )
    assert body["count"] == 4  # with the member organisation
    assert len(body["results"]) == 4


# -- Map --------------------------------------------------------------------------------------


def test_the_map_as_of_a_past_date_uses_that_days_assessment_and_ties(client_for, coalition):
    church, union = org(coalition, "Church"), org(coalition, "Union")
    for day, stance in (
        (datetime.date(2025, 1, 1), "neutral"),
        (datetime.date(2026, 1, 1), "active_ally"),
    ):
        AllyAssessmentFactory(
            actor=church,
            stance=stance,
            ally_kind="natural",
            influence=3,
            proximity=3,
            commitment=3,
            assessed_on=day,
        )
    TieFactory(
        coalition=coalition,
        source=church,
        target=union,
        started_on=datetime.date(2025, 6, 1),
        ended_on=datetime.date(2025, 12, 31),
    )
    client = client_for("organizer")

    def view(query):
        graph = client.get(f"/api/v1/coalitions/{coalition.pk}/map/{query}").json()
        stance = {n["id"]: n["stance"] for n in graph["nodes"]}[church.pk]
        return stance, len(graph["edges"])

    assert view("?as_of=2025-03-01") == ("neutral", 0)
    assert view("?as_of=2025-07-01") == ("neutral", 1)
    assert view("?as_of=2026-03-01") == ("active_ally", 0)
    # Today's map keeps ended ties (with their end date) so the map can draw them as ended.
    assert view("") == ("active_ally", 1)


def test_the_map_is_compressed_for_clients_that_accept_it(client_for, coalition):
    Actor.objects.bulk_create(
        [Actor(coalition=coalition, name=f"Group {i}", kind="group") for i in range(200)]
    )
    response = client_for("organizer").get(
        f"/api/v1/coalitions/{coalition.pk}/map/", HTTP_ACCEPT_ENCODING="gzip"
    )
    assert response["Content-Encoding"] == "gzip"


# -- Coalitions, roles and tokens -------------------------------------------------------------


def test_anyone_signed_in_creates_a_coalition_and_becomes_its_steward(client_for, coalition):
    response = send(
        client_for("outsider"), "POST", "/api/v1/coalitions/", {"name": "Clean Air Now"}
    )
    assert response.status_code == 201
    assert response.json()["role"] == "steward"
    created = response.json()["id"]
    assert Role.objects.get(coalition_id=created, revoked_at__isnull=True).role == "steward"


def test_a_coalition_needs_a_name(client_for):
    response = send(client_for("outsider"), "POST", "/api/v1/coalitions/", {"name": "  "})
    assert response.status_code == 400 and "name" in response.json()


def test_only_stewards_change_the_privacy_policy(client_for, coalition):
    url = f"/api/v1/coalitions/{coalition.pk}/"
    organizer = send(
        client_for("organizer"),
        "PATCH",
        url,
        {"reports_small_count_threshold": 5},
        HTTP_IF_MATCH='"1"',
    )
    steward = send(
        client_for("steward"),
        "PATCH",
        url,
        {"reports_small_count_threshold": 5},
        HTTP_IF_MATCH='"1"',
    )
    assert (organizer.status_code, steward.status_code) == (403, 200)
    assert AuditEntry.objects.filter(coalition=coalition, action="privacy_changed").count() == 1


def test_role_changes_are_audited_and_the_last_steward_stays(client_for, coalition, personas):
    client = client_for("steward")
    weaver_role = Role.objects.get(user=personas["weaver"], revoked_at__isnull=True)
    changed = send(client, "PATCH", api(coalition, "roles", weaver_role.pk), {"role": "organizer"})
    assert changed.status_code == 200
    assert Role.objects.get(user=personas["weaver"], revoked_at__isnull=True).role == "organizer"
    assert AuditEntry.objects.filter(
        action="role_changed", details__user_id=personas["weaver"].pk
    ).exists()

    own = Role.objects.get(user=personas["steward"], revoked_at__isnull=True)
    last = send(client, "DELETE", api(coalition, "roles", own.pk))
    assert last.status_code == 409
    assert "steward" in last.json()["detail"]


def test_scripts_use_a_token(client, personas, coalition):
    from tests.conftest import PASSWORD

    token = client.post(
        "/api/v1/auth/token/", {"username": "organizer", "password": PASSWORD}
    ).json()["token"]
    client.logout()
    response = client.get("/api/v1/coalitions/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    assert [c["name"] for c in response.json()["results"]] == [coalition.name]


def test_the_openapi_schema_and_docs_are_served(client_for):
    client = client_for("organizer")
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    paths = json.loads(schema.content)["paths"]
    assert "/api/v1/coalitions/{coalition_id}/map/" in paths
    assert client.get("/api/docs/").status_code == 200


# -- Query budgets ----------------------------------------------------------------------------


def grow(coalition, n, start):
    actors = Actor.objects.bulk_create(
        [Actor(coalition=coalition, name=f"Org {start + i}", kind="organisation") for i in range(n)]
    )
    for actor in actors:
        AllyAssessmentFactory(
            actor=actor,
            stance="neutral",
            ally_kind="natural",
            influence=2,
            proximity=2,
            commitment=2,
            assessed_on=datetime.date(2026, 1, 1),
        )
        ContactDetailFactory(actor=actor, kind="email", value=f"{actor.pk}@example.org")
        actor.tags.create(coalition=coalition, name=f"tag {actor.pk}")
    for a, b in zip(actors, actors[1:], strict=False):
        TieFactory(coalition=coalition, source=a, target=b)
        meeting = InteractionFactory(
            coalition=coalition, kind="communication", occurred_on=datetime.date(2026, 2, 1)
        )
        InteractionParticipant.objects.bulk_create(
            [InteractionParticipant(interaction=meeting, actor=x) for x in (a, b)]
        )


@pytest.mark.parametrize(
    "path", ["actors/", "ties/", "interactions/", "assessments/", "contact-details/", "map/"]
)
def test_lists_and_the_map_run_a_constant_number_of_queries(client_for, coalition, path):
    client = client_for("organizer")
    url = f"/api/v1/coalitions/{coalition.pk}/{path}"

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    grow(coalition, 3, 0)
    small = count()
    grow(coalition, 12, 100)
    assert count() == small


def test_the_map_answers_in_seven_queries_with_a_session(
    client_for, coalition, django_assert_num_queries
):
    grow(coalition, 4, 0)
    client = client_for("organizer")
    # session, user, role and coalition, the map's version (its ETag: one query of counts,
    # added in issue #24 so that an unchanged map is a 304 without being built), actors with
    # assessments and positions, ties, interactions (for the inferred relationships; the
    # declared pairs are the ties read)
    with django_assert_num_queries(7):
        client.get(f"/api/v1/coalitions/{coalition.pk}/map/")
    # Without inferred relationships drawn (the default, said again): the same map, answered
    # from the one kept under its version (#24), with no actor, tie or interaction read.
    with django_assert_num_queries(4):
        response = client.get(f"/api/v1/coalitions/{coalition.pk}/map/?inferred=false")
    assert not any(edge["inferred"] for edge in response.json()["edges"])
    # Drawn: another map, built (the interactions are read either way: the page says how many
    # inferred relationships it hides).
    with django_assert_num_queries(7):
        client.get(f"/api/v1/coalitions/{coalition.pk}/map/?inferred=true")
    # A member does not see every tie: one more query finds the pairs they may not see.
    member = client_for("member")
    with django_assert_num_queries(8):
        member.get(f"/api/v1/coalitions/{coalition.pk}/map/")


def test_an_unchanged_map_is_not_sent_again(client_for, coalition, django_assert_num_queries):
    """The map carries an ETag; asked again with it, an unchanged map is a 304 without a body
    (and without being built: session, user, role, version); any change to what the map
    shows is a new ETag and the whole map again."""
    grow(coalition, 4, 0)
    client = client_for("organizer")
    url = f"/api/v1/coalitions/{coalition.pk}/map/"
    first = client.get(url)
    etag = first["ETag"]
    assert first.status_code == 200 and etag.startswith('"')
    assert "no-cache" in first["Cache-Control"]
    with django_assert_num_queries(4):
        again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag
    # The gzip layer makes the tag weak; a weak tag matches too.
    zipped = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert zipped["ETag"] == "W/" + etag
    assert client.get(url, HTTP_IF_NONE_MATCH=zipped["ETag"]).status_code == 304
    # Other filters, another role: other maps.
    assert client.get(url + "?inferred=true", HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert client_for("member").get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200

    def changed() -> bool:
        response = client.get(url, HTTP_IF_NONE_MATCH=etag)
        return response.status_code == 200 and response["ETag"] != etag

    actor = Actor.objects.filter(coalition=coalition).first()
    actor.name = "Renamed"
    actor.save()
    assert changed()
    etag = client.get(url)["ETag"]
    AllyAssessmentFactory(actor=actor, stance="active_ally", assessed_on=datetime.date(2026, 3, 1))
    assert changed()
    etag = client.get(url)["ETag"]
    Tie.objects.filter(coalition=coalition).first().delete()
    assert changed()
    etag = client.get(url)["ETag"]
    ActorPosition.objects.create(actor=actor, x=1.0, y=2.0)
    assert changed()
    etag = client.get(url)["ETag"]
    other = Actor.objects.filter(coalition=coalition).exclude(pk=actor.pk).last()
    InteractionParticipant.objects.create(
        interaction=InteractionParticipant.objects.filter(actor=actor).first().interaction,
        actor=other,
    )
    assert changed()
    etag = client.get(url)["ETag"]
    Actor.objects.filter(pk=actor.pk).delete()
    assert changed()


def test_an_unchanged_map_is_built_once_for_every_reader(
    client_for, coalition, django_assert_num_queries
):
    """A second reader with no ETag gets the map built for the first (kept under its
    version): no actor, tie or interaction is read again. A change makes a new version, and
    the next reader gets the change; a role that sees less never gets another role's map."""
    grow(coalition, 4, 0)
    hidden = ActorFactory(coalition=coalition, name="Quiet Ally", is_sensitive=True)
    url = f"/api/v1/coalitions/{coalition.pk}/map/"
    first = client_for("organizer").get(url).content
    assert b"Quiet Ally" in first
    steward = client_for("steward")
    # session, user, role and coalition, the map's version: nothing else.
    with django_assert_num_queries(4):
        again = steward.get(url)
    assert again.content == first
    assert b"Quiet Ally" not in client_for("member").get(url).content

    hidden.name = "Quiet Friend"
    hidden.save()
    changed = client_for("steward").get(url).content  # one test client: sign in again
    assert b"Quiet Friend" in changed and b"Quiet Ally" not in changed


def test_a_deleted_tie_is_restored_from_its_history(client_for, coalition, pair):
    a, b = pair
    client = client_for("weaver")
    tie = send(
        client, "POST", api(coalition, "ties"), {"source": a.pk, "target": b.pk, "strength": 2}
    ).json()
    assert (
        send(client, "DELETE", api(coalition, "ties", tie["id"]), HTTP_IF_MATCH='"1"').status_code
        == 204
    )
    deletion = Tie.history.get(id=tie["id"], history_type="-").history_id

    restored = send(
        client, "POST", api(coalition, "ties", tie["id"], f"history/{deletion}/restore")
    )

    assert restored.status_code == 200
    assert Tie.objects.get(pk=tie["id"]).strength == 2
    entries = client.get(api(coalition, "ties", tie["id"], "history")).json()
    assert [e["change"] for e in entries] == ["created", "deleted", "created"]


def test_a_map_filter_drops_the_ties_of_the_actors_it_hides(client_for, coalition):
    union, church = org(coalition, "Union"), org(coalition, "Church")
    person = ActorFactory(coalition=coalition, name="Rosa", kind=ActorKind.PERSON)
    TieFactory(coalition=coalition, source=union, target=church)
    TieFactory(coalition=coalition, source=union, target=person)
    graph = (
        client_for("organizer")
        .get(f"/api/v1/coalitions/{coalition.pk}/map/?kind=organisation")
        .json()
    )
    assert person.pk not in {n["id"] for n in graph["nodes"]}
    assert [(e["source"], e["target"]) for e in graph["edges"]] == [(union.pk, church.pk)]


def test_writes_are_throttled_per_user_and_reads_are_not(client_for, coalition, monkeypatch):
    from weft.throttles import WriteThrottle

    monkeypatch.setattr(WriteThrottle, "THROTTLE_RATES", {"writes": "2/min"})
    client = client_for("organizer")
    statuses = [
        send(
            client, "POST", api(coalition, "actors"), {"name": f"G{i}", "kind": "group"}
        ).status_code
        for i in range(3)
    ]
    assert statuses == [201, 201, 429]
    assert client.get(api(coalition, "actors")).status_code == 200
