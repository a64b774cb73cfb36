"""The weaver's workflow services: introductions, commitments, proposals and votes, health
checks, feedback rounds, suggestions. Every refusal of the issue's "Bad input and abuse" list,
each with the field it names, and nothing half written."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from allies.models import Actor
from coalitions.align.models import (
    FeedbackComment,
    HealthCheckAnswer,
    Proposal,
    StatementStatus,
    Vote,
)
from coalitions.align.selectors import health_round_summary
from coalitions.align.services.health import health_answer_record, health_round_open
from coalitions.align.services.proposals import proposal_create, proposal_decide, vote_cast
from coalitions.align.services.statements import (
    feedback_comment_add,
    feedback_round_open,
    statement_create,
)
from coalitions.connect.models import Commitment, Introduction
from coalitions.connect.services import (
    commitment_create,
    commitment_update,
    introduction_log,
    suggestion_accept,
    suggestion_dismiss,
)
from coalitions.roles import access_for
from networks.models import Interaction
from tests.coalitions.factories import (
    HealthCheckAnswerFactory,
    MembershipFactory,
    UnityStatementFactory,
)
from tests.networks.factories import MetricRunFactory, SuggestionFactory
from weft.errors import ApplicationError
from weft.versions import ANY_VERSION
from weft.vocabulary import ActorKind

DAY = datetime.timedelta(days=1)


@pytest.fixture
def weaver(personas):
    return personas["weaver"]


@pytest.fixture
def members(coalition, orgs, people):
    """Three voting member organisations (each with its designee) and one prospect."""
    rows = []
    for i in range(3):
        rows.append(
            MembershipFactory(
                coalition=coalition, organisation=orgs[i], phase="align", designee=people[i]
            )
        )
    MembershipFactory(
        coalition=coalition, organisation=orgs[3], phase="prospect", designee=people[3]
    )
    return rows


def refused(call, field: str, **kwargs):
    with pytest.raises(ApplicationError) as caught:
        call(**kwargs)
    assert caught.value.field == field, caught.value.message
    return caught.value


# -- Introductions


def test_an_introduction_is_also_an_interaction_of_the_two(coalition, orgs, weaver):
    introduction = introduction_log(
        coalition=coalition,
        introduced=orgs[0],
        introduced_to=orgs[1],
        reason="Both organise tenants on the east side",
        introduced_on=datetime.date(2026, 5, 1),
        follow_up_on=datetime.date(2026, 5, 15),
        introduced_by=weaver,
    )
    interaction = introduction.interaction
    assert interaction.occurred_on == datetime.date(2026, 5, 1)
    assert set(interaction.participants.all()) == {orgs[0], orgs[1]}
    assert interaction.summary.startswith("Introduction: Both organise")


def test_an_introduction_needs_two_actors_and_a_reason_and_writes_nothing_when_refused(
    coalition, orgs, weaver
):
    day = datetime.date(2026, 5, 1)
    base = {
        "coalition": coalition,
        "introduced": orgs[0],
        "introduced_on": day,
        "introduced_by": weaver,
    }
    refused(introduction_log, "introduced_to", introduced_to=orgs[0], reason="x", **base)
    refused(introduction_log, "reason", introduced_to=orgs[1], reason="  ", **base)
    refused(
        introduction_log,
        "follow_up_on",
        introduced_to=orgs[1],
        reason="x",
        follow_up_on=day - DAY,
        **base,
    )
    assert not Introduction.objects.exists()
    assert not Interaction.objects.exists()


# -- Commitments


@pytest.mark.parametrize("amount", [-5, 0, "abc"])
def test_a_commitment_with_a_negative_or_zero_amount_is_refused(members, weaver, amount):
    error = refused(
        commitment_create,
        "amount",
        membership=members[0],
        kind="hours",
        amount=amount,
        created_by=weaver,
    )
    assert "amount" in error.message.lower()
    assert not Commitment.objects.exists()


def test_a_commitment_records_what_and_by_when(members, weaver):
    commitment = commitment_create(
        membership=members[0],
        kind="money",
        amount="250.00",
        created_by=weaver,
        due_on=datetime.date(2026, 7, 1),
        description="Printing",
    )
    assert commitment.amount == Decimal("250.00")
    commitment_update(
        commitment=commitment, expected_version=ANY_VERSION, updated_by=weaver, kept=True
    )
    commitment.refresh_from_db()
    assert commitment.kept is True
    refused(
        commitment_update,
        "amount",
        commitment=commitment,
        expected_version=ANY_VERSION,
        updated_by=weaver,
        amount=-1,
    )


# -- Proposals and votes


def _proposal(coalition, weaver, rule="majority", days=3):
    return proposal_create(
        coalition=coalition,
        title="Adopt the rent platform",
        rule=rule,
        closes_at=timezone.now() + days * DAY,
        created_by=weaver,
    )


def _vote(proposal, membership, choice, weaver):
    return vote_cast(
        access=access_for(weaver, proposal.coalition_id),
        proposal=proposal,
        organisation=membership.organisation,
        designee=membership.designee,
        choice=choice,
    )


def test_a_vote_by_someone_who_is_not_the_designee_is_refused(coalition, members, people, weaver):
    proposal = _proposal(coalition, weaver)
    error = refused(
        vote_cast,
        "designee",
        proposal=proposal,
        organisation=members[0].organisation,
        designee=people[5],
        choice="agree",
        access=access_for(weaver, coalition.pk),
    )
    assert "designee" in error.message
    assert not Vote.objects.exists()


def test_a_second_vote_by_the_same_organisation_is_refused(coalition, members, weaver):
    proposal = _proposal(coalition, weaver)
    _vote(proposal, members[0], "agree", weaver)
    error = refused(
        _vote,
        "organisation",
        proposal=proposal,
        membership=members[0],
        choice="block",
        weaver=weaver,
    )
    assert error.status == 409 and "already voted" in error.message
    assert list(Vote.objects.values_list("choice", flat=True)) == ["agree"]


def test_a_vote_after_closing_is_refused(coalition, members, weaver):
    proposal = _proposal(coalition, weaver)
    Proposal.objects.filter(pk=proposal.pk).update(closes_at=timezone.now() - DAY)
    error = refused(
        _vote, "proposal", proposal=proposal, membership=members[0], choice="agree", weaver=weaver
    )
    assert "closed" in error.message


def test_a_prospect_does_not_vote(coalition, members, orgs, people, weaver):
    proposal = _proposal(coalition, weaver)
    refused(
        vote_cast,
        "organisation",
        proposal=proposal,
        organisation=orgs[3],
        designee=people[3],
        choice="agree",
        access=access_for(weaver, coalition.pk),
    )


@pytest.mark.parametrize(
    "rule,choices,outcome",
    [
        ("consensus", ["agree", "agree", "abstain"], "adopted"),
        ("consensus", ["agree", "agree", "block"], "rejected"),
        ("consensus", ["agree", "agree", "disagree"], "rejected"),
        ("consent", ["agree", "disagree", "disagree"], "adopted"),
        ("consent", ["agree", "agree", "block"], "rejected"),
        ("majority", ["agree", "agree", "disagree"], "adopted"),
        ("majority", ["agree", "disagree", "block"], "rejected"),
        ("majority", ["agree", "abstain", "abstain"], "adopted"),
    ],
)
def test_each_decision_rule_counts_one_vote_per_organisation(
    coalition, members, weaver, rule, choices, outcome
):
    proposal = _proposal(coalition, weaver, rule=rule)
    for membership, choice in zip(members, choices, strict=True):
        _vote(proposal, membership, choice, weaver)
    # Every voting member has voted: it can be decided before the closing date.
    review = timezone.localdate() + 90 * DAY
    decided = proposal_decide(proposal=proposal, decided_by=weaver, review_by=review)
    assert decided.outcome == outcome
    assert decided.decided_at is not None and decided.review_by == review
    refused(
        _vote, "proposal", proposal=proposal, membership=members[0], choice="agree", weaver=weaver
    )


def test_a_proposal_is_not_decided_while_voting_is_open_and_members_have_not_voted(
    coalition, members, weaver
):
    proposal = _proposal(coalition, weaver)
    _vote(proposal, members[0], "agree", weaver)
    refused(proposal_decide, "closes_at", proposal=proposal, decided_by=weaver)
    proposal.refresh_from_db()
    assert proposal.outcome == ""


def test_a_proposal_closing_in_the_past_is_refused(coalition, weaver):
    refused(
        proposal_create,
        "closes_at",
        coalition=coalition,
        title="Late",
        rule="consent",
        closes_at=timezone.now() - DAY,
        created_by=weaver,
    )


# -- Health check


def _answer(health_round, membership, weaver, **scores):
    values = {
        "purpose": 3,
        "participation": 3,
        "relationships": 3,
        "structures": 3,
        "coordination": 3,
    }
    values.update(scores)
    return health_answer_record(
        access=access_for(weaver, health_round.coalition_id),
        round=health_round,
        organisation=membership.organisation,
        scores=values,
    )


def test_health_check_summary_has_averages_spread_and_trend(coalition, members, weaver):
    today = timezone.localdate()
    first = health_round_open(
        coalition=coalition,
        title="Spring",
        opens_on=today - 90 * DAY,
        closes_on=today - 80 * DAY,
        opened_by=weaver,
    )
    HealthCheckAnswerFactory(
        round=first,
        organisation=members[0].organisation,
        purpose=2,
        participation=2,
        relationships=2,
        structures=2,
        coordination=2,
        answered_at=timezone.now(),
    )
    second = health_round_open(
        coalition=coalition,
        title="Summer",
        opens_on=today,
        closes_on=today + 7 * DAY,
        opened_by=weaver,
    )
    HealthCheckAnswerFactory(
        round=first,
        organisation=members[1].organisation,
        purpose=2,
        participation=3,
        relationships=3,
        structures=3,
        coordination=3,
        answered_at=timezone.now(),
    )
    _answer(second, members[0], weaver, purpose=5)
    _answer(second, members[1], weaver, purpose=3)
    coalition.reports_small_count_threshold = 2
    coalition.save(update_fields=["reports_small_count_threshold"])
    summary = health_round_summary(second, include_sensitive=True)
    assert summary["answers"] == 2 and summary["previous_round"] == first.pk
    assert summary["withheld"] is False
    purpose = summary["dimensions"]["purpose"]
    assert purpose == {
        "average": 4.0,
        "lowest": 3,
        "highest": 5,
        "spread": 1.0,
        "previous_average": 2.0,
        "change": 2.0,
    }


def test_a_health_round_with_fewer_answers_than_the_threshold_shows_no_scores(
    coalition, members, weaver, client_for
):
    """One answer's "average" is that organisation's scores: withheld on the page and the
    API, and so is a change against such a round."""
    today = timezone.localdate()
    lonely = health_round_open(
        coalition=coalition, title="Spring", opens_on=today, closes_on=today, opened_by=weaver
    )
    _answer(lonely, members[0], weaver, purpose=1, coordination=4)
    summary = health_round_summary(lonely, include_sensitive=True)
    assert summary["answers"] == 1 and summary["withheld"] and summary["threshold"] == 3
    for figures in summary["dimensions"].values():
        assert set(figures.values()) == {None}
    for role in ("weaver", "organizer", "steward"):
        page = client_for(role).get(reverse("workflow-health", args=[coalition.pk]))
        text = page.content.decode()
        assert "fewer than 3 answers" in text, role
        assert not re.search(r"<td>\s*[1-5](\.0+)?\s*</td>", text), role
        api = client_for(role).get(
            f"/api/v1/coalitions/{coalition.pk}/health-checks/{lonely.pk}/summary/"
        )
        assert api.status_code == 200 and api.json()["withheld"] is True, role
        assert api.json()["dimensions"]["purpose"]["average"] is None
    for role in ("member", "funder"):
        page = client_for(role).get(reverse("workflow-health", args=[coalition.pk]))
        assert page.status_code in (302, 403, 404), role


def test_a_health_check_answer_is_once_per_organisation_within_1_to_5_while_open(
    coalition, members, weaver
):
    today = timezone.localdate()
    health_round = health_round_open(
        coalition=coalition, title="Now", opens_on=today, closes_on=today, opened_by=weaver
    )
    refused(
        _answer,
        "coordination",
        health_round=health_round,
        membership=members[0],
        weaver=weaver,
        coordination=6,
    )
    _answer(health_round, members[0], weaver)
    refused(
        _answer, "organisation", health_round=health_round, membership=members[0], weaver=weaver
    )
    closed = health_round_open(
        coalition=coalition,
        title="Past",
        opens_on=today - 9 * DAY,
        closes_on=today - 2 * DAY,
        opened_by=weaver,
    )
    refused(_answer, "round", health_round=closed, membership=members[1], weaver=weaver)
    assert HealthCheckAnswer.objects.count() == 1


# -- Feedback rounds


def test_a_comment_after_the_feedback_round_closed_is_refused(coalition, weaver, personas):
    statement = statement_create(
        coalition=coalition,
        title="Unity",
        body="First paragraph.\n\nSecond one.",
        created_by=weaver,
    )
    feedback_round = feedback_round_open(
        statement=statement, closes_at=timezone.now() + DAY, opened_by=weaver
    )
    statement.refresh_from_db()
    assert statement.status == StatementStatus.FEEDBACK
    feedback_comment_add(
        round=feedback_round,
        paragraph=2,
        body="Say who",
        access=access_for(personas["member"], coalition.pk),
    )
    refused(
        feedback_comment_add,
        "paragraph",
        round=feedback_round,
        paragraph=3,
        body="x",
        access=access_for(weaver, coalition.pk),
    )
    feedback_round.closes_at = timezone.now() - datetime.timedelta(seconds=1)
    feedback_round.opened_at = feedback_round.closes_at - DAY
    feedback_round.save()
    error = refused(
        feedback_comment_add,
        "round",
        round=feedback_round,
        paragraph=1,
        body="Too late",
        access=access_for(weaver, coalition.pk),
    )
    assert "closed" in error.message
    assert FeedbackComment.objects.count() == 1


def test_no_feedback_round_on_a_published_statement(coalition, weaver):
    statement = UnityStatementFactory(coalition=coalition, title="Done", status="published")
    refused(
        feedback_round_open,
        "status",
        statement=statement,
        closes_at=timezone.now() + DAY,
        opened_by=weaver,
    )


# -- Suggestions


@pytest.fixture
def suggestion(coalition, orgs):
    run = MetricRunFactory(
        coalition=coalition, input_hash="1" * 64, computed_for=timezone.localdate()
    )
    return SuggestionFactory(
        run=run,
        coalition=coalition,
        kind="introduction",
        actor=orgs[0],
        other=orgs[1],
        score=3,
        reason="Three partners in common",
    )


def test_accepting_a_suggestion_logs_an_introduction_once(suggestion, weaver):
    introduction = suggestion_accept(suggestion=suggestion, decided_by=weaver)
    suggestion.refresh_from_db()
    assert suggestion.status == "accepted" and suggestion.decided_by == weaver
    assert introduction.suggestion == suggestion
    assert introduction.reason == "Three partners in common"
    assert introduction.interaction is not None
    refused(suggestion_accept, "status", suggestion=suggestion, decided_by=weaver)
    assert Introduction.objects.count() == 1


def test_dismissing_a_suggestion_needs_a_reason(suggestion, weaver):
    refused(
        suggestion_dismiss, "dismissed_reason", suggestion=suggestion, decided_by=weaver, reason=" "
    )
    suggestion_dismiss(suggestion=suggestion, decided_by=weaver, reason="Rivals")
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.dismissed_reason) == ("dismissed", "Rivals")


def test_a_suggestion_of_one_actor_is_not_an_introduction(suggestion, weaver):
    suggestion.other = None
    suggestion.kind = "periphery"
    suggestion.save()
    refused(suggestion_accept, "other", suggestion=suggestion, decided_by=weaver)
    assert not Actor.objects.filter(kind=ActorKind.PERSON, name="x").exists()
