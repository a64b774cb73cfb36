"""Writes about coalitions and roles. Each is one transaction with its audit row."""

from django.db import transaction
from django.utils import timezone

from weft.errors import ApplicationError

from .models import AuditAction, AuditEntry, Coalition, Role, RoleName


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
