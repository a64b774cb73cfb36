"""Member organisations' pages: the designee votes on an open proposal and answers an open
health-check round (server-rendered forms); the account is tied to the person through the
role's ``person``. Refusals are shown with their status and nothing is written."""

import datetime

import pytest
from django.utils import timezone

from coalitions import roles
from coalitions.align.models import HealthCheckAnswer, HealthCheckRound, Proposal, Vote
from coalitions.connect.models import Membership
from coalitions.services import role_grant
from tests.allies.factories import ActorFactory
from tests.api_helpers import post, url
from tests.coalitions.factories import (
    HealthCheckAnswerFactory,
    HealthCheckRoundFactory,
    MembershipFactory,
    ProposalFactory,
)
from weft.errors import ApplicationError
from weft.vocabulary import ActorKind

MEMBER_PAGES = ["/coalitions/{id}/voting/", "/coalitions/{id}/health-check/"]
SCORES = {"purpose": 4, "participation": 3, "relationships": 5, "structures": 2, "coordination": 3}


@pytest.fixture
def designee(coalition, member_org):
    return ActorFactory(coalition=coalition, name="Ana Ruiz", kind=ActorKind.PERSON)


@pytest.fixture
def membership(coalition, member_org, designee):
    return MembershipFactory(
        coalition=coalition, organisation=member_org, phase="align", designee=designee
    )


@pytest.fixture
def linked(personas, coalition, member_org, designee, membership):
    """The member persona's account is the designee's."""
    return role_grant(
        coalition=coalition,
        user=personas["member"],
        role="member",
        granted_by=personas["steward"],
        organisation=member_org,
        person=designee,
    )


@pytest.fixture
def proposal(coalition):
    return ProposalFactory(
        coalition=coalition,
        title="Join the rent strike",
        rule="consent",
        closes_at=timezone.now() + datetime.timedelta(days=3),
    )


@pytest.fixture
def open_round(coalition):
    today = timezone.localdate()
    return HealthCheckRoundFactory(
        coalition=coalition,
        title="Winter round",
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=6),
    )


def vote_path(coalition, proposal):
    return f"/coalitions/{coalition.pk}/voting/{proposal.pk}/"


def answer_path(coalition, health_round):
    return f"/coalitions/{coalition.pk}/health-check/{health_round.pk}/"


@pytest.mark.parametrize("page", MEMBER_PAGES + ["/coalitions/{id}/principles/"])
@pytest.mark.parametrize(
    "persona,status",
    [
        ("steward", 200),
        ("organizer", 200),
        ("weaver", 200),
        ("member", 200),
        ("funder", 403),
        ("outsider", 404),
    ],
)
def test_every_role_that_views_the_workflow_reaches_the_member_pages_funders_do_not(
    client_for, coalition, page, persona, status
):
    assert client_for(persona).get(page.format(id=coalition.pk)).status_code == status


@pytest.mark.parametrize("persona,status", [("funder", 403), ("outsider", 404)])
def test_funders_and_outsiders_cannot_post_a_vote_or_an_answer(
    client_for, coalition, proposal, open_round, linked, persona, status
):
    client = client_for(persona)
    assert client.post(vote_path(coalition, proposal), {"choice": "agree"}).status_code == status
    response = client.post(answer_path(coalition, open_round), SCORES)
    assert response.status_code == status
    assert not Vote.objects.exists() and not HealthCheckAnswer.objects.exists()


def test_the_designee_votes_once_and_sees_the_rule(
    client_for, coalition, proposal, linked, member_org, designee
):
    client = client_for("member")
    page = client.get(f"/coalitions/{coalition.pk}/voting/").content.decode()
    assert "only a block" not in page  # the members' page explains each rule in its own words
    assert "adopted unless an organisation blocks" in page
    assert "You speak for <strong>Tenants Union</strong>" in page
    response = client.post(vote_path(coalition, proposal), {"choice": "agree", "reason": "Yes"})
    assert response.status_code == 302
    vote = Vote.objects.get()
    assert (vote.organisation, vote.designee, vote.choice, vote.reason) == (
        member_org,
        designee,
        "agree",
        "Yes",
    )
    again = client.post(vote_path(coalition, proposal), {"choice": "block"})
    assert again.status_code == 409
    assert "already voted on this proposal" in again.content.decode()
    assert Vote.objects.count() == 1 and Vote.objects.get().choice == "agree"
    page = client.get(f"/coalitions/{coalition.pk}/voting/").content.decode()
    assert "Tenants Union voted <strong>Agree</strong>" in page


def test_a_member_who_is_not_the_designee_is_told_why_and_cannot_vote(
    client_for, coalition, proposal, membership
):
    client = client_for("member")  # the role names the organisation, not its designee
    page = client.get(f"/coalitions/{coalition.pk}/voting/").content.decode()
    assert "not linked to its designee" in page and "Cast Tenants Union" not in page
    response = client.post(vote_path(coalition, proposal), {"choice": "agree"})
    assert response.status_code == 403
    assert "Only the organisation&#x27;s designee speaks for it" in response.content.decode()
    assert not Vote.objects.exists()


def test_a_vote_after_closing_is_refused(client_for, coalition, proposal, linked):
    Proposal.objects.filter(pk=proposal.pk).update(
        closes_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    client = client_for("member")
    assert "Voting is closed" in client.get(f"/coalitions/{coalition.pk}/voting/").content.decode()
    response = client.post(vote_path(coalition, proposal), {"choice": "agree"})
    assert response.status_code == 409 and "Voting closed on" in response.content.decode()
    assert not Vote.objects.exists()


def test_a_prospects_designee_does_not_vote(client_for, coalition, proposal, linked, membership):
    Membership.objects.filter(pk=membership.pk).update(phase="prospect")
    response = client_for("member").post(vote_path(coalition, proposal), {"choice": "agree"})
    assert response.status_code == 403 and "not a member yet" in response.content.decode()


def test_a_vote_without_a_choice_is_a_400(client_for, coalition, proposal, linked):
    response = client_for("member").post(vote_path(coalition, proposal), {"choice": "maybe"})
    assert response.status_code == 400 and not Vote.objects.exists()


def test_a_weaver_on_the_members_page_speaks_for_no_organisation(
    client_for, coalition, proposal, linked
):
    response = client_for("weaver").post(vote_path(coalition, proposal), {"choice": "agree"})
    assert response.status_code == 403 and not Vote.objects.exists()


def test_the_designee_answers_the_health_check_once_and_sees_only_their_own_answer(
    client_for, coalition, open_round, linked, member_org, orgs, people
):
    other = MembershipFactory(
        coalition=coalition, organisation=orgs[0], phase="align", designee=people[0]
    )
    HealthCheckAnswerFactory(
        round=open_round,
        organisation=other.organisation,
        answered_at=timezone.now(),
        comment="A secret about the coalition",
        **dict.fromkeys(SCORES, 1),
    )
    client = client_for("member")
    response = client.post(answer_path(coalition, open_round), {**SCORES, "comment": "Good year"})
    assert response.status_code == 302
    answer = HealthCheckAnswer.objects.get(organisation=member_org)
    assert {name: getattr(answer, name) for name in SCORES} == SCORES
    assert answer.comment == "Good year"
    page = client.get(f"/coalitions/{coalition.pk}/health-check/").content.decode()
    assert "Good year" in page and "Relationships and trust: 5" in page
    assert "A secret about the coalition" not in page and "Org 0" not in page
    again = client.post(answer_path(coalition, open_round), SCORES)
    assert again.status_code == 409 and "already answered this round" in again.content.decode()
    assert HealthCheckAnswer.objects.filter(organisation=member_org).count() == 1


def test_a_health_answer_needs_every_score_from_1_to_5(client_for, coalition, open_round, linked):
    response = client_for("member").post(
        answer_path(coalition, open_round), {**SCORES, "purpose": 6}
    )
    assert response.status_code == 400 and "Score every area" in response.content.decode()
    assert not HealthCheckAnswer.objects.exists()


def test_a_closed_round_takes_no_answer(client_for, coalition, open_round, linked):
    HealthCheckRound.objects.filter(pk=open_round.pk).update(
        opens_on=datetime.date(2020, 1, 1), closes_on=datetime.date(2020, 1, 8)
    )
    response = client_for("member").post(answer_path(coalition, open_round), SCORES)
    assert response.status_code == 409 and not HealthCheckAnswer.objects.exists()


def test_not_the_designee_cannot_answer(client_for, coalition, open_round, membership):
    response = client_for("member").post(answer_path(coalition, open_round), SCORES)
    assert response.status_code == 403 and not HealthCheckAnswer.objects.exists()


# -- The API's vote and answer paths use the same link


def test_through_the_api_a_member_votes_only_as_the_linked_designee(
    client_for, coalition, proposal, membership, member_org, designee, personas
):
    client = client_for("member")
    path = url(coalition, "proposals", proposal.pk, "votes")
    body = {"organisation": member_org.pk, "designee": designee.pk, "choice": "agree"}
    unlinked = post(client, path, body)
    assert unlinked.status_code == 403 and unlinked.json()["code"] == "not_designee"
    role_grant(
        coalition=coalition,
        user=personas["member"],
        role="member",
        granted_by=personas["steward"],
        organisation=member_org,
        person=designee,
    )
    assert post(client, path, body).status_code == 201


def test_through_the_api_only_the_linked_designee_answers(
    client_for, coalition, open_round, membership, member_org, designee, personas
):
    client = client_for("member")
    path = url(coalition, "health-checks", open_round.pk, "answers")
    body = {"organisation": member_org.pk, **SCORES}
    assert post(client, path, body).status_code == 403
    role_grant(
        coalition=coalition,
        user=personas["member"],
        role="member",
        granted_by=personas["steward"],
        organisation=member_org,
        person=designee,
    )
    assert post(client, path, body).status_code == 201


# -- The user ↔ person link


def test_the_link_is_kept_when_a_role_changes_and_shows_in_the_access(
    personas, coalition, member_org, designee, linked
):
    assert roles.access_for(personas["member"], coalition.pk).person_id == designee.pk
    role_grant(
        coalition=coalition,
        user=personas["member"],
        role="organizer",
        granted_by=personas["steward"],
    )
    assert roles.access_for(personas["member"], coalition.pk).person_id == designee.pk


def test_a_person_is_linked_to_one_account_and_must_be_a_person_of_the_coalition(
    personas, coalition, member_org, designee, linked
):
    with pytest.raises(ApplicationError) as taken:
        role_grant(
            coalition=coalition,
            user=personas["weaver"],
            role="weaver",
            granted_by=personas["steward"],
            person=designee,
        )
    assert taken.value.code == "person_taken"
    with pytest.raises(ApplicationError) as not_a_person:
        role_grant(
            coalition=coalition,
            user=personas["weaver"],
            role="weaver",
            granted_by=personas["steward"],
            person=member_org,
        )
    assert not_a_person.value.field == "person"


def test_stewards_link_an_account_to_a_person_through_the_roles_api(
    client_for, coalition, designee, personas
):
    from coalitions.models import Role

    role = Role.objects.current().get(user=personas["weaver"], coalition=coalition)
    response = client_for("steward").patch(
        url(coalition, "roles", role.pk), {"person": designee.pk}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["person"] == designee.pk
    assert roles.access_for(personas["weaver"], coalition.pk).person_id == designee.pk


def test_the_home_links_members_to_their_pages_and_the_statements_open_to_them(
    client_for, coalition, personas
):
    from coalitions.align.services.statements import statement_create

    statement_create(
        coalition=coalition,
        title="Homes for all",
        body="We stand.",
        created_by=personas["weaver"],
        status="published",
    )
    statement_create(
        coalition=coalition, title="Still a draft", body="Text", created_by=personas["weaver"]
    )
    html = client_for("member").get(f"/coalitions/{coalition.pk}/").content.decode()
    assert "vote on proposals" in html and "answer the health check" in html
    assert "Homes for all</a> (published, " in html and "Still a draft" not in html
    funder = client_for("funder").get(f"/coalitions/{coalition.pk}/").content.decode()
    assert "vote on proposals" not in funder and "Homes for all" not in funder
