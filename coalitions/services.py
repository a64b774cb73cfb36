"""Writes about coalitions and roles. Each is one transaction with its audit row."""

import hashlib
import secrets
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone

from allies.models import Actor, ActorKind
from coalitions.decisions import decision_outcome
from coalitions.models import (
    HEALTH_DIMENSIONS,
    AuditAction,
    AuditEntry,
    Coalition,
    CoalitionPhase,
    Commitment,
    CommitmentKind,
    DecisionRule,
    Endorsement,
    FeedbackComment,
    FeedbackRound,
    HealthCheckAnswer,
    HealthCheckRound,
    Introduction,
    IntroductionOutcome,
    MemberPhase,
    Membership,
    Principle,
    Proposal,
    Role,
    RoleName,
    Signature,
    StatementStatus,
    StatementVersion,
    UnityStatement,
    Vote,
    VoteChoice,
)
from coalitions.text import paragraphs_of
from networks.models import (
    Interaction,
    InteractionKind,
    InteractionParticipant,
    Suggestion,
    SuggestionStatus,
)
from weft.errors import ApplicationError


def audit_record(
    *, coalition: Coalition | None, user, action: AuditAction, **details
) -> AuditEntry:
    """Write one audit row. ``details`` must hold ids and counts only, never personal data."""
    return AuditEntry.objects.create(
        coalition=coalition,
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        details=details,
    )


@transaction.atomic
def coalition_create(*, name: str, created_by, **fields) -> Coalition:
    """Create a coalition; its creator becomes its first steward."""
    name = (name or "").strip()
    if not name:
        raise ApplicationError("A coalition needs a name.", field="name")
    coalition = Coalition.objects.create(name=name, created_by=created_by, **fields)
    Role.objects.create(
        coalition=coalition,
        user=created_by,
        role=RoleName.STEWARD,
        granted_by=created_by,
        granted_at=timezone.now(),
    )
    audit_record(
        coalition=coalition,
        user=created_by,
        action=AuditAction.COALITION_CREATED,
        coalition_id=coalition.pk,
    )
    audit_record(
        coalition=coalition,
        user=created_by,
        action=AuditAction.ROLE_GRANTED,
        user_id=created_by.pk,
        role=RoleName.STEWARD.value,
    )
    return coalition


_KEEP = object()  # role_grant: keep the person the current role names


@transaction.atomic
def role_grant(
    *,
    coalition: Coalition,
    user,
    role: RoleName | str,
    granted_by,
    organisation=None,
    person=_KEEP,
) -> Role:
    """Give ``user`` a role in ``coalition``, replacing their current one if any. The old row
    is revoked, not changed, so the history of who held what is kept. ``person`` is who the
    user is on the map (an actor of kind person); left out, the current role's is kept."""
    role = RoleName(role)
    if organisation is not None and organisation.coalition_id != coalition.pk:
        raise ApplicationError(
            "The member's organisation must belong to this coalition.", field="organisation"
        )
    now = timezone.now()
    # Lock the user's current role row so two stewards changing it at once cannot both win.
    current = (
        Role.objects.select_for_update().current().filter(coalition=coalition, user=user).first()
    )
    if person is _KEEP:
        person = current.person if current is not None else None
    if person is not None:
        if person.coalition_id != coalition.pk or person.kind != ActorKind.PERSON:
            raise ApplicationError("Choose a person of this coalition.", field="person")
        taken = Role.objects.current().filter(coalition=coalition, person=person)
        if taken.exclude(user=user).exists():
            raise ApplicationError(
                "Another account is already linked to this person.", field="person",
                status=409, code="person_taken",
            )  # fmt: skip
    if current is not None:
        if (
            current.role == role
            and current.organisation_id == getattr(organisation, "pk", None)
            and current.person_id == getattr(person, "pk", None)
        ):
            return current
        if current.role == RoleName.STEWARD and role != RoleName.STEWARD:
            _keep_a_steward(coalition, leaving=user)
        current.revoked_at = now
        current.revoked_by = granted_by
        current.save(update_fields=["revoked_at", "revoked_by"])
    new = Role.objects.create(
        coalition=coalition,
        user=user,
        role=role,
        organisation=organisation,
        person=person,
        granted_by=granted_by,
        granted_at=now,
    )
    audit_record(
        coalition=coalition,
        user=granted_by,
        action=AuditAction.ROLE_CHANGED if current else AuditAction.ROLE_GRANTED,
        user_id=user.pk,
        role=role.value,
        previous_role=current.role if current else None,
    )
    return new


@transaction.atomic
def role_revoke(*, coalition: Coalition, user, revoked_by) -> None:
    current = (
        Role.objects.select_for_update().current().filter(coalition=coalition, user=user).first()
    )
    if current is None:
        raise ApplicationError("This user holds no role in the coalition.", field="user")
    if current.role == RoleName.STEWARD:
        _keep_a_steward(coalition, leaving=user)
    current.revoked_at = timezone.now()
    current.revoked_by = revoked_by
    current.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        coalition=coalition,
        user=revoked_by,
        action=AuditAction.ROLE_REVOKED,
        user_id=user.pk,
        previous_role=current.role,
    )


def _keep_a_steward(coalition: Coalition, *, leaving) -> None:
    """A coalition without a steward could never grant a role or export its data again."""
    others = Role.objects.current().filter(coalition=coalition, role=RoleName.STEWARD)
    if not others.exclude(user=leaving).exists():
        raise ApplicationError(
            "A coalition keeps at least one steward: make someone else steward first.",
            field="role",
            status=409,
            code="last_steward",
        )


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


# ---------------------------------------------------------------------------------------------
# Unity statements


@transaction.atomic
def statement_create(
    *, coalition: Coalition, title: str, created_by, body: str = "", **fields
) -> UnityStatement:
    """A new statement, with its first version when a text is given."""
    statement = UnityStatement(coalition=coalition, title=title, created_by=created_by, **fields)
    publishing = statement.status == StatementStatus.PUBLISHED
    statement._history_user = created_by
    statement.save()
    if body:
        StatementVersion.objects.create(
            statement=statement, number=1, body=body, created_by=created_by
        )
    if publishing:
        _publish_latest_version(statement)
    return statement


@transaction.atomic
def statement_update(*, statement: UnityStatement, updated_by, **fields) -> UnityStatement:
    """Change a statement's title or status. Publishing it publishes its latest version: the
    text organisations sign."""
    was_published = statement.status == StatementStatus.PUBLISHED
    for field, value in fields.items():
        setattr(statement, field, value)
    if statement.status == StatementStatus.PUBLISHED and not was_published:
        _publish_latest_version(statement)
    statement._history_user = updated_by
    statement.save()
    return statement


@transaction.atomic
def statement_version_add(*, statement: UnityStatement, body: str, created_by) -> StatementVersion:
    """The next version of a statement's text. The statement row is locked so that two writers
    cannot take the same number, and saved so that its ETag moves (its latest version number
    is part of what clients read)."""
    statement = UnityStatement.objects.select_for_update().get(pk=statement.pk)
    if statement.status not in (StatementStatus.DRAFT, StatementStatus.FEEDBACK):
        # A published text is what organisations signed; it is revised as a draft again.
        raise ApplicationError(
            "Versions are added while the statement is a draft or open for feedback.",
            field="status",
            status=409,
            code="statement_not_draft",
        )
    latest = statement.versions.aggregate(number=Max("number"))["number"] or 0
    version = StatementVersion.objects.create(
        statement=statement, number=latest + 1, body=body, created_by=created_by
    )
    statement._history_user = created_by
    statement.save(update_fields=["updated_at"])
    return version


def _publish_latest_version(statement: UnityStatement) -> None:
    latest = statement.versions.order_by("-number").first()
    if latest is None:
        raise ApplicationError(
            "A statement needs a text before it is published: add a version first.",
            field="status",
        )
    if latest.published_at is None:
        latest.published_at = timezone.now()
        latest.save(update_fields=["published_at"])
        # Organisations that signed an earlier text are asked to sign this one.
        signatures_ask_reconfirm(version=latest)


# ---------------------------------------------------------------------------------------------
# The weaver's workflow. Each refusal names the field at fault; nothing is half written.


def require_text(value: str, *, field: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ApplicationError(f"{what} must not be blank.", field=field)
    return value


def require_actor_of(coalition: Coalition, actor, *, field: str) -> None:
    if actor is None or actor.coalition_id != coalition.pk:
        raise ApplicationError("Choose an actor of this coalition.", field=field)


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
        coalition=coalition, title=title, rule=rule, closes_at=closes_at, created_by=created_by,
        **fields,
    )  # fmt: skip
    proposal._history_user = created_by
    proposal.save()
    return proposal


@transaction.atomic
def vote_cast(*, proposal, organisation, designee, choice: str, recorded_by, reason: str = ""):
    """One vote per member organisation, cast by its designee, while the proposal is open.
    The proposal row is locked so that a vote and the decision cannot cross."""

    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if choice not in VoteChoice.values:
        raise ApplicationError("Choose agree, abstain, disagree or block.", field="choice")
    if proposal.outcome:
        raise ApplicationError(
            "This proposal has been decided: no more votes.",
            field="proposal", status=409, code="proposal_closed",
        )  # fmt: skip
    if timezone.now() >= proposal.closes_at:
        raise ApplicationError(
            f"Voting closed on {proposal.closes_at:%Y-%m-%d %H:%M}.",
            field="proposal", status=409, code="proposal_closed",
        )  # fmt: skip
    membership = voting_membership(proposal.coalition, organisation)
    if membership is None:
        raise ApplicationError(
            "Only member organisations vote (not prospects, not former members).",
            field="organisation",
        )
    if membership.designee_id is None or designee is None or designee.pk != membership.designee_id:
        raise ApplicationError(
            "Only the organisation's designee casts its vote.", field="designee", status=403,
            code="not_designee",
        )  # fmt: skip
    if Vote.objects.filter(proposal=proposal, organisation=organisation).exists():
        raise ApplicationError(
            "This organisation has already voted on this proposal.",
            field="organisation", status=409, code="already_voted",
        )  # fmt: skip
    return Vote.objects.create(
        proposal=proposal, organisation=organisation, designee=designee, choice=choice,
        reason=(reason or "").strip(), recorded_by=recorded_by, cast_at=timezone.now(),
    )  # fmt: skip


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
            "This proposal has already been decided.", field="proposal", status=409,
            code="already_decided",
        )  # fmt: skip
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
                field="closes_at", status=409, code="voting_open",
            )  # fmt: skip
    if review_by is not None and review_by < now.date():
        raise ApplicationError("The review date must not be in the past.", field="review_by")
    proposal.outcome = decision_outcome(proposal.rule, proposal_counts(proposal))
    proposal.decided_at = now
    proposal.outcome_note = (outcome_note or "").strip()
    if review_by is not None:
        proposal.review_by = review_by
    proposal._history_user = decided_by
    proposal.save()
    return proposal


# -- Network health check


@transaction.atomic
def health_round_open(*, coalition: Coalition, title: str, opens_on, closes_on, opened_by):

    title = require_text(title, field="title", what="The title")
    if closes_on < opens_on:
        raise ApplicationError("The round must close on or after it opens.", field="closes_on")
    return HealthCheckRound.objects.create(
        coalition=coalition, title=title, opens_on=opens_on, closes_on=closes_on,
        opened_by=opened_by,
    )  # fmt: skip


@transaction.atomic
def health_answer_record(
    *, round, organisation, answered_by, scores: dict[str, int], comment: str = ""
):
    """One organisation's scores (1 to 5 on each dimension) in an open round, once."""

    today = timezone.localdate()
    if not round.opens_on <= today <= round.closes_on:
        raise ApplicationError(
            f"This round is open from {round.opens_on} to {round.closes_on}.",
            field="round", status=409, code="round_closed",
        )  # fmt: skip
    if voting_membership(round.coalition, organisation) is None:
        raise ApplicationError("Only member organisations answer.", field="organisation")
    for name in HEALTH_DIMENSIONS:
        score = scores.get(name)
        if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
            raise ApplicationError("Score it from 1 to 5.", field=name)
    if HealthCheckAnswer.objects.filter(round=round, organisation=organisation).exists():
        raise ApplicationError(
            "This organisation has already answered this round.",
            field="organisation", status=409, code="already_answered",
        )  # fmt: skip
    return HealthCheckAnswer.objects.create(
        round=round, organisation=organisation, answered_by=answered_by,
        comment=(comment or "").strip(), answered_at=timezone.now(),
        **{name: scores[name] for name in HEALTH_DIMENSIONS},
    )  # fmt: skip


# -- Feedback rounds on a statement


@transaction.atomic
def feedback_round_open(*, statement: UnityStatement, closes_at, opened_by):
    """Open a round of feedback on the statement's latest text; the statement is then open
    for feedback."""

    statement = UnityStatement.objects.select_for_update().get(pk=statement.pk)
    if statement.status not in (StatementStatus.DRAFT, StatementStatus.FEEDBACK):
        raise ApplicationError(
            "Feedback is asked on a draft: make the statement a draft again first.",
            field="status", status=409, code="statement_not_draft",
        )  # fmt: skip
    latest = statement.versions.order_by("-number").first()
    if latest is None:
        raise ApplicationError("Write a text before asking for feedback.", field="body")
    now = timezone.now()
    if closes_at <= now:
        raise ApplicationError("The closing date must be in the future.", field="closes_at")
    feedback_round = FeedbackRound.objects.create(
        version=latest, opened_by=opened_by, opened_at=now, closes_at=closes_at
    )
    if statement.status != StatementStatus.FEEDBACK:
        statement.status = StatementStatus.FEEDBACK
        statement._history_user = opened_by
        statement.save(update_fields=["status"])
    return feedback_round


@transaction.atomic
def feedback_comment_add(*, round, paragraph: int, body: str, author, organisation=None):

    if timezone.now() >= round.closes_at:
        raise ApplicationError(
            f"The feedback round closed on {round.closes_at:%Y-%m-%d %H:%M}.",
            field="round", status=409, code="round_closed",
        )  # fmt: skip
    count = len(paragraphs_of(round.version.body))
    if not isinstance(paragraph, int) or not 1 <= paragraph <= count:
        raise ApplicationError(f"Choose a paragraph from 1 to {count}.", field="paragraph")
    body = require_text(body, field="body", what="The comment")
    return FeedbackComment.objects.create(
        round=round, paragraph=paragraph, body=body, author=author, organisation=organisation
    )


# -- Signatures on the public page


def token_hash(token: str) -> str:

    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:

    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def signable_version(statement: UnityStatement) -> StatementVersion | None:
    """The version organisations sign: the latest published one, while the statement is not
    archived."""
    if statement.status == StatementStatus.ARCHIVED:
        return None
    return statement.versions.filter(published_at__isnull=False).order_by("-number").first()


def _send_signature_email(*, signature, token: str, reconfirm: bool) -> None:
    """Email the signer their confirmation (and withdrawal) link once the signature is
    committed. The address is used here and nowhere else: never logged."""

    statement = signature.version.statement
    confirm = settings.WEFT_PUBLIC_URL + reverse("sign-confirm", args=[token])
    withdraw = settings.WEFT_PUBLIC_URL + reverse("sign-withdraw", args=[token])
    if reconfirm:
        opening = (
            f'A new version (version {signature.version.number}) of "{statement.title}" '
            f"was published. {signature.organisation_name} signed an earlier version: "
            "please confirm that it signs this one too."
        )
    else:
        opening = (
            f'Someone signed "{statement.title}" for {signature.organisation_name} with '
            "this address. If it was you, confirm the signature:"
        )
    message = (
        f"{opening}\n\n{confirm}\n\n"
        f"To withdraw the signature at any time:\n{withdraw}\n\n"
        "If you did not sign, ignore this message: nothing is published without confirmation."
    )
    transaction.on_commit(
        lambda: send_mail(
            f"Confirm your signature: {statement.title}",
            message,
            settings.DEFAULT_FROM_EMAIL,
            [signature.signer_email],
        )
    )


@transaction.atomic
def signature_request(
    *,
    version: StatementVersion,
    organisation_name: str,
    signer_name: str,
    signer_email: str,
    signer_title: str = "",
    show_publicly: bool = True,
):
    """An organisation signs a published version; the signature counts once the signer
    confirms it by the emailed link. Returns the signature (unconfirmed)."""

    version = StatementVersion.objects.select_related("statement").get(pk=version.pk)
    current = signable_version(version.statement)
    if version.published_at is None or current is None or current.pk != version.pk:
        raise ApplicationError(
            "Only the published version of a statement can be signed.",
            field="version", status=409, code="not_published",
        )  # fmt: skip
    organisation_name = require_text(
        organisation_name, field="organisation_name", what="The organisation's name"
    )[:200]
    signer_name = require_text(signer_name, field="signer_name", what="Your name")[:200]
    signer_email = (signer_email or "").strip()
    try:
        validate_email(signer_email)
    except ValidationError:
        raise ApplicationError("Give a valid email address.", field="signer_email") from None
    key = Signature.key_for(organisation_name)
    if Signature.objects.filter(version=version, organisation_key=key, withdrawn_at__isnull=True):
        raise ApplicationError(
            f"{organisation_name} has already signed this version (or a signature is waiting "
            "for confirmation).",
            field="organisation_name", status=409, code="already_signed",
        )  # fmt: skip
    token, token_hash = new_token()
    signature = Signature.objects.create(
        version=version,
        organisation_name=organisation_name,
        organisation=_organisation_named(version.statement.coalition_id, key),
        signer_name=signer_name,
        signer_title=(signer_title or "").strip()[:200],
        signer_email=signer_email,
        show_publicly=bool(show_publicly),
        confirmation_token_hash=token_hash,
    )
    _send_signature_email(signature=signature, token=token, reconfirm=False)
    return signature


def _organisation_named(coalition_id: int, key: str):
    """The coalition's organisation of that name, if exactly one (so the weaver sees who
    signed without matching by hand)."""

    names = Actor.objects.filter(coalition_id=coalition_id).exclude(kind=ActorKind.PERSON)
    matches = [a for a in names.only("id", "name") if Signature.key_for(a.name) == key]
    return matches[0] if len(matches) == 1 else None


def _signature_for_token(token: str):

    signature = (
        Signature.objects.select_for_update()
        .filter(confirmation_token_hash=token_hash(token or ""))
        .first()
    )
    if not token or signature is None:
        raise ApplicationError(
            "This link is not valid: it may have been mistyped.", field="token", status=404,
            code="unknown_token",
        )  # fmt: skip
    return signature


@transaction.atomic
def signature_confirm(*, token: str):
    signature = _signature_for_token(token)
    if signature.withdrawn_at is not None:
        raise ApplicationError(
            "This signature was withdrawn; sign again to rejoin.", field="token", status=409,
            code="withdrawn",
        )  # fmt: skip
    if signature.confirmed_at is None:
        signature.confirmed_at = timezone.now()
        signature.save(update_fields=["confirmed_at"])
    return signature


@transaction.atomic
def signature_withdraw(*, token: str):
    """Withdraw a signature: recorded with its date, never deleted."""
    signature = _signature_for_token(token)
    if signature.withdrawn_at is None:
        signature.withdrawn_at = timezone.now()
        signature.save(update_fields=["withdrawn_at"])
    return signature


def signatures_ask_reconfirm(*, version: StatementVersion) -> int:
    """A new version was published: every organisation whose signature counts on an earlier
    version is asked to confirm this one (a new, unconfirmed signature with its own link).
    Returns how many were asked."""

    earlier = Signature.objects.filter(
        version__statement_id=version.statement_id,
        version__number__lt=version.number,
        confirmed_at__isnull=False,
        withdrawn_at__isnull=True,
    ).order_by("organisation_key", "-version__number")
    already = set(version.signatures.values_list("organisation_key", flat=True))
    asked = 0
    for signature in earlier:
        if signature.organisation_key in already:
            continue
        already.add(signature.organisation_key)
        token, token_hash = new_token()
        fresh = Signature.objects.create(
            version=version,
            organisation=signature.organisation,
            organisation_name=signature.organisation_name,
            signer_name=signature.signer_name,
            signer_title=signature.signer_title,
            signer_email=signature.signer_email,
            show_publicly=signature.show_publicly,
            confirmation_token_hash=token_hash,
        )
        _send_signature_email(signature=fresh, token=token, reconfirm=True)
        asked += 1
    return asked


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


@transaction.atomic
def proposal_update(*, proposal, updated_by, **fields):
    """Change an undecided proposal: its text, its closing or review date (the rule only
    before anyone voted)."""
    if proposal.outcome:
        raise ApplicationError(
            "The proposal has been decided; put a new one.", field="outcome", status=409,
            code="already_decided",
        )  # fmt: skip
    if "title" in fields:
        fields["title"] = require_text(fields["title"], field="title", what="The title")
    if "rule" in fields and fields["rule"] not in DecisionRule.values:
        raise ApplicationError("Choose consensus, consent or majority.", field="rule")
    moved = "closes_at" in fields and fields["closes_at"] != proposal.closes_at
    if moved and fields["closes_at"] <= timezone.now():
        raise ApplicationError("The closing date must be in the future.", field="closes_at")
    for field, value in fields.items():
        setattr(proposal, field, value)
    if proposal.review_by is not None and proposal.review_by < proposal.closes_at.date():
        raise ApplicationError("Review it after it closes.", field="review_by")
    proposal._history_user = updated_by
    proposal.save()
    return proposal


# -- Edits from forms: a stale form is refused, never saved over a newer change


def require_version(instance, expected, *, what: str) -> None:
    """Refuse a form edit made on an older version of ``instance`` (the form carries the
    version it was opened on, as the API's If-Match does). The caller holds the row lock."""

    try:
        expected = int(expected)
    except (TypeError, ValueError):
        raise ApplicationError(
            "The form did not say which version it changes: reload the page.",
            field="version", status=428, code="version_required",
        ) from None  # fmt: skip
    if instance.version == expected:
        return
    last = instance.history.order_by("-history_date").select_related("history_user").first()
    who = last.history_user.get_username() if last and last.history_user else "someone"
    when = f" at {timezone.localtime(last.history_date):%Y-%m-%d %H:%M}" if last else ""
    raise ApplicationError(
        f"{what} was changed by {who}{when} since you opened the form; your change was not "
        "saved. Reload to see the new version, then make your change again.",
        field="version", status=409, code="stale_version",
    )  # fmt: skip


def locked(model, instance):
    return model.objects.select_for_update().get(pk=instance.pk)


# -- Principles and endorsements


@transaction.atomic
def principle_create(
    *, coalition: Coalition, title: str, created_by, text: str = "", position=None
):
    title = require_text(title, field="title", what="The principle's title")[:200]
    if position is None:
        position = (
            Principle.objects.filter(coalition=coalition).aggregate(n=Max("position"))["n"] or 0
        ) + 1
    principle = Principle(
        coalition=coalition, title=title, text=(text or "").strip(), position=position
    )
    principle._history_user = created_by
    principle.save()
    return principle


@transaction.atomic
def principle_update(*, principle, expected_version, updated_by, **fields):
    principle = locked(Principle, principle)
    require_version(principle, expected_version, what="This principle")
    if "title" in fields:
        fields["title"] = require_text(fields["title"], field="title", what="The title")[:200]
    if "text" in fields:
        fields["text"] = (fields["text"] or "").strip()
    for field, value in fields.items():
        setattr(principle, field, value)
    principle._history_user = updated_by
    principle.save()
    return principle


@transaction.atomic
def endorsement_add(*, principle, organisation, endorsed_by):
    """An organisation endorses a principle, once (a withdrawn endorsement may be renewed)."""
    principle = locked(Principle, principle)  # two clicks at once: one endorsement
    if Endorsement.objects.filter(
        principle=principle, organisation=organisation, withdrawn_at__isnull=True
    ).exists():
        raise ApplicationError(
            f"{organisation.name} already endorses this principle.",
            field="organisation", status=409, code="already_endorsed",
        )  # fmt: skip
    endorsement = Endorsement(
        principle=principle, organisation=organisation, endorsed_by=endorsed_by,
        endorsed_at=timezone.now(),
    )  # fmt: skip
    endorsement._history_user = endorsed_by
    endorsement.save()
    return endorsement


@transaction.atomic
def endorsement_withdraw(*, principle, organisation, withdrawn_by):
    """Withdrawal is recorded with its date, never deleted."""
    endorsement = (
        Endorsement.objects.select_for_update()
        .filter(principle=principle, organisation=organisation, withdrawn_at__isnull=True)
        .first()
    )
    if endorsement is None:
        raise ApplicationError(
            f"{organisation.name} does not endorse this principle.",
            field="organisation", status=409, code="not_endorsed",
        )  # fmt: skip
    endorsement.withdrawn_at = timezone.now()
    endorsement._history_user = withdrawn_by
    endorsement.save(update_fields=["withdrawn_at"])
    return endorsement


# -- The coalition's own phase, and archiving a statement


@transaction.atomic
def coalition_phase_change(*, coalition: Coalition, phase: str, expected_version, changed_by):
    """Move the coalition as a whole to another phase of Connect-Align-Produce (not linear:
    it may go back to Connect). The change is kept in the coalition's history: who, when."""

    coalition = locked(Coalition, coalition)
    require_version(coalition, expected_version, what="The coalition")
    if phase not in CoalitionPhase.values:
        raise ApplicationError("Choose Connect, Align or Produce.", field="phase")
    if phase != coalition.phase:
        coalition.phase = phase
        coalition._history_user = changed_by
        coalition.save(update_fields=["phase"])
    return coalition


@transaction.atomic
def statement_archive(*, statement: UnityStatement, archived_by) -> UnityStatement:
    """A published statement is archived: its sign-on page closes, its versions and
    signatures stay. The change is in the statement's history (who, when)."""

    statement = locked(UnityStatement, statement)
    if statement.status != StatementStatus.PUBLISHED:
        raise ApplicationError(
            "Only a published statement is archived.", field="status", status=409,
            code="not_published",
        )  # fmt: skip
    statement.status = StatementStatus.ARCHIVED
    statement._history_user = archived_by
    statement.save(update_fields=["status"])
    return statement
