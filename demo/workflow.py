"""The demo coalition's weaving records (issue 7): introductions with their outcomes,
members' commitments, a decided proposal and an open one, and two health-check rounds.

Called once from coalitions/demo.py's builder, after the rest of the demo exists; uses the
builder's seeded random generator and its clock, so the same day gives the same demo."""

import datetime

from coalitions.align.models import (
    DecisionRule,
    HealthCheckAnswer,
    HealthCheckRound,
    Proposal,
    ProposalOutcome,
    Vote,
    VoteChoice,
)
from coalitions.connect.models import Commitment, CommitmentKind, IntroductionOutcome, Membership
from coalitions.connect.services import introduction_log
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

DECIDED_PROPOSAL = (
    "Back the just-cause eviction ordinance as drafted",
    "The coalition endorses Legal Aid's draft and asks Council to table it this session.",
)
OPEN_PROPOSAL = (
    "Hold the convergence rally on the day of the Council vote",
    "One rally, all members, on the steps of City Hall, instead of separate actions.",
)


def build_workflow(builder) -> None:
    coalition = builder.coalition
    weaver = builder.users[RoleName.WEAVER]
    actors = builder.actors
    rng = builder.rng
    for introduced, introduced_to, reason, days_ago, follow_up, outcome in INTRODUCTIONS:
        on = builder.ago(days_ago)
        introduction_log(
            coalition=coalition, introduced=actors[introduced],
            introduced_to=actors[introduced_to], reason=reason, introduced_on=on,
            follow_up_on=on + datetime.timedelta(days=follow_up), outcome=outcome,
            introduced_by=weaver,
        )  # fmt: skip
    memberships = {
        m.organisation.name: m
        for m in Membership.objects.filter(coalition=coalition).select_related(
            "organisation", "designee"
        )
    }
    Commitment.objects.bulk_create(
        Commitment(
            membership=memberships[organisation],
            kind=kind,
            amount=amount,
            description=what,
            due_on=builder.ago(-due_in),
            kept=kept,
        )  # fmt: skip
        for organisation, kind, amount, what, due_in, kept in COMMITMENTS
    )
    voters = [
        m
        for m in memberships.values()
        if m.designee_id and m.phase != MemberPhase.PROSPECT and m.left_on is None
    ]
    voters.sort(key=lambda m: m.organisation.name)
    _build_proposals(builder, coalition, weaver, voters, rng)
    _build_health_checks(builder, coalition, weaver, voters, rng)


def _build_proposals(builder, coalition, weaver, voters, rng) -> None:
    decided_on = builder.at(builder.ago(90), hour=18)
    decided = Proposal.objects.create(
        coalition=coalition, title=DECIDED_PROPOSAL[0], text=DECIDED_PROPOSAL[1],
        rule=DecisionRule.CONSENT, closes_at=decided_on, outcome=ProposalOutcome.ADOPTED,
        outcome_note="Adopted by consent; Local 88 asked for a review after the vote.",
        decided_at=decided_on, review_by=builder.ago(-60), created_by=weaver,
    )  # fmt: skip
    choices = [VoteChoice.AGREE] * 8 + [VoteChoice.ABSTAIN, VoteChoice.DISAGREE]
    Vote.objects.bulk_create(
        Vote(
            proposal=decided,
            organisation=m.organisation,
            designee=m.designee,
            choice=choices[i % len(choices)],
            recorded_by=weaver,
            cast_at=decided_on - datetime.timedelta(days=rng.randint(1, 9)),
        )  # fmt: skip
        for i, m in enumerate(voters)
    )
    open_proposal = Proposal.objects.create(
        coalition=coalition, title=OPEN_PROPOSAL[0], text=OPEN_PROPOSAL[1],
        rule=DecisionRule.MAJORITY, closes_at=builder.at(builder.ago(-5), hour=23),
        created_by=weaver,
    )  # fmt: skip
    Vote.objects.bulk_create(
        Vote(
            proposal=open_proposal,
            organisation=m.organisation,
            designee=m.designee,
            choice=VoteChoice.AGREE if i % 3 else VoteChoice.DISAGREE,
            recorded_by=weaver,
            cast_at=builder.at(builder.ago(1)),
        )  # fmt: skip
        for i, m in enumerate(voters[:5])
    )


def _build_health_checks(builder, coalition, weaver, voters, rng) -> None:
    # Two rounds, each closing in the middle of one of the two quarters the default report
    # compares (the last full quarter and the one before); relationships and coordination
    # improved in between.
    from coalitions.reports.figures import last_full_quarter, previous_period

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
        health_round = HealthCheckRound.objects.create(
            coalition=coalition, title=title, opens_on=builder.ago(days_ago),
            closes_on=builder.ago(days_ago - 14), opened_by=weaver,
        )  # fmt: skip
        answers = []
        for m in voters[:10]:
            scores = {name: rng.randint(2, 4) for name in HealthArea.values}
            for name in ("relationships", "coordination"):
                scores[name] = min(5, scores[name] + lift)
            answers.append(
                HealthCheckAnswer(
                    round=health_round,
                    organisation=m.organisation,
                    answered_at=builder.at(builder.ago(days_ago - 3)),
                    **scores,
                )  # fmt: skip
            )
        HealthCheckAnswer.objects.bulk_create(answers)
