"""Writes of the steward's work: invitations (sent, accepted, revoked) and the accounts they
make. Each is one transaction with its audit row; audit details hold ids, never an address."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from coalitions.models import AuditAction, RoleName
from coalitions.roles import Access, Permission
from coalitions.services import audit_record, role_grant
from coalitions.stewardship.models import Invitation, InvitationState
from weft.errors import ApplicationError
from weft.links import public_url
from weft.tokens import new_token, row_for_token
from weft.vocabulary import ActorKind

INVITATION_DAYS = (1, 30)  # the shortest and the longest an invitation may stay open


def _require_actor(actor, *, access: Access, kind: str, field: str, what: str):
    if actor is None:
        return None
    if actor.coalition_id != access.coalition.pk or actor.kind != kind:
        raise ApplicationError(f"Choose {what} of this coalition.", field=field)
    return actor


@transaction.atomic
def invitation_create(
    *,
    access: Access,
    email: str,
    role: str,
    organisation=None,
    person=None,
    days: int | None = None,
) -> tuple[Invitation, str]:
    """Invite someone by email to hold ``role``. Only stewards invite, so no invitation grants
    more than its sender holds. Returns the invitation and the link's token (shown nowhere
    but in the email; only its hash is kept)."""
    access.require(Permission.ROLES_MANAGE)
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ApplicationError("Enter a valid email address.", field="email") from None
    if role not in RoleName.values:
        raise ApplicationError("Choose a role.", field="role")
    days = settings.WEFT_INVITATION_DAYS_DEFAULT if days is None else days
    if not INVITATION_DAYS[0] <= days <= INVITATION_DAYS[1]:
        raise ApplicationError(
            f"An invitation stays open {INVITATION_DAYS[0]} to {INVITATION_DAYS[1]} days.",
            field="days",
        )
    organisation = _require_actor(
        organisation,
        access=access,
        kind=ActorKind.ORGANISATION,
        field="organisation",
        what="an organisation",
    )
    person = _require_actor(
        person, access=access, kind=ActorKind.PERSON, field="person", what="a person"
    )
    if role == RoleName.MEMBER and organisation is None:
        raise ApplicationError(
            "A member speaks for an organisation: choose which.", field="organisation"
        )
    token, hashed = new_token()
    now = timezone.now()
    invitation = Invitation.objects.create(
        coalition=access.coalition,
        email=email,
        role=role,
        organisation=organisation,
        person=person,
        token_hash=hashed,
        created_by=access.user,
        created_at=now,
        expires_at=now + datetime.timedelta(days=days),
    )
    audit_record(
        coalition=access.coalition,
        user=access.user,
        action=AuditAction.INVITATION_SENT,
        invitation_id=invitation.pk,
        role=role,
        days=days,
    )
    _send_invitation(invitation, token, inviter=access.user)
    return invitation, token


def _send_invitation(invitation: Invitation, token: str, *, inviter) -> None:
    link = public_url(reverse("invitation-open", args=[token]))
    inviter_name = inviter.get_full_name() or inviter.get_username()
    role = RoleName(invitation.role).label.lower()
    message = (
        f"{inviter_name} invites you to {invitation.coalition.name} on Weft, as {role}.\n\n"
        f"Open this link to accept (it works once, until "
        f"{invitation.expires_at:%d %B %Y}):\n{link}\n\n"
        "If you were not expecting this, ignore it: nothing happens until the link is opened."
    )
    subject = f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}Invitation to {invitation.coalition.name}"
    address = invitation.email
    transaction.on_commit(
        lambda: send_mail(subject, message, settings.DEFAULT_FROM_EMAIL, [address])
    )


@transaction.atomic
def invitation_revoke(*, access: Access, invitation_id: int) -> Invitation:
    access.require(Permission.ROLES_MANAGE)
    invitation = (
        Invitation.objects.select_for_update()
        .filter(coalition=access.coalition, pk=invitation_id)
        .first()
    )
    if invitation is None:
        raise ApplicationError("No such invitation.", status=404, code="not_found")
    if not invitation.is_open:
        raise ApplicationError(
            f"This invitation is {invitation.state.label.lower()}: it cannot be revoked.",
            status=409,
            code="invitation_closed",
        )
    invitation.revoked_at = timezone.now()
    invitation.revoked_by = access.user
    invitation.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        coalition=access.coalition,
        user=access.user,
        action=AuditAction.INVITATION_REVOKED,
        invitation_id=invitation.pk,
    )
    return invitation


CLOSED_MESSAGES = {
    InvitationState.ACCEPTED: "This invitation has already been used.",
    InvitationState.EXPIRED: "This invitation has expired.",
    InvitationState.REVOKED: "This invitation was withdrawn by the coalition's steward.",
}


def invitation_for_token(token: str, *, lock: bool = False) -> Invitation:
    """The open invitation a link's token opens, or an ApplicationError saying plainly why
    not (unknown: 404; used, expired, withdrawn: 410)."""
    if not token:
        raise ApplicationError("This invitation link is not valid.", status=404, code="unknown")
    # Looked up by the hash's equality in the database: the hash, not the token, is compared,
    # so timing reveals nothing about a valid token.
    rows = Invitation.objects.select_related("coalition", "created_by")
    if lock:
        rows = rows.select_for_update(of=("self",))
    invitation = row_for_token(rows, token)
    if invitation is None:
        raise ApplicationError("This invitation link is not valid.", status=404, code="unknown")
    if not invitation.is_open:
        raise ApplicationError(
            CLOSED_MESSAGES[invitation.state], status=410, code=f"invitation_{invitation.state}"
        )
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user) -> Invitation:
    """The signed-in ``user`` takes the role the invitation offers; the link then opens
    nothing more."""
    invitation = invitation_for_token(token, lock=True)
    role_grant(
        coalition=invitation.coalition,
        user=user,
        role=invitation.role,
        granted_by=invitation.created_by or user,
        organisation=invitation.organisation,
        person=invitation.person,
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        coalition=invitation.coalition,
        user=user,
        action=AuditAction.INVITATION_ACCEPTED,
        invitation_id=invitation.pk,
        user_id=user.pk,
        role=invitation.role,
    )
    return invitation


@transaction.atomic
def account_create_from_invitation(*, token: str, username: str, password: str):
    """A new account for the invitee (the address the invitation went to), who accepts it in
    the same transaction: an account is never made without its role."""
    invitation = invitation_for_token(token, lock=True)
    username = (username or "").strip()
    if not username:
        raise ApplicationError("Choose a username.", field="username")
    users = get_user_model()
    if users.objects.filter(username__iexact=username).exists():
        raise ApplicationError("This username is taken: choose another.", field="username")
    user = users(username=username, email=invitation.email)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ApplicationError(" ".join(error.messages), field="password1") from None
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise ApplicationError(
            "This username is taken: choose another.", field="username"
        ) from None
    invitation_accept(token=token, user=user)
    return user
