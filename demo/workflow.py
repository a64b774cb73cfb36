"""The demo coalition's weaving records (issue 7): introductions with their outcomes,
members' commitments, a decided proposal and an open one, and two health-check rounds.

Called once from demo/builder.py's builder, after the rest of the demo exists; uses the
builder's seeded random generator, its clock and its users' access, and writes through the
services the weaver's pages call, so the same day gives the same demo and the demo keeps the
rules the weaver is held to."""

import datetime

from django.utils import timezone

from coalitions.align.models import (
    DecisionRule,
    HealthCheckAnswer,
    HealthCheckRound,
    Proposal,
    Vote,
    VoteChoice,
)
from coalitions.align.services.health import health_answer_record, health_round_open
from coalitions.align.services.proposals import proposal_create, proposal_decide, vote_cast
from coalitions.connect.models import CommitmentKind, IntroductionOutcome, Membership
from coalitions.connect.services import commitment_create, introduction_log
from coalitions.models import RoleName
from weft.vocabulary import HealthArea, MemberPhase

O = IntroductionOutcome  # noqa: E741 - short aliases for the tables below
K = CommitmentKind

# (introduced, introduced to, because, days ago, follow-up after days, outcome)
# fmt: off
INTRODUCTIONS = (
    ("Masjid al-Noor", "Riverside Interfaith Council",
     "Both run food pantries in the Eastside; the Council asked how to reach Muslim families.",
     75, 14, O.MET),
    ("Youth for Housing Justice", "Riverside Tenants Union",
     "Youth want to train as canvassers; the Union needs canvassers before the hearing.",
     60, 21, O.WORKING_TOGETHER),
    ("Disability Rights Riverside", "Riverside Legal Aid",
     "Accessible units belong in the ordinance; Legal Aid is drafting it.", 45, 14,
     O.WORKING_TOGETHER),
    ("Riverside Senior Advocates", "Maple Court Tenants' Committee",
     "Seniors on fixed incomes face the same Crestline rent rises.", 30, 10, O.NO_FOLLOW_UP),
    ("Riverside Habitat Partners", "Northside Community Land Trust",
     "Habitat builds, the Trust holds land: a permanent-affordability project.", 12, 14,
     O.PENDING),
)

# (organisation, kind, amount, what, due in days (negative: past), kept)
COMMITMENTS = (
    ("Riverside Tenants Union", K.PEOPLE, 40, "Ward-walk canvassers", -30, True),
    ("Service Workers Union Local 512", K.MONEY, 2500, "Printing", -20, True),
    ("Bethel AME Church", K.HOURS, 60, "Hall and volunteers for the rally", -10, True),
    ("Riverside Teachers Federation", K.REACH, 2000, "Members emailed", -5, False),
    ("Riverside Legal Aid", K.HOURS, 80, "Drafting the ordinance text", 20, None),
    ("Youth for Housing Justice", K.PEOPLE, 15, "Social media team", 30, None),
)
# fmt: on

VOTING = datetime.timedelta(days=14)  # a proposal is put a fortnight before it closes
DECIDED_PROPOSAL = (
    "Back the just-cause eviction ordinance as drafted",
    "The coalition endorses Legal Aid's draft and asks Council to table it this session.",
)
OPEN_PROPOSAL = (
    "Hold the convergence rally on the day of the Council vote",
    "One rally, all members, on the steps of City Hall, instead of separate actions.",
)


def build_workflow(builder) -> None:
    weaver = builder.users[RoleName.WEAVER]
    _log_introductions(builder)
    memberships = {
        m.organisation.name: m
        for m in Membership.objects.filter(coalition=builder.coalition).select_related(
            "organisation", "designee"
        )
    }
    for organisation, kind, amount, what, due_in, kept in COMMITMENTS:
        commitment = commitment_create(
            membership=memberships[organisation],
            kind=kind,
            amount=amount,
            created_by=weaver,
            description=what,
            due_on=builder.ago(-due_in),
            kept=kept,
        )
        # Promised about six weeks before it falls due (never after today).
        builder.happened(commitment, builder.ago(max(1, 45 - due_in)))
    voters = [
        m
        for m in memberships.values()
        if m.designee_id and m.phase != MemberPhase.PROSPECT and m.left_on is None
    ]
    voters.sort(key=lambda m: m.organisation.name)
    _build_decided_proposal(builder, voters)
    _build_open_proposal(builder, voters)
    _build_health_checks(builder, voters)


def _log_introductions(builder) -> None:
    actors = builder.actors
    for introduced, introduced_to, reason, days_ago, follow_up, outcome in INTRODUCTIONS:
        on = builder.ago(days_ago)
        introduction = introduction_log(
            coalition=builder.coalition,
            introduced=actors[introduced],
            introduced_to=actors[introduced_to],
            reason=reason,
            introduced_on=on,
            follow_up_on=on + datetime.timedelta(days=follow_up),
            outcome=outcome,
            introduced_by=builder.users[RoleName.WEAVER],
        )
        builder.happened(introduction, on)
        builder.happened(introduction.interaction, on)


def _build_decided_proposal(builder, voters) -> None:
    """Put, voted on by every member and decided: all three now, since a proposal is put with
    a closing date ahead and takes no vote once closed; then the time machine moves them to
    the story's days."""
    weaver = builder.access[RoleName.WEAVER]
    decided_on = builder.at(builder.ago(90), hour=18)
    title, text = DECIDED_PROPOSAL
    decided = proposal_create(
        coalition=builder.coalition,
        title=title,
        text=text,
        rule=DecisionRule.CONSENT,
        closes_at=timezone.now() + datetime.timedelta(days=1),
        created_by=weaver.user,
    )
    builder.past.happened(decided, decided_on - VOTING)
    choices = [VoteChoice.AGREE] * 8 + [VoteChoice.ABSTAIN, VoteChoice.DISAGREE]
    votes = []
    for i, m in enumerate(voters):
        vote = vote_cast(
            access=weaver,
            proposal=decided,
            organisation=m.organisation,
            designee=m.designee,
            choice=choices[i % len(choices)],
        )
        vote.cast_at = decided_on - datetime.timedelta(days=builder.rng.randint(1, 9))
        votes.append(vote)
    # Every member organisation has voted: it is decided before it closes (adopted by consent).
    review_by = builder.ago(-60)
    proposal_decide(
        proposal=decided,
        decided_by=weaver.user,
        outcome_note="Adopted by consent; Local 88 asked for a review after the vote.",
        review_by=builder.real(review_by),
    )
    builder.past.happened(decided, decided_on)
    # The time machine.
    Vote.objects.bulk_update(votes, ["cast_at"])
    Proposal.objects.filter(pk=decided.pk).update(
        closes_at=decided_on, decided_at=decided_on, review_by=review_by
    )


def _build_open_proposal(builder, voters) -> None:
    weaver = builder.access[RoleName.WEAVER]
    title, text = OPEN_PROPOSAL
    closes_at = builder.at(builder.ago(-5), hour=23)
    proposal = proposal_create(
        coalition=builder.coalition,
        title=title,
        text=text,
        rule=DecisionRule.MAJORITY,
        closes_at=builder.real(closes_at),
        created_by=weaver.user,
    )
    builder.past.happened(proposal, closes_at - VOTING)
    votes = [
        vote_cast(
            access=weaver,
            proposal=proposal,
            organisation=m.organisation,
            designee=m.designee,
            choice=VoteChoice.AGREE if i % 3 else VoteChoice.DISAGREE,
        )
        for i, m in enumerate(voters[:5])
    ]
    # The time machine: the votes came in yesterday (and a demo built for another day than
    # today closes in its own story).
    for vote in votes:
        vote.cast_at = builder.at(builder.ago(1))
    Vote.objects.bulk_update(votes, ["cast_at"])
    if builder.shift:
        Proposal.objects.filter(pk=proposal.pk).update(closes_at=closes_at)


def _scores(rng, lift: int) -> dict[str, int]:
    scores = {name: rng.randint(2, 4) for name in HealthArea.values}
    for name in ("relationships", "coordination"):
        scores[name] = min(5, scores[name] + lift)
    return scores


def _build_health_checks(builder, voters) -> None:
    # Two rounds, each closing in the middle of one of the two quarters the default report
    # compares (the last full quarter and the one before); relationships and coordination
    # improved in between.
    from coalitions.reports.figures import last_full_quarter, previous_period

    weaver = builder.access[RoleName.WEAVER]
    last = last_full_quarter(builder.today)
    before = previous_period(*last)
    rounds = []
    for title, (start, end), lift in (
        ("Health check, first round", before, 0),
        ("Health check, second round", last, 1),
    ):
        closes_on = start + (end - start) / 2
        rounds.append((title, (builder.today - closes_on).days + 14, lift))
    for title, days_ago, lift in rounds:
        # A round takes answers only while it is open: it is opened today for a fortnight and
        # answered, then the time machine moves it and its answers to the story's days.
        opens_on = timezone.localdate()
        health_round = health_round_open(
            coalition=builder.coalition,
            title=title,
            opens_on=opens_on,
            closes_on=opens_on + datetime.timedelta(days=14),
            opened_by=weaver.user,
        )
        answers = [
            health_answer_record(
                access=weaver,
                round=health_round,
                organisation=m.organisation,
                scores=_scores(builder.rng, lift),
            )
            for m in voters[:10]
        ]
        HealthCheckRound.objects.filter(pk=health_round.pk).update(
            opens_on=builder.ago(days_ago), closes_on=builder.ago(days_ago - 14)
        )
        for answer in answers:
            answer.answered_at = builder.at(builder.ago(days_ago - 3))
        HealthCheckAnswer.objects.bulk_update(answers, ["answered_at"])
