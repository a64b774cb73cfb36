"""Connect's writes: members and their phases, introductions, commitments, and the
weaver's use of the metric runs' suggestions. Each is one transaction."""

import uuid
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from coalitions.connect.models import (
    Commitment,
    CommitmentKind,
    Introduction,
    IntroductionOutcome,
    Membership,
    PhaseMove,
)
from coalitions.models import Coalition
from coalitions.roles import Access, Permission
from coalitions.services import metrics_request_after_edit
from networks.models import Interaction, InteractionParticipant, Suggestion, SuggestionStatus
from weft.errors import ApplicationError
from weft.history import restore_row
from weft.services import apply_changes, delete_as, locked_at, save_as
from weft.validation import require_actor_of, require_dates_in_order, require_text
from weft.vocabulary import ActorKind, InteractionKind, MemberPhase


# ---------------------------------------------------------------------------------------------
# Memberships: every change of phase is a PhaseMove, written with the change
def _check_membership(membership: Membership) -> None:
    """The rules of a membership as it would be saved."""
    organisation = membership.organisation if membership.organisation_id else None
    require_actor_of(membership.coalition, organisation, field="organisation")
    if membership.organisation.kind == ActorKind.PERSON:
        raise ApplicationError(
            "must be an organisation, group or institution.", field="organisation"
        )
    others = Membership.objects.filter(organisation=membership.organisation)
    if others.exclude(pk=membership.pk).exists():
        raise ApplicationError("is already a member of this coalition.", field="organisation")
    if membership.designee_id is not None:
        require_actor_of(membership.coalition, membership.designee, field="designee")
        if membership.designee.kind != ActorKind.PERSON:
            raise ApplicationError("must be a person.", field="designee")
    require_dates_in_order(
        membership.joined_on, membership.left_on, start="joined_on", end="left_on"
    )


@transaction.atomic
def membership_create(*, coalition: Coalition, created_by, **fields) -> Membership:
    """Add a member (or prospect); its first phase is recorded as a move from nowhere, so the
    moves of a membership tell its whole path."""
    membership = Membership(coalition=coalition, **fields)
    _check_membership(membership)
    save_as(membership, user=created_by)
    membership.moves.create(
        from_phase="", to_phase=membership.phase, moved_by=created_by, moved_at=timezone.now()
    )
    metrics_request_after_edit(coalition_id=coalition.pk)
    return membership


@transaction.atomic
def membership_update(
    *, membership: Membership, expected_version, updated_by, **fields
) -> Membership:
    """Change a membership; a change of phase writes a PhaseMove (who, when) in the same
    transaction, from the phase the locked row was in."""
    membership = locked_at(membership, expected_version, what="This membership")
    from_phase = membership.phase
    for field, value in fields.items():
        setattr(membership, field, value)
    _check_membership(membership)
    save_as(membership, user=updated_by)
    if membership.phase != from_phase:
        membership.moves.create(
            from_phase=from_phase,
            to_phase=membership.phase,
            moved_by=updated_by,
            moved_at=timezone.now(),
        )
    metrics_request_after_edit(coalition_id=membership.coalition_id)
    return membership


@transaction.atomic
def membership_delete(*, membership: Membership, expected_version, deleted_by) -> int:
    """A membership goes, its moves and commitments with it, each deletion recorded in history
    under one batch mark (as an actor's deletion is), so that ``membership_restore`` brings the
    whole back exactly. Returns the history id of the membership's deletion (what an undo
    names)."""
    membership = locked_at(membership, expected_version, what="This membership")
    batch = f"removed with membership {membership.pk} ({uuid.uuid4().hex[:12]})"
    for row in [*membership.commitments.all(), *membership.moves.all()]:
        delete_as(row, user=deleted_by, reason=batch)
    membership_id = membership.pk
    delete_as(membership, user=deleted_by, reason=batch)
    metrics_request_after_edit(coalition_id=membership.coalition_id)
    return (
        Membership.history.filter(id=membership_id, history_type="-")
        .order_by("-history_id")
        .values_list("history_id", flat=True)
        .first()
    )


@transaction.atomic
def membership_restore(*, access: Access, membership_id: int, history_id: int) -> Membership:
    """Undo a membership's removal: the membership as it was when removed (same id, phase,
    designee, value proposition, notes and version), with the commitments and phase moves
    removed with it. Refused when the organisation is a member again meanwhile, or is gone."""
    access.require(Permission.WORKFLOW_EDIT)
    record = (
        Membership.history.filter(
            history_id=history_id, id=membership_id, coalition_id=access.coalition.pk
        )
        .select_related("history_user")
        .first()
    )
    if record is None or record.history_type != "-":
        raise Http404("No such removal of a membership.")
    organisation = (
        access.coalition.actors.filter(pk=record.organisation_id)
        .visible(include_sensitive=access.sees_sensitive)
        .first()
    )
    if organisation is None:
        raise ApplicationError(
            "The organisation was deleted since: its membership cannot be brought back.",
            field="organisation",
            status=409,
            code="conflict",
        )
    if Membership.objects.filter(pk=membership_id).exists():
        raise ApplicationError(
            "This membership is back already.", field="organisation", status=409, code="conflict"
        )
    if Membership.objects.filter(organisation_id=record.organisation_id).exists():
        raise ApplicationError(
            f"{organisation.name} is on the pipeline again since: remove that membership "
            "first, or edit it.",
            field="organisation",
            status=409,
            code="conflict",
        )
    membership = record.instance
    if (
        membership.designee_id
        and not access.coalition.actors.filter(pk=membership.designee_id).exists()
    ):
        membership.designee = None  # deleted since, as its deletion would have done
    reason = f"removal undone ({record.history_change_reason or history_id})"
    membership._history_user = access.user
    membership._change_reason = reason
    membership.save(force_insert=True)
    _keep_timestamps(record)
    if record.history_change_reason:
        for model in (PhaseMove, Commitment):
            for row in model.history.filter(
                history_type="-", history_change_reason=record.history_change_reason
            ):
                restore_row(row, user=access.user, reason=reason)
                _keep_timestamps(row)
    metrics_request_after_edit(coalition_id=access.coalition.pk)
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
    save_as(interaction, user=introduced_by)
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
    return save_as(introduction, user=introduced_by)


@transaction.atomic
def introduction_update(*, introduction, expected_version, updated_by, **fields):
    """Record what came of an introduction (its outcome, a new follow-up date, the reason).
    The two actors are what the introduction was: they are not changed."""
    introduction = locked_at(introduction, expected_version, what="This introduction")

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
    save_as(introduction, user=updated_by)
    if introduction.interaction_id and "introduced_on" in fields:
        interaction = introduction.interaction
        interaction.occurred_on = introduction.introduced_on
        save_as(interaction, user=updated_by)
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
    return save_as(commitment, user=created_by)


@transaction.atomic
def commitment_update(*, commitment, expected_version, updated_by, **fields):
    commitment = locked_at(commitment, expected_version, what="This commitment")
    if "membership" in fields and fields["membership"].pk != commitment.membership_id:
        raise ApplicationError("A commitment stays with its member.", field="membership")
    fields["amount"] = _check_commitment(
        fields.get("kind", commitment.kind), fields.get("amount", commitment.amount)
    )
    return apply_changes(commitment, fields, user=updated_by)


@transaction.atomic
def commitment_delete(*, commitment, expected_version, deleted_by) -> int:
    """A commitment goes (history keeps it). Returns the history id of its deletion (what an
    undo names)."""
    commitment = locked_at(commitment, expected_version, what="This commitment")
    commitment_id = commitment.pk
    delete_as(commitment, user=deleted_by)
    return (
        Commitment.history.filter(id=commitment_id, history_type="-")
        .order_by("-history_id")
        .values_list("history_id", flat=True)
        .first()
    )


@transaction.atomic
def commitment_restore(*, access: Access, commitment_id: int, history_id: int) -> Commitment:
    """Undo a commitment's removal: it comes back as it was (same id, version and stamps),
    while its membership is still there."""
    access.require(Permission.WORKFLOW_EDIT)
    record = Commitment.history.filter(history_id=history_id, id=commitment_id).first()
    if record is None or record.history_type != "-":
        raise Http404("No such removal of a commitment.")
    membership = Membership.objects.filter(
        pk=record.membership_id, coalition=access.coalition
    ).first()
    if membership is None:
        raise ApplicationError(
            "Its member is no longer on the pipeline: the commitment cannot be brought back.",
            field="membership",
            status=409,
            code="conflict",
        )
    if Commitment.objects.filter(pk=commitment_id).exists():
        raise ApplicationError(
            "This commitment is back already.", field="membership", status=409, code="conflict"
        )
    commitment, _ = restore_row(record, user=access.user, reason=f"removal undone ({history_id})")
    _keep_timestamps(record)
    return commitment


def _keep_timestamps(record) -> None:
    """A row brought back keeps when it was created and last changed (saving it again set
    both to now: auto_now_add and auto_now apply on every insert)."""
    stamps = {
        name: getattr(record, name)
        for name in ("created_at", "updated_at")
        if hasattr(record, name)
    }
    if stamps:
        record.instance_type.objects.filter(pk=record.id).update(**stamps)


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
            field="organisation",
            status=403,
            code="no_organisation",
        )
    membership = voting_membership(access.coalition, access.organisation_id)
    if membership is None:
        raise ApplicationError(
            "Your organisation is not a member yet (prospects and former members do not "
            "vote, answer or endorse).",
            field="organisation",
            status=403,
            code="not_member",
        )
    if access.person_id is None or membership.designee_id != access.person_id:
        raise ApplicationError(
            "Only the organisation's designee speaks for it, and your account is not linked "
            "to its designee.",
            field="designee",
            status=403,
            code="not_designee",
        )
    return membership


# -- Suggestions from metric runs
def require_voice(access: Access, organisation) -> None:
    """The user may record this organisation's voice (its vote, health-check answer,
    endorsement): the roles that run the workflow, any member organisation's; a member, only
    their own organisation's, and only while their account is its designee's."""
    access.require_speak_for(getattr(organisation, "pk", None))
    if not access.can(Permission.WORKFLOW_EDIT):
        membership_spoken_for(access)


def _open_suggestion(suggestion):

    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.status != SuggestionStatus.OPEN:
        raise ApplicationError(
            "This suggestion has already been decided.",
            field="status",
            status=409,
            code="already_decided",
        )
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
