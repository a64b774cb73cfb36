"""The workflow API: targets, memberships, unity statements and signatures, principles and
endorsements, working groups and their members, actions, wins and climate shifts.

Every resource is created, listed, changed with a stale version and written by a member
through real URLs; then each resource's own rules.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coalitions.align.models import (
    Endorsement,
    StatementStatus,
    StatementVersion,
    UnityStatement,
)
from coalitions.connect.models import Membership, PhaseMove
from coalitions.produce.models import Action, GroupMember, Win, WorkingGroup
from coalitions.services import coalition_create
from tests.allies.factories import ActorFactory
from tests.api_helpers import patch, post, url
from tests.coalitions.factories import (
    ActionFactory,
    EndorsementFactory,
    PrincipleFactory,
    SignatureFactory,
    StatementVersionFactory,
    TargetFactory,
    UnityStatementFactory,
    WorkingGroupFactory,
)
from weft.vocabulary import ActorKind

pytestmark = pytest.mark.django_db

MEMBER_FIELDS = {"id", "statement", "statement_version", "version_number", "organisation_name"}
SIGNER_FIELDS = {"signer_name", "signer_title", "signer_email"}


# ---------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture
def elsewhere(make_user):
    """An actor of another coalition."""
    other = coalition_create(name="Elsewhere", created_by=make_user("other-steward"))
    return ActorFactory(coalition=other, name="Far Org", kind=ActorKind.ORGANISATION)


@pytest.fixture
def principle(coalition):
    return PrincipleFactory(coalition=coalition, title="Nothing about us without us")


@pytest.fixture
def group(coalition):
    return WorkingGroupFactory(coalition=coalition, name="Research")


@pytest.fixture
def an_action(coalition):
    return ActionFactory(coalition=coalition, title="March", starts_on=datetime.date(2024, 5, 1))


# One entry per versioned workflow resource: a valid new item (the i-th of several) and a
# valid change.
RESOURCES = {
    "targets": (
        lambda f, i: {"actor": f["orgs"][i].pk, "demand": "Build homes", "is_primary": i == 0},
        {"demand": "Build more homes"},
    ),
    "memberships": (
        lambda f, i: {
            "organisation": f["orgs"][i].pk,
            "phase": "connect",
            "designee": f["people"][i].pk,
            "joined_on": "2024-01-01",
        },
        {"brings": "Members in every district"},
    ),
    "statements": (
        lambda f, i: {"title": f"Statement {i}", "body": "We stand together."},
        {"title": "A better title"},
    ),
    "principles": (
        lambda f, i: {"title": f"Principle {i}", "text": "Why", "position": i},
        {"text": "Because"},
    ),
    "working-groups": (
        lambda f, i: {"name": f"Group {i}", "kind": "hub", "parent": f["group"].pk},
        {"purpose": "Research the rents"},
    ),
    "actions": (
        lambda f, i: {
            "title": f"Action {i}",
            "starts_on": "2024-05-01",
            "working_group": f["group"].pk,
            "leaders": [f["people"][i].pk],
            "participants": [f["orgs"][i].pk, f["orgs"][i + 1].pk],
        },
        {"outcome": "The council listened", "actual_turnout": 300},
    ),
    "wins": (
        lambda f, i: {"title": f"Win {i}", "won_on": "2024-06-01", "actions": [f["action"].pk]},
        {"description": "Rent freeze passed"},
    ),
    "climate-shifts": (
        lambda f, i: {
            "title": f"Shift {i}",
            "recorded_on": "2024-06-02",
            "direction": "mixed",
            "actions": [f["action"].pk],
        },
        {"direction": "favourable"},
    ),
}
UNVERSIONED = {
    "endorsements": lambda f, i: {"principle": f["principle"].pk, "organisation": f["orgs"][i].pk},
    "group-members": lambda f, i: {
        "group": f["group"].pk,
        "actor": f["people"][i].pk,
        "is_lead": i == 0,
    },
}


@pytest.fixture
def f(people, orgs, principle, group, an_action):
    return {
        "people": people,
        "orgs": orgs,
        "principle": principle,
        "group": group,
        "action": an_action,
    }


# ---------------------------------------------------------------------------------------------
# What every resource does


@pytest.mark.parametrize("prefix", list(RESOURCES))
def test_a_weaver_creates_an_item_and_gets_it_with_an_etag(client_for, coalition, f, prefix):
    new, _ = RESOURCES[prefix]
    response = post(client_for("weaver"), url(coalition, prefix), new(f, 0))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["id"]
    etag_version = body.get("row_version", body.get("version"))
    assert response["ETag"] == f'"{etag_version}"'


@pytest.mark.parametrize("prefix", [*RESOURCES, *UNVERSIONED])
def test_the_list_shows_a_new_item(client_for, coalition, f, prefix):
    new = RESOURCES[prefix][0] if prefix in RESOURCES else UNVERSIONED[prefix]
    client = client_for("organizer")
    created = post(client, url(coalition, prefix), new(f, 0))
    assert created.status_code == 201, created.json()
    listed = client.get(url(coalition, prefix))
    assert listed.status_code == 200
    assert created.json()["id"] in [row["id"] for row in listed.json()["results"]]


@pytest.mark.parametrize("prefix", list(RESOURCES))
def test_a_stale_if_match_is_412_and_changes_nothing(client_for, coalition, f, prefix):
    new, change = RESOURCES[prefix]
    client = client_for("weaver")
    item = post(client, url(coalition, prefix), new(f, 0)).json()
    first = patch(client, url(coalition, prefix, item["id"]), change)
    assert first.status_code == 200, first.json()
    before = client.get(url(coalition, prefix, item["id"])).json()

    stale = patch(client, url(coalition, prefix, item["id"]), {**change, "title": "Lost"})

    assert stale.status_code == 412
    assert stale.json()["current_version"] == 2
    assert client.get(url(coalition, prefix, item["id"])).json() == before


@pytest.mark.parametrize("prefix", [*RESOURCES, *UNVERSIONED])
def test_a_member_reads_but_cannot_write_workflow_records(
    client_for, coalition, f, prefix, member_org
):
    new = RESOURCES[prefix][0] if prefix in RESOURCES else UNVERSIONED[prefix]
    data = new(f, 0)
    if prefix == "endorsements":
        data["organisation"] = f["orgs"][0].pk  # not the member's own organisation
    client = client_for("member")
    assert client.get(url(coalition, prefix)).status_code == 200
    assert post(client, url(coalition, prefix), data).status_code == 403


@pytest.mark.parametrize("prefix", [*RESOURCES, *UNVERSIONED, "signatures"])
def test_a_funder_cannot_read_workflow_records_and_an_outsider_finds_nothing(
    client_for, coalition, prefix
):
    assert client_for("funder").get(url(coalition, prefix)).status_code == 403
    assert client_for("outsider").get(url(coalition, prefix)).status_code == 404


def _list_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("prefix", [*RESOURCES, *UNVERSIONED])
def test_a_list_takes_as_many_queries_for_six_items_as_for_two(client_for, coalition, f, prefix):
    new = RESOURCES[prefix][0] if prefix in RESOURCES else UNVERSIONED[prefix]
    client = client_for("organizer")
    path = url(coalition, prefix)
    for i in range(2):
        assert post(client, path, new(f, i)).status_code == 201
    with_two = _list_queries(client, path)
    for i in range(2, 6):
        assert post(client, path, new(f, i)).status_code == 201
    assert len(client.get(path).json()["results"]) >= 6
    # Session, user, role, page count, the rows, then one per prefetched relation: never
    # one per row.
    assert _list_queries(client, path) == with_two


def test_the_signature_list_takes_as_many_queries_for_six_as_for_two(
    client_for, coalition, statement_with_signatures
):
    statement, _ = statement_with_signatures
    client = client_for("weaver")
    path = url(coalition, "signatures")
    with_some = _list_queries(client, path)
    version = statement.versions.get()
    for i in range(4):
        _signature(version, f"More Org {i}")
    assert _list_queries(client, path) == with_some


# ---------------------------------------------------------------------------------------------
# Memberships


def test_a_phase_change_records_who_moved_the_member_and_when(client_for, coalition, personas, f):
    client = client_for("weaver")
    created = post(client, url(coalition, "memberships"), RESOURCES["memberships"][0](f, 0))
    membership = created.json()
    assert [(m["from_phase"], m["to_phase"]) for m in membership["moves"]] == [("", "connect")]
    before = timezone.now()

    moved = patch(client, url(coalition, "memberships", membership["id"]), {"phase": "align"})

    assert moved.status_code == 200, moved.json()
    assert moved.json()["phase"] == "align"
    assert moved.json()["moves"][-1]["from_phase"] == "connect"
    assert moved.json()["moves"][-1]["to_phase"] == "align"
    assert moved.json()["moves"][-1]["moved_by"] == "weaver"
    move = PhaseMove.objects.filter(membership_id=membership["id"]).latest("id")
    assert (move.from_phase, move.to_phase) == ("connect", "align")
    assert move.moved_by == personas["weaver"]
    assert before <= move.moved_at <= timezone.now()


def test_a_change_without_a_new_phase_records_no_move(client_for, coalition, f):
    client = client_for("weaver")
    membership = post(client, url(coalition, "memberships"), RESOURCES["memberships"][0](f, 0))
    path = url(coalition, "memberships", membership.json()["id"])
    assert patch(client, path, {"brings": "Lawyers"}).status_code == 200
    assert PhaseMove.objects.filter(membership_id=membership.json()["id"]).count() == 1


def test_a_stale_phase_change_records_no_move(client_for, coalition, f):
    client = client_for("weaver")
    membership = post(client, url(coalition, "memberships"), RESOURCES["memberships"][0](f, 0))
    path = url(coalition, "memberships", membership.json()["id"])
    assert patch(client, path, {"phase": "align"}).status_code == 200
    assert patch(client, path, {"phase": "produce"}).status_code == 412
    assert Membership.objects.get(pk=membership.json()["id"]).phase == "align"
    assert PhaseMove.objects.filter(membership_id=membership.json()["id"]).count() == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"left_on": "2023-01-01"}, "left_on"),  # joined 2024-01-01
        ({"phase": "asleep"}, "phase"),
        ({"designee": 999999}, "designee"),
    ],
)
def test_a_bad_membership_is_400_naming_the_field(client_for, coalition, f, change, field):
    data = {**RESOURCES["memberships"][0](f, 0), **change}
    response = post(client_for("weaver"), url(coalition, "memberships"), data)
    assert response.status_code == 400
    assert field in response.json()


def test_an_organisation_is_a_member_once(client_for, coalition, f):
    client = client_for("weaver")
    data = RESOURCES["memberships"][0](f, 0)
    assert post(client, url(coalition, "memberships"), data).status_code == 201
    again = post(client, url(coalition, "memberships"), data)
    assert again.status_code == 400
    assert "organisation" in again.json()


def test_an_actor_of_another_coalition_is_400_naming_the_field(client_for, coalition, f, elsewhere):
    data = {**RESOURCES["memberships"][0](f, 0), "organisation": elsewhere.pk}
    response = post(client_for("steward"), url(coalition, "memberships"), data)
    assert response.status_code == 400
    assert "organisation" in response.json()
    assert not Membership.objects.exists()


def test_rows_naming_a_sensitive_actor_are_invisible_to_a_weaver(
    client_for, coalition, hidden, people
):
    target = TargetFactory(coalition=coalition, actor=hidden)
    seen = TargetFactory(coalition=coalition, actor=people[0])
    weaver = client_for("weaver")
    ids = [row["id"] for row in weaver.get(url(coalition, "targets")).json()["results"]]
    assert ids == [seen.pk]
    assert weaver.get(url(coalition, "targets", target.pk)).status_code == 404
    organizer = client_for("organizer")
    ids = [row["id"] for row in organizer.get(url(coalition, "targets")).json()["results"]]
    assert sorted(ids) == sorted([target.pk, seen.pk])


def test_a_weaver_cannot_name_a_sensitive_actor(client_for, coalition, hidden):
    response = post(client_for("weaver"), url(coalition, "targets"), {"actor": hidden.pk})
    assert response.status_code == 400
    assert "actor" in response.json()


# ---------------------------------------------------------------------------------------------
# Unity statements, versions, signatures


def _signature(version, name, *, confirmed=True, withdrawn=False, public=True, org=None):
    now = timezone.now()
    return SignatureFactory(
        version=version,
        organisation=org,
        organisation_name=name,
        signer_name="Rosa Parks",
        signer_title="Chair",
        signer_email="rosa@example.org",
        show_publicly=public,
        confirmed_at=now if confirmed else None,
        withdrawn_at=now if withdrawn else None,
    )


@pytest.fixture
def statement_with_signatures(coalition, hidden):
    statement = UnityStatementFactory(
        coalition=coalition, title="Homes for all", status=StatementStatus.PUBLISHED
    )
    version = StatementVersionFactory(
        statement=statement, number=1, body="We stand together.", published_at=timezone.now()
    )
    signatures = {
        "public": _signature(version, "Tenants Union"),
        "private": _signature(version, "Quiet Church", public=False),
        "unconfirmed": _signature(version, "Slow Org", confirmed=False),
        "withdrawn": _signature(version, "Gone Org", withdrawn=True),
        "sensitive": _signature(version, "Hidden Org", org=hidden),
    }
    return statement, signatures


def test_the_statement_list_keeps_its_contract(client_for, coalition, statement_with_signatures):
    statement, _ = statement_with_signatures
    draft = post(client_for("weaver"), url(coalition, "statements"), {"title": "Draft"}).json()

    rows = {
        r["id"]: r for r in client_for("member").get(url(coalition, "statements")).json()["results"]
    }

    assert {"id", "title", "status", "version", "signature_count", "public_url"} <= set(
        rows[statement.pk]
    )
    published = rows[statement.pk]
    assert published["title"] == "Homes for all"
    assert published["status"] == "published"
    assert published["version"] == 1
    # The signatories (SIGNATORY_DEFINITION): the public one and the one not shown publicly;
    # not the unconfirmed or withdrawn one; the sensitive organisation's only for the roles
    # that may see it (a member may not; an organizer may).
    assert published["signature_count"] == 2
    organizer_rows = client_for("organizer").get(url(coalition, "statements")).json()["results"]
    assert {r["id"]: r for r in organizer_rows}[statement.pk]["signature_count"] == 3
    assert published["public_url"] == f"/sign/{statement.pk}/"
    assert rows[draft["id"]]["version"] is None
    assert rows[draft["id"]]["signature_count"] == 0
    assert rows[draft["id"]]["public_url"] is None
    assert rows[draft["id"]]["status"] == "draft"


def test_the_statement_version_is_the_latest_text_and_if_match_names_the_row(client_for, coalition):
    client = client_for("weaver")
    created = post(client, url(coalition, "statements"), {"title": "Ours", "body": "First."})
    statement = created.json()
    assert (statement["version"], statement["row_version"]) == (1, 1)
    assert created["ETag"] == '"1"'

    added = post(client, url(coalition, "statements", statement["id"], "versions"), {"body": "2nd"})
    assert added.status_code == 201, added.json()
    assert added.json()["number"] == 2

    now = client.get(url(coalition, "statements", statement["id"]))
    assert now.json()["version"] == 2
    assert now.json()["row_version"] == 2  # adding a text moved the row on
    assert now["ETag"] == '"2"'
    path = url(coalition, "statements", statement["id"])
    assert patch(client, path, {"title": "Stale"}, if_match='"1"').status_code == 412
    # The body's "version" is the text's number, not a lock: only row_version is.
    no_lock = client.patch(path, {"title": "X", "version": 2}, content_type="application/json")
    assert no_lock.status_code == 428
    by_row = client.patch(
        path, {"title": "Fresh", "row_version": 2}, content_type="application/json"
    )
    assert by_row.status_code == 200, by_row.json()
    assert by_row.json()["title"] == "Fresh"
    assert UnityStatement.objects.get(pk=statement["id"]).title == "Fresh"


def test_publishing_a_statement_publishes_its_latest_text(client_for, coalition):
    client = client_for("weaver")
    statement = post(client, url(coalition, "statements"), {"title": "S", "body": "T"}).json()
    published = patch(
        client, url(coalition, "statements", statement["id"]), {"status": "published"}
    )
    assert published.status_code == 200, published.json()
    assert published.json()["public_url"] == f"/sign/{statement['id']}/"
    assert StatementVersion.objects.get(statement_id=statement["id"]).published_at is not None
    versions = client.get(url(coalition, "statements", statement["id"], "versions")).json()
    assert [v["number"] for v in versions] == [1]
    assert versions[0]["published_at"] is not None
    # A published text is what organisations sign: it is not revised in place.
    late = post(client, url(coalition, "statements", statement["id"], "versions"), {"body": "x"})
    assert late.status_code == 409


def test_a_statement_without_a_text_cannot_be_published(client_for, coalition):
    client = client_for("weaver")
    statement = post(client, url(coalition, "statements"), {"title": "Empty"}).json()
    response = patch(client, url(coalition, "statements", statement["id"]), {"status": "published"})
    assert response.status_code == 400
    assert "status" in response.json()


def test_a_member_reads_versions_but_cannot_add_one(client_for, coalition):
    statement = post(
        client_for("weaver"), url(coalition, "statements"), {"title": "S", "body": "T"}
    )
    path = url(coalition, "statements", statement.json()["id"], "versions")
    member = client_for("member")
    assert member.get(path).status_code == 200
    assert post(member, path, {"body": "Mine"}).status_code == 403
    assert StatementVersion.objects.count() == 1


def test_statements_are_not_deleted(client_for, coalition):
    statement = post(client_for("steward"), url(coalition, "statements"), {"title": "S"}).json()
    response = client_for("steward").delete(
        url(coalition, "statements", statement["id"]), HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 405


def test_a_member_sees_only_public_signatures_and_no_signer(
    client_for, coalition, statement_with_signatures
):
    rows = client_for("member").get(url(coalition, "signatures")).json()["results"]
    assert [r["organisation_name"] for r in rows] == ["Tenants Union"]
    assert set(rows[0]) == MEMBER_FIELDS
    assert not SIGNER_FIELDS & set(rows[0])


def test_a_weaver_sees_signers_but_not_a_sensitive_organisations_signature(
    client_for, coalition, statement_with_signatures
):
    rows = client_for("weaver").get(url(coalition, "signatures")).json()["results"]
    names = {r["organisation_name"] for r in rows}
    assert names == {"Tenants Union", "Quiet Church", "Slow Org", "Gone Org"}
    assert all(r["signer_name"] == "Rosa Parks" for r in rows)
    assert set(rows[0]) >= SIGNER_FIELDS
    organizer_rows = client_for("organizer").get(url(coalition, "signatures")).json()["results"]
    assert "Hidden Org" in {r["organisation_name"] for r in organizer_rows}


def test_signatures_are_read_only_through_the_api(client_for, coalition, statement_with_signatures):
    _, signatures = statement_with_signatures
    client = client_for("steward")
    assert post(client, url(coalition, "signatures"), {"organisation_name": "X"}).status_code == 405
    detail = url(coalition, "signatures", signatures["public"].pk)
    assert patch(client, detail, {"organisation_name": "Y"}).status_code == 405
    assert client.delete(detail).status_code == 405


def test_signatures_cannot_be_searched_by_signer(client_for, coalition, statement_with_signatures):
    rows = client_for("member").get(url(coalition, "signatures") + "?search=Rosa").json()
    assert rows["results"] == []


# ---------------------------------------------------------------------------------------------
# Principles and endorsements


def test_a_member_endorses_for_their_own_organisation_only(
    client_for, coalition, principle, member_org, orgs, personas, member_designee
):
    member = client_for("member")
    own = post(
        member,
        url(coalition, "endorsements"),
        {"principle": principle.pk, "organisation": member_org.pk},
    )
    assert own.status_code == 201, own.json()
    assert own.json()["endorsed_by"] == "member"
    assert own.json()["withdrawn"] is False
    other = post(
        member,
        url(coalition, "endorsements"),
        {"principle": principle.pk, "organisation": orgs[0].pk},
    )
    assert other.status_code == 403
    assert Endorsement.objects.filter(organisation=orgs[0]).count() == 0
    listed = client_for("member").get(url(coalition, "principles")).json()["results"]
    assert listed[0]["endorsement_count"] == 1


def test_a_member_withdraws_their_own_endorsement_but_not_another(
    client_for, coalition, principle, member_org, orgs, member_designee
):
    theirs = EndorsementFactory(
        principle=principle, organisation=orgs[0], endorsed_at=timezone.now()
    )
    member = client_for("member")
    own = post(
        member,
        url(coalition, "endorsements"),
        {"principle": principle.pk, "organisation": member_org.pk},
    ).json()
    withdrawn = patch(member, url(coalition, "endorsements", own["id"]), {"withdrawn": True})
    assert withdrawn.status_code == 200, withdrawn.json()
    assert withdrawn.json()["withdrawn"] is True
    assert withdrawn.json()["withdrawn_at"] is not None
    other = patch(member, url(coalition, "endorsements", theirs.pk), {"withdrawn": True})
    assert other.status_code == 403
    theirs.refresh_from_db()
    assert theirs.withdrawn_at is None


def test_an_organisation_endorses_a_principle_once(client_for, coalition, principle, orgs):
    client = client_for("weaver")
    data = {"principle": principle.pk, "organisation": orgs[0].pk}
    assert post(client, url(coalition, "endorsements"), data).status_code == 201
    again = post(client, url(coalition, "endorsements"), data)
    # The one rule (the service's): a conflict with what is recorded, as on the page.
    assert again.status_code == 409 and again.json()["code"] == "already_endorsed"
    assert "organisation" in again.json()


def test_an_endorsement_of_another_coalitions_principle_is_400(
    client_for, coalition, orgs, elsewhere
):
    foreign = PrincipleFactory(coalition=elsewhere.coalition, title="Theirs")
    response = post(
        client_for("weaver"),
        url(coalition, "endorsements"),
        {"principle": foreign.pk, "organisation": orgs[0].pk},
    )
    assert response.status_code == 400
    assert "principle" in response.json()


# ---------------------------------------------------------------------------------------------
# Working groups and their members


def test_a_group_cannot_sit_inside_itself_or_its_descendants(client_for, coalition):
    client = client_for("weaver")
    top = post(client, url(coalition, "working-groups"), {"name": "Region"}).json()
    city = post(
        client, url(coalition, "working-groups"), {"name": "City", "parent": top["id"]}
    ).json()
    street = post(
        client, url(coalition, "working-groups"), {"name": "Street", "parent": city["id"]}
    ).json()

    itself = patch(client, url(coalition, "working-groups", top["id"]), {"parent": top["id"]})
    below = patch(client, url(coalition, "working-groups", top["id"]), {"parent": street["id"]})

    for response in (itself, below):
        assert response.status_code == 400
        assert "parent" in response.json()
    assert WorkingGroup.objects.get(pk=top["id"]).parent_id is None
    moved = patch(client, url(coalition, "working-groups", street["id"]), {"parent": top["id"]})
    assert moved.status_code == 200


def test_a_parent_of_another_coalition_or_unknown_is_400(client_for, coalition, elsewhere):
    foreign = WorkingGroupFactory(coalition=elsewhere.coalition, name="Theirs")
    client = client_for("weaver")
    for parent in (foreign.pk, 999999):
        response = post(client, url(coalition, "working-groups"), {"name": "G", "parent": parent})
        assert response.status_code == 400
        assert "parent" in response.json()


def test_group_names_are_unique_in_a_coalition(client_for, coalition, group):
    response = post(client_for("weaver"), url(coalition, "working-groups"), {"name": "research"})
    assert response.status_code == 400
    assert "name" in response.json()


def test_an_actor_sits_in_a_group_once_and_leaves_after_joining(
    client_for, coalition, group, people
):
    client = client_for("weaver")
    data = {"group": group.pk, "actor": people[0].pk}
    assert post(client, url(coalition, "group-members"), data).status_code == 201
    again = post(client, url(coalition, "group-members"), data)
    assert again.status_code == 400
    assert "actor" in again.json()
    early = post(
        client,
        url(coalition, "group-members"),
        {
            "group": group.pk,
            "actor": people[1].pk,
            "joined_on": "2024-02-01",
            "left_on": "2024-01-01",
        },
    )
    assert early.status_code == 400
    assert "left_on" in early.json()
    assert GroupMember.objects.count() == 1


# ---------------------------------------------------------------------------------------------
# Actions, wins, climate shifts


@pytest.mark.parametrize("field", ["leaders", "participants"])
def test_action_actors_of_another_coalition_or_unknown_are_400(
    client_for, coalition, people, elsewhere, field
):
    client = client_for("weaver")
    for actor_id in (elsewhere.pk, 999999):
        data = {"title": "A", "starts_on": "2024-01-01", field: [people[0].pk, actor_id]}
        response = post(client, url(coalition, "actions"), data)
        assert response.status_code == 400
        assert field in response.json()
    assert not Action.objects.exists()


def test_an_action_with_a_sensitive_participant_is_invisible_to_a_weaver(
    client_for, coalition, hidden, people
):
    created = post(
        client_for("organizer"),
        url(coalition, "actions"),
        {"title": "Quiet meeting", "starts_on": "2024-01-01", "participants": [hidden.pk]},
    )
    assert created.status_code == 201, created.json()
    assert created.json()["participants"] == [hidden.pk]
    weaver = client_for("weaver")
    assert weaver.get(url(coalition, "actions")).json()["results"] == []
    assert weaver.get(url(coalition, "actions", created.json()["id"])).status_code == 404


def test_a_weaver_keeps_the_wins_links_to_actions_they_cannot_see(
    client_for, coalition, hidden, an_action
):
    quiet = ActionFactory(coalition=coalition, title="Quiet", starts_on=an_action.starts_on)
    quiet.participants.add(hidden)
    win = post(
        client_for("organizer"),
        url(coalition, "wins"),
        {"title": "Rent freeze", "won_on": "2024-06-01", "actions": [an_action.pk, quiet.pk]},
    ).json()
    weaver = client_for("weaver")
    seen = weaver.get(url(coalition, "wins", win["id"])).json()
    assert seen["actions"] == [an_action.pk]
    hidden_link = patch(weaver, url(coalition, "wins", win["id"]), {"actions": [quiet.pk]})
    assert hidden_link.status_code == 400
    assert "actions" in hidden_link.json()

    changed = patch(weaver, url(coalition, "wins", win["id"]), {"actions": []})

    assert changed.status_code == 200, changed.json()
    assert changed.json()["actions"] == []
    assert list(Win.objects.get(pk=win["id"]).actions.all()) == [quiet]


def test_a_win_cannot_name_another_coalitions_action(client_for, coalition, elsewhere):
    foreign = ActionFactory(
        coalition=elsewhere.coalition, title="Theirs", starts_on=datetime.date(2024, 1, 1)
    )
    response = post(
        client_for("weaver"),
        url(coalition, "wins"),
        {"title": "W", "won_on": "2024-06-01", "actions": [foreign.pk]},
    )
    assert response.status_code == 400
    assert "actions" in response.json()


def test_a_bad_climate_direction_is_400(client_for, coalition):
    response = post(
        client_for("weaver"),
        url(coalition, "climate-shifts"),
        {"title": "S", "recorded_on": "2024-01-01", "direction": "sideways"},
    )
    assert response.status_code == 400
    assert "direction" in response.json()


def test_the_statement_list_is_five_queries_whatever_its_counts(
    client_for, coalition, statement_with_signatures, django_assert_num_queries
):
    client = client_for("member")
    client.get(url(coalition, "statements"))  # warm the session
    # 1 session, 2 user, 3 role in the coalition, 4 page count, 5 statements with their
    # creators, latest version numbers and signature counts (joins and subqueries).
    with django_assert_num_queries(5):
        client.get(url(coalition, "statements"))
