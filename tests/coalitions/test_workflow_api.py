"""The weaver's workflow through the API: the rules a role meets beyond the permission
matrix, and refusals as 4xx bodies naming the field."""

import datetime

import pytest
from django.utils import timezone

from coalitions.align.models import Vote
from networks.models import Interaction
from tests.api_helpers import post, url
from tests.coalitions.factories import MembershipFactory, ProposalFactory
from weft.versions import ANY_VERSION


@pytest.fixture
def proposal(coalition):
    return ProposalFactory(
        coalition=coalition,
        title="Join the rent strike",
        rule="consensus",
        closes_at=timezone.now() + datetime.timedelta(days=3),
    )


def test_a_member_casts_their_own_organisations_vote_only(
    client_for, coalition, proposal, member_designee, member_org, orgs, people
):
    MembershipFactory(coalition=coalition, organisation=orgs[0], phase="align", designee=people[0])
    client = client_for("member")
    path = url(coalition, "proposals", proposal.pk, "votes")
    other = post(
        client, path, {"organisation": orgs[0].pk, "designee": people[0].pk, "choice": "block"}
    )
    assert other.status_code == 403
    own = post(
        client,
        path,
        {"organisation": member_org.pk, "designee": member_designee.pk, "choice": "agree"},
    )
    assert own.status_code == 201 and own.json()["choice"] == "agree"
    again = post(
        client,
        path,
        {"organisation": member_org.pk, "designee": member_designee.pk, "choice": "block"},
    )
    assert again.status_code == 409 and again.json()["field"] == "organisation"
    assert Vote.objects.count() == 1


def test_a_vote_naming_someone_else_than_the_designee_is_refused(
    client_for, coalition, proposal, member_designee, member_org, people
):
    response = post(
        client_for("weaver"),
        url(coalition, "proposals", proposal.pk, "votes"),
        {"organisation": member_org.pk, "designee": people[1].pk, "choice": "agree"},
    )
    assert response.status_code == 403
    message = "Only the organisation's designee casts its vote."
    assert response.json() == {
        "detail": message,
        "code": "not_designee",
        "field": "designee",
        "designee": [message],
    }


def test_deciding_records_the_outcome_under_the_rule(
    client_for, coalition, proposal, member_designee, member_org
):
    client = client_for("weaver")
    vote = {"organisation": member_org.pk, "designee": member_designee.pk, "choice": "agree"}
    post(client, url(coalition, "proposals", proposal.pk, "votes"), vote)
    response = post(
        client,
        url(coalition, "proposals", proposal.pk, "decide"),
        {"outcome_note": "Agreed by all", "review_by": "2099-01-01"},
    )
    body = response.json()
    assert response.status_code == 200
    assert (body["outcome"], body["review_by"], body["counts"]["agree"]) == (
        "adopted",
        "2099-01-01",
        1,
    )


def test_a_negative_commitment_is_a_400_naming_the_amount(client_for, coalition, member_org):
    membership = MembershipFactory(coalition=coalition, organisation=member_org)
    response = post(
        client_for("weaver"),
        url(coalition, "commitments"),
        {"membership": membership.pk, "kind": "money", "amount": "-20.00"},
    )
    assert response.status_code == 400 and response.json()["field"] == "amount"


def test_logging_an_introduction_feeds_relationship_strength(client_for, coalition, orgs):
    response = post(
        client_for("weaver"),
        url(coalition, "introductions"),
        {
            "introduced": orgs[0].pk,
            "introduced_to": orgs[1].pk,
            "reason": "Same street",
            "introduced_on": "2026-05-01",
        },
    )
    assert response.status_code == 201
    interaction = Interaction.objects.get(pk=response.json()["interaction"])
    assert set(interaction.participants.values_list("pk", flat=True)) == {orgs[0].pk, orgs[1].pk}


def test_the_health_summary_is_for_the_weaver_not_members(client_for, coalition):
    today = timezone.localdate()
    created = post(
        client_for("weaver"),
        url(coalition, "health-checks"),
        {"title": "Spring", "opens_on": str(today), "closes_on": str(today)},
    ).json()
    summary = url(coalition, "health-checks", created["id"], "summary")
    assert client_for("member").get(summary).status_code == 403
    body = client_for("weaver").get(summary).json()
    assert body["answers"] == 0 and body["dimensions"]["purpose"]["average"] is None


def test_published_statements_list_their_public_url(client_for, coalition):
    client = client_for("weaver")
    created = post(
        client,
        url(coalition, "statements"),
        {"title": "Unity", "body": "We stand together.", "status": "published"},
    ).json()
    listed = client.get(url(coalition, "statements")).json()["results"][0]
    assert listed["public_url"] == f"/sign/{created['id']}/"
    assert (listed["status"], listed["version"], listed["signature_count"]) == ("published", 1, 0)


def test_a_memberships_designees_from_when_to_when(
    client_for, coalition, member_org, people, hidden
):
    from coalitions.connect.services import membership_create, membership_update

    membership = membership_create(
        coalition=coalition,
        created_by=None,
        organisation=member_org,
        phase="align",
        designee=hidden,
    )
    membership_update(
        expected_version=ANY_VERSION, membership=membership, updated_by=None, designee=people[0]
    )
    body = client_for("weaver").get(url(coalition, "memberships", membership.pk, "designees"))
    terms = body.json()
    assert [(t["designee"], t["name"]) for t in terms] == [
        (people[0].pk, "Person 0"),
        (None, "a person you may not see"),
    ]
    assert terms[0]["until"] is None and terms[1]["until"] == terms[0]["since"]
    seen = (
        client_for("organizer")
        .get(url(coalition, "memberships", membership.pk, "designees"))
        .json()
    )
    assert seen[1] == {**terms[1], "designee": hidden.pk, "name": "Quiet Ally"}
