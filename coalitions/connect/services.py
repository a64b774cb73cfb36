"""Connect's writes: members and their phases, introductions, commitments, and the
weaver's use of the metric runs' suggestions. Each is one transaction."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from coalitions.connect.models import (
    Commitment,
    CommitmentKind,
    Introduction,
    IntroductionOutcome,
    Membership,
)
from coalitions.models import Coalition
from networks.models import Interaction, InteractionParticipant, Suggestion, SuggestionStatus
from weft.errors import ApplicationError
from weft.validation import require_actor_of, require_text
from weft.vocabulary import InteractionKind, MemberPhase


# ---------------------------------------------------------------------------------------------
# Memberships: every change of phase is a PhaseMove, written with the change
@transaction.atomic
def membership_create(*, coalition: Coalition, created_by, **fields) -> Membership:
    """Add a member (or prospect); its first phase is recorded as a move from nowhere, so the
    moves of a membership tell its whole path."""
    membership = Membership(coalition=coalition, **fields)
    membership._history_user = created_by
    membership.save()
    membership.moves.create(
        from_phase="", to_phase=membership.phase, moved_by=created_by, moved_at=timezone.now()
    )
    return membership


@transaction.atomic
def membership_update(*, membership: Membership, updated_by, **fields) -> Membership:
    """Change a membership; a change of phase writes a PhaseMove (who, when) in the same
    transaction. ``membership`` should be locked by the caller: its phase before the change
    is the move's starting point."""
    from_phase = membership.phase
    for field, value in fields.items():
        setattr(membership, field, value)
    membership._history_user = updated_by
    membership.save()
    if membership.phase != from_phase:
        membership.moves.create(
            from_phase=from_phase,
            to_phase=membership.phase,
            moved_by=updated_by,
            moved_at=timezone.now(),
        )
    return membership


@transaction.atomic
def introduction_log(
    *,
    coalition: Coalition,
    introduced,
    introduced_to,
    reason: str,
    introduced_on,
    introduced_by,
    follow_up_on=None,
    outcome: str = "pending",
    suggestion=None,
):
    """Record that a weaver introduced one actor to another. The introduction is also an
    interaction between the two, written in the same transaction, so it counts as evidence
    for their relationship strength from the next metric run on."""

    require_actor_of(coalition, introduced, field="introduced")
    require_actor_of(coalition, introduced_to, field="introduced_to")
    if introduced.pk == introduced_to.pk:
        raise ApplicationError("An introduction needs two different actors.", field="introduced_to")
    reason = require_text(reason, field="reason", what="The reason for the introduction")
    if follow_up_on is not None and follow_up_on < introduced_on:
        raise ApplicationError(
            "The follow-up date must be on or after the introduction.", field="follow_up_on"
        )
    if outcome not in IntroductionOutcome.values:
        raise ApplicationError("Choose a known outcome.", field="outcome")
    interaction = Interaction(
        coalition=coalition,
        kind=InteractionKind.COMMUNICATION,
        occurred_on=introduced_on,
        summary=f"Introduction: {reason}"[:300],
        recorded_by=introduced_by,
    )
    interaction._history_user = introduced_by
    interaction.save()
    InteractionParticipant.objects.bulk_create(
        [
            InteractionParticipant(interaction=interaction, actor=introduced),
            InteractionParticipant(interaction=interaction, actor=introduced_to),
        ]
    )
    introduction = Introduction(
        coalition=coalition,
        introduced=introduced,
        introduced_to=introduced_to,
        reason=reason,
        introduced_on=introduced_on,
        follow_up_on=follow_up_on,
        outcome=outcome,
        interaction=interaction,
        suggestion=suggestion,
        introduced_by=introduced_by,
    )
    introduction._history_user = introduced_by
    introduction.save()
    return introduction


@transaction.atomic
def introduction_update(*, introduction, updated_by, **fields):
    """Record what came of an introduction (its outcome, a new follow-up date, the reason).
    The two actors are what the introduction was: they are not changed."""

    for frozen in ("introduced", "introduced_to", "coalition"):
        if frozen in fields:
            raise ApplicationError(
                "The actors of an introduction cannot be changed: log a new one.", field=frozen
            )
    if "outcome" in fields and fields["outcome"] not in IntroductionOutcome.values:
        raise ApplicationError("Choose a known outcome.", field="outcome")
    if "reason" in fields:
        fields["reason"] = require_text(fields["reason"], field="reason", what="The reason")
    for field, value in fields.items():
        setattr(introduction, field, value)
    if introduction.follow_up_on and introduction.follow_up_on < introduction.introduced_on:
        raise ApplicationError(
            "The follow-up date must be on or after the introduction.", field="follow_up_on"
        )
    introduction._history_user = updated_by
    introduction.save()
    if introduction.interaction_id and "introduced_on" in fields:
        interaction = introduction.interaction
        interaction.occurred_on = introduction.introduced_on
        interaction._history_user = updated_by
        interaction.save()
    return introduction


def _check_commitment(kind, amount) -> Decimal:

    if kind not in CommitmentKind.values:
        raise ApplicationError("Choose people, hours, money or reach.", field="kind")
    try:
        amount = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        raise ApplicationError("The amount must be a number.", field="amount") from None
    if not amount.is_finite() or amount <= 0:
        raise ApplicationError("The amount must be more than zero.", field="amount")
    if amount >= Decimal("1e10"):
        raise ApplicationError("The amount is too large.", field="amount")
    return amount


@transaction.atomic
def commitment_create(*, membership: Membership, kind: str, amount, created_by, **fields):
    """What a member promised: people, hours, money or reach, with a due date."""

    amount = _check_commitment(kind, amount)
    commitment = Commitment(membership=membership, kind=kind, amount=amount, **fields)
    commitment._history_user = created_by
    commitment.save()
    return commitment


@transaction.atomic
def commitment_update(*, commitment, updated_by, **fields):
    if "membership" in fields and fields["membership"].pk != commitment.membership_id:
        raise ApplicationError("A commitment stays with its member.", field="membership")
    fields["amount"] = _check_commitment(
        fields.get("kind", commitment.kind), fields.get("amount", commitment.amount)
    )
    for field, value in fields.items():
        setattr(commitment, field, value)
    commitment._history_user = updated_by
    commitment.save()
    return commitment


# -- Proposals and votes
def voting_membership(coalition: Coalition, organisation):
    """The organisation's current membership, if it may vote (prospects may not)."""

    return (
        Membership.objects.filter(
            coalition=coalition, organisation=organisation, left_on__isnull=True
        )
        .exclude(phase=MemberPhase.PROSPECT)
        .select_related("organisation", "designee")
        .first()
    )


def membership_spoken_for(access) -> Membership:
    """The membership a signed-in member speaks for: their organisation's, while it may vote
    and the person their account is linked to is its designee. Votes, health-check answers
    and endorsements by members all go through here; anything else is refused, naming why."""

    if access.organisation_id is None:
        raise ApplicationError(
            "Your role names no organisation: ask a steward to add yours.",
            field="organisation", status=403, code="no_organisation",
        )  # fmt: skip
    membership = voting_membership(access.coalition, access.organisation_id)
    if membership is None:
        raise ApplicationError(
            "Your organisation is not a member yet (prospects and former members do not "
            "vote, answer or endorse).",
            field="organisation", status=403, code="not_member",
        )  # fmt: skip
    if access.person_id is None or membership.designee_id != access.person_id:
        raise ApplicationError(
            "Only the organisation's designee speaks for it, and your account is not linked "
            "to its designee.",
            field="designee", status=403, code="not_designee",
        )  # fmt: skip
    return membership


# -- Suggestions from metric runs
def _open_suggestion(suggestion):

    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.status != SuggestionStatus.OPEN:
        raise ApplicationError(
            "This suggestion has already been decided.", field="status", status=409,
            code="already_decided",
        )  # fmt: skip
    return suggestion


@transaction.atomic
def suggestion_accept(*, suggestion, decided_by, reason: str = "", follow_up_on=None):
    """Turn a suggestion into a logged introduction of its two actors (today)."""

    suggestion = _open_suggestion(suggestion)
    if suggestion.other_id is None:
        raise ApplicationError(
            "This suggestion names one actor: log the introduction by hand.", field="other"
        )
    introduction = introduction_log(
        coalition=suggestion.coalition,
        introduced=suggestion.actor,
        introduced_to=suggestion.other,
        reason=(reason or "").strip() or suggestion.reason,
        introduced_on=timezone.localdate(),
        follow_up_on=follow_up_on,
        introduced_by=decided_by,
        suggestion=suggestion,
    )
    suggestion.status = SuggestionStatus.ACCEPTED
    suggestion.decided_by = decided_by
    suggestion.decided_at = timezone.now()
    suggestion.save(update_fields=["status", "decided_by", "decided_at"])
    return introduction


@transaction.atomic
def suggestion_dismiss(*, suggestion, decided_by, reason: str):

    reason = require_text(reason, field="dismissed_reason", what="The reason for dismissing it")
    suggestion = _open_suggestion(suggestion)
    suggestion.status = SuggestionStatus.DISMISSED
    suggestion.dismissed_reason = reason[:300]
    suggestion.decided_by = decided_by
    suggestion.decided_at = timezone.now()
    suggestion.save(update_fields=["status", "dismissed_reason", "decided_by", "decided_at"])
    return suggestion
