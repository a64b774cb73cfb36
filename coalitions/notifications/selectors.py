"""Who is told, and what a user reads of their notifications."""

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from coalitions.models import Role, RoleName
from coalitions.notifications.models import (
    DEFAULT_DELIVERY,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from coalitions.roles import Permission, role_allows


def recipients(
    coalition_id: int,
    *,
    permission: Permission | None = None,
    sensitive: bool = False,
    roles: Iterable[str] | None = None,
    organisation_ids: Iterable[int] | None = None,
    person_ids: Iterable[int] | None = None,
    user_ids: Iterable[int] | None = None,
) -> list[int]:
    """The ids of the users with a current role in the coalition that may see the item: its
    role allows ``permission`` (and sensitive items, for a ``sensitive`` one), narrowed to
    ``roles``, to users of ``organisation_ids`` or ``person_ids`` (either), or to ``user_ids``."""
    rows = Role.objects.current().filter(coalition_id=coalition_id)
    if roles is not None:
        rows = rows.filter(role__in=list(roles))
    if organisation_ids is not None or person_ids is not None:
        rows = rows.filter(
            Q(organisation_id__in=list(organisation_ids or []))
            | Q(person_id__in=list(person_ids or []))
        )
    if user_ids is not None:
        rows = rows.filter(user_id__in=list(user_ids))
    found = []
    for user_id, role in rows.values_list("user_id", "role"):
        if permission is not None and not role_allows(role, permission):
            continue
        if sensitive and not role_allows(role, Permission.SENSITIVE_VIEW):
            continue
        found.append(user_id)
    return sorted(set(found))


def member_organisation_users(coalition_id: int) -> list[int]:
    """Members who speak for an organisation: those a vote or a health check is opened to."""
    return recipients(
        coalition_id,
        permission=Permission.SIGN_AND_ENDORSE,
        roles=[RoleName.MEMBER],
        organisation_ids=Role.objects.current()
        .filter(coalition_id=coalition_id, organisation__isnull=False)
        .values_list("organisation_id", flat=True),
    )


def notifications_for(user, *, coalition_id: int | None = None) -> QuerySet[Notification]:
    """A user's notifications, newest first, in the coalitions they still hold a role in."""
    rows = Notification.objects.filter(
        user=user,
        coalition__roles__user=user,
        coalition__roles__revoked_at__isnull=True,
    ).select_related("coalition")
    if coalition_id is not None:
        rows = rows.filter(coalition_id=coalition_id)
    return rows.distinct()


def unread_count(user, coalition_ids: Iterable[int] | None = None) -> int:
    """The bell's count: unread notifications in the user's coalitions (``coalition_ids``,
    when the caller already knows them: one query on the unread index)."""
    if coalition_ids is None:
        return notifications_for(user).filter(read_at__isnull=True).count()
    return Notification.objects.filter(
        user=user, read_at__isnull=True, coalition_id__in=list(coalition_ids)
    ).count()


def preferences_for(user) -> dict[str, str]:
    """Each kind's delivery for ``user``: their choice, or the default."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind: chosen.get(kind, DEFAULT_DELIVERY) for kind in NotificationKind.values}
