"""Writes about coalitions and roles. Each is one transaction with its audit row."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from coalitions.models import AuditAction, AuditEntry, Coalition, Role, RoleName
from coalitions.notifications.models import NotificationKind
from coalitions.notifications.services import notify
from coalitions.roles import Access, Permission
from weft.errors import ApplicationError
from weft.queue import queue_after_commit
from weft.services import apply_changes, locked_at, save_as
from weft.validation import require_text
from weft.vocabulary import ActorKind, CoalitionPhase


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
                "Another account is already linked to this person.",
                field="person",
                status=409,
                code="person_taken",
            )
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
    notify(
        coalition_id=coalition.pk,
        kind=NotificationKind.ROLE,
        title=f"You are now {role.label.lower()} in {coalition.name}",
        path=reverse("coalition-home", args=[coalition.pk]),
        user_ids=[user.pk],
        key=f"role:{new.pk}",
        exclude=granted_by,
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


# The coalition's privacy policy: only stewards change it, and every change is audited.
PRIVACY_FIELDS = (
    "reports_show_organisation_names",
    "reports_small_count_threshold",
    "require_two_factor",
    "retain_contacts_days",
    "retain_interaction_notes_days",
    "retain_signatures_days",
    "retain_invitations_days",
    "retain_audit_days",
)


@transaction.atomic
def coalition_update(*, access: Access, expected_version, **changes) -> Coalition:
    """Change the coalition's description (organizers, weavers, stewards) or its privacy
    policy (stewards; audited): its name, cause, goals, scale, phase, and what funder reports
    show."""
    privacy = sorted(field for field in PRIVACY_FIELDS if field in changes)
    if privacy:
        access.require(Permission.PRIVACY_MANAGE)
    access.require(Permission.WORKFLOW_EDIT)
    coalition = locked_at(access.coalition, expected_version, what="The coalition")
    if "name" in changes:
        changes["name"] = require_text(changes["name"], field="name", what="The name")
    apply_changes(coalition, changes, user=access.user)
    if privacy:
        audit_record(
            coalition=coalition,
            user=access.user,
            action=AuditAction.PRIVACY_CHANGED,
            fields=privacy,
        )
    return coalition


@transaction.atomic
def coalition_phase_change(*, access: Access, phase: str, expected_version) -> Coalition:
    """Move the coalition as a whole to another phase of Connect-Align-Produce (not linear:
    it may go back to Connect), from the pipeline board. The change is kept in the
    coalition's history: who, when. The same phase again changes nothing."""
    access.require(Permission.WORKFLOW_EDIT)
    coalition = locked_at(access.coalition, expected_version, what="The coalition")
    if phase not in CoalitionPhase.values:
        raise ApplicationError("Choose Connect, Align or Produce.", field="phase")
    if phase != coalition.phase:
        coalition.phase = phase
        save_as(coalition, user=access.user, update_fields=["phase"])
    return coalition


# The map's derived data: after an edit, recomputed by a worker once the transaction commits.
# The tasks are networks' (networks/map/tasks.py, networks/metrics/tasks.py): they take these
# names, and every layer queues them by name (weft/queue.py).
LAYOUT_TASK = "networks.compute_layout"
METRICS_TASK = "networks.compute_metrics"
EDIT_TRIGGER = "edit"  # a metric run's trigger (networks.metrics.models.MetricTrigger)


def layout_request_after_edit(*, coalition_id: int) -> None:
    """After an actor or a tie was added or deleted: a layout run once the transaction
    commits, debounced like the metric runs, so that a burst of edits is laid out once, when
    it is over. Until then a new actor sits beside its neighbours
    (networks.services.position_place_beside_neighbours); pinned positions are kept."""
    queue_after_commit(
        LAYOUT_TASK, coalition_id, debounce_seconds=settings.WEFT_LAYOUT_DEBOUNCE_SECONDS
    )


def metrics_request_after_edit(*, coalition_id: int) -> None:
    """After an edit to the map: a run once the transaction commits, debounced so that a burst
    of edits (an import, an organizer's busy hour) is computed once, when it is over."""
    queue_after_commit(
        METRICS_TASK,
        coalition_id,
        trigger=EDIT_TRIGGER,
        debounce_seconds=settings.WEFT_METRICS_DEBOUNCE_SECONDS,
    )
