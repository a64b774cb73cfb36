"""A member organisation's designee in the browser: from the coalition's home, vote on an
open proposal and answer the open health-check round (plain forms, no JavaScript needed)."""

import datetime

import pytest
from django.utils import timezone

from coalitions.align.models import HealthCheckAnswer, Vote
from coalitions.services import role_grant
from tests.allies.factories import ActorFactory
from tests.coalitions.factories import HealthCheckRoundFactory, MembershipFactory, ProposalFactory
from tests.conftest import PASSWORD
from weft.vocabulary import ActorKind


@pytest.fixture
def designee_world(coalition, personas, member_org):
    person = ActorFactory(coalition=coalition, name="Ana Ruiz", kind=ActorKind.PERSON)
    MembershipFactory(coalition=coalition, organisation=member_org, phase="align", designee=person)
    role_grant(
        coalition=coalition,
        user=personas["member"],
        role="member",
        granted_by=personas["steward"],
        organisation=member_org,
        person=person,
    )
    proposal = ProposalFactory(
        coalition=coalition,
        title="Join the rent strike",
        rule="majority",
        closes_at=timezone.now() + datetime.timedelta(days=3),
    )
    today = timezone.localdate()
    health_round = HealthCheckRoundFactory(
        coalition=coalition,
        title="Winter round",
        opens_on=today,
        closes_on=today + datetime.timedelta(days=7),
    )
    return proposal, health_round


def test_the_designee_votes_and_answers_the_health_check(
    browser_page, sign_in, coalition, member_org, designee_world
):
    proposal, health_round = designee_world
    page = browser_page
    sign_in(page, "member", PASSWORD)
    page.js_errors.clear()
    page.goto(f"{page.base}/coalitions/{coalition.pk}/")
    page.get_by_role("link", name="vote on proposals").click()
    card = page.locator(f'[data-proposal="{proposal.pk}"]')
    assert "more organisations agree than disagree" in card.locator(".rule").text_content()
    card.get_by_label("Agree", exact=True).check()
    card.get_by_label("Reason (optional)").fill("Our members are ready")
    card.get_by_role("button", name="Cast Tenants Union's vote").click()
    page.get_by_text("Vote of Tenants Union recorded.").wait_for()
    assert "voted Agree" in card.locator("[data-own-vote]").text_content()
    assert card.get_by_role("button").count() == 0  # one vote: no second form
    vote = Vote.objects.get()
    assert (vote.organisation_id, vote.choice) == (member_org.pk, "agree")

    page.get_by_role("link", name="Health check").click()
    section = page.locator(f'[data-round="{health_round.pk}"]')
    for area, score in [
        ("purpose", 4),
        ("participation", 3),
        ("relationships", 5),
        ("structures", 2),
        ("coordination", 3),
    ]:
        section.locator(f'[data-area="{area}"] input[value="{score}"]').check()
    section.get_by_label("Comment (optional)").fill("Trust has grown")
    section.get_by_role("button", name="Send Tenants Union's answer").click()
    page.get_by_text("Answer of Tenants Union recorded.").wait_for()
    assert "Relationships and trust: 5" in section.text_content()
    answer = HealthCheckAnswer.objects.get()
    assert (answer.organisation_id, answer.relationships, answer.comment) == (
        member_org.pk,
        5,
        "Trust has grown",
    )
    assert page.js_errors == []
