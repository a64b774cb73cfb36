"""Proposals decided by the member organisations, one vote each through its designee."""

from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from coalitions.align.decisions import decision_outcome
from coalitions.align.models import DecisionRule, Proposal, Vote, VoteChoice
from coalitions.connect.models import Membership
from coalitions.connect.services import require_voice, voting_membership
from coalitions.models import Coalition
from coalitions.notifications.models import NotificationKind
from coalitions.notifications.selectors import member_organisation_users
from coalitions.notifications.services import notify
from coalitions.roles import Access
from weft.errors import ApplicationError
from weft.services import locked_at, save_as
from weft.validation import require_text
from weft.vocabulary import MemberPhase


@transaction.atomic
def proposal_create(
    *, coalition: Coalition, title: str, rule: str, closes_at, created_by, **fields
):

    title = require_text(title, field="title", what="The title")
    if rule not in DecisionRule.values:
        raise ApplicationError("Choose consensus, consent or majority.", field="rule")
    if closes_at <= timezone.now():
        raise ApplicationError("The closing date must be in the future.", field="closes_at")
    review_by = fields.get("review_by")
    if review_by is not None and review_by < closes_at.date():
        raise ApplicationError("Review it after it closes.", field="review_by")
    proposal = Proposal(
        coalition=coalition,
        title=title,
        rule=rule,
        closes_at=closes_at,
        created_by=created_by,
        **fields,
    )
    proposal = save_as(proposal, user=created_by)
    notify(
        coalition_id=coalition.pk,
        kind=NotificationKind.VOTE,
        title=f"Vote open until {closes_at:%d %b %Y}: {proposal.title}",
        path=reverse("member-vote", args=[coalition.pk, proposal.pk]),
        user_ids=member_organisation_users(coalition.pk),
        key=f"vote:{proposal.pk}",
        exclude=created_by,
    )
    return proposal


@transaction.atomic
def vote_cast(*, access: Access, proposal, organisation, designee, choice: str, reason: str = ""):
    """One vote per member organisation, cast by its designee, while the proposal is open
    (recorded by the roles that run the workflow, or by the designee themself). The proposal
    row is locked so that a vote and the decision cannot cross."""
    require_voice(access, organisation)

    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if choice not in VoteChoice.values:
        raise ApplicationError("Choose agree, abstain, disagree or block.", field="choice")
    if proposal.outcome:
        raise ApplicationError(
            "This proposal has been decided: no more votes.",
            field="proposal",
            status=409,
            code="proposal_closed",
        )
    if timezone.now() >= proposal.closes_at:
        raise ApplicationError(
            f"Voting closed on {proposal.closes_at:%Y-%m-%d %H:%M}.",
            field="proposal",
            status=409,
            code="proposal_closed",
        )
    membership = voting_membership(proposal.coalition, organisation)
    if membership is None:
        raise ApplicationError(
            "Only member organisations vote (not prospects, not former members).",
            field="organisation",
        )
    if membership.designee_id is None or designee is None or designee.pk != membership.designee_id:
        raise ApplicationError(
            "Only the organisation's designee casts its vote.",
            field="designee",
            status=403,
            code="not_designee",
        )
    if Vote.objects.filter(proposal=proposal, organisation=organisation).exists():
        raise ApplicationError(
            "This organisation has already voted on this proposal.",
            field="organisation",
            status=409,
            code="already_voted",
        )
    return Vote.objects.create(
        proposal=proposal,
        organisation=organisation,
        designee=designee,
        choice=choice,
        reason=(reason or "").strip(),
        recorded_by=access.user,
        cast_at=timezone.now(),
    )


def proposal_counts(proposal) -> dict[str, int]:

    rows = proposal.votes.order_by().values("choice").annotate(n=Count("id"))
    return {row["choice"]: row["n"] for row in rows}


@transaction.atomic
def proposal_decide(*, proposal, decided_by, outcome_note: str = "", review_by=None):
    """Close a proposal and record its outcome under its rule. Allowed once voting has
    closed, or earlier when every member organisation that may vote has voted."""

    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.outcome:
        raise ApplicationError(
            "This proposal has already been decided.",
            field="proposal",
            status=409,
            code="already_decided",
        )
    now = timezone.now()
    if now < proposal.closes_at:
        voters = (
            Membership.objects.filter(coalition=proposal.coalition, left_on__isnull=True)
            .exclude(phase=MemberPhase.PROSPECT)
            .count()
        )
        if proposal.votes.count() < voters:
            raise ApplicationError(
                "Voting is still open and not every member organisation has voted.",
                field="closes_at",
                status=409,
                code="voting_open",
            )
    if review_by is not None and review_by < now.date():
        raise ApplicationError("The review date must not be in the past.", field="review_by")
    proposal.outcome = decision_outcome(proposal.rule, proposal_counts(proposal))
    proposal.decided_at = now
    proposal.outcome_note = (outcome_note or "").strip()
    if review_by is not None:
        proposal.review_by = review_by
    return save_as(proposal, user=decided_by)


@transaction.atomic
def proposal_update(*, proposal, expected_version, updated_by, **fields):
    """Change an undecided proposal: its text, its closing or review date (the rule only
    before anyone voted)."""
    proposal = locked_at(proposal, expected_version, what="This proposal")
    if proposal.outcome:
        raise ApplicationError(
            "The proposal has been decided; put a new one.",
            field="outcome",
            status=409,
            code="already_decided",
        )
    if "title" in fields:
        fields["title"] = require_text(fields["title"], field="title", what="The title")
    if "rule" in fields and fields["rule"] not in DecisionRule.values:
        raise ApplicationError("Choose consensus, consent or majority.", field="rule")
    if "rule" in fields and fields["rule"] != proposal.rule and proposal.votes.exists():
        raise ApplicationError("cannot change once organisations have voted.", field="rule")
    moved = "closes_at" in fields and fields["closes_at"] != proposal.closes_at
    if moved and fields["closes_at"] <= timezone.now():
        raise ApplicationError("The closing date must be in the future.", field="closes_at")
    for field, value in fields.items():
        setattr(proposal, field, value)
    if proposal.review_by is not None and proposal.review_by < proposal.closes_at.date():
        raise ApplicationError("Review it after it closes.", field="review_by")
    return save_as(proposal, user=updated_by)
