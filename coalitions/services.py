"""Writes about coalitions and roles. Each is one transaction with its audit row."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from weft.errors import ApplicationError

from .models import (
    AuditAction,
    AuditEntry,
    Coalition,
    Membership,
    Role,
    RoleName,
    StatementStatus,
    StatementVersion,
    UnityStatement,
)


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


@transaction.atomic
def role_grant(
    *, coalition: Coalition, user, role: RoleName | str, granted_by, organisation=None
) -> Role:
    """Give ``user`` a role in ``coalition``, replacing their current one if any. The old row
    is revoked, not changed, so the history of who held what is kept."""
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
    if current is not None:
        if current.role == role and current.organisation_id == getattr(organisation, "pk", None):
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
