"""Writing notifications: ``notify`` is called by the service that causes one, inside its
transaction; emails go after the commit, through weft's outbox (weft/queue.py)."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from coalitions.notifications.models import (
    Delivery,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from weft.errors import ApplicationError
from weft.queue import queue_after_commit

SEND_IMMEDIATE_TASK = "coalitions.notifications_send_immediate"


def notify(
    *,
    coalition_id: int,
    kind: NotificationKind | str,
    title: str,
    path: str,
    user_ids: Iterable[int],
    key: str = "",
    exclude=None,
) -> list[Notification]:
    """One notification per user of ``user_ids`` (chosen with selectors.recipients, so only
    users who may see the item), except the one who caused it (``exclude``). With ``key``, a
    user already told about that key is not told again."""
    kind = NotificationKind(kind)
    users = set(user_ids)
    if exclude is not None:
        users.discard(getattr(exclude, "pk", exclude))
    if key:
        users -= set(
            Notification.objects.filter(key=key, user_id__in=users).values_list(
                "user_id", flat=True
            )
        )
    if not users:
        return []
    now = timezone.now()
    created = Notification.objects.bulk_create(
        [
            Notification(
                user_id=user_id,
                coalition_id=coalition_id,
                kind=kind,
                title=title[:300],
                path=path,
                key=key,
                created_at=now,
            )
            for user_id in sorted(users)
        ]
    )
    immediately = NotificationPreference.objects.filter(
        user_id__in=users, kind=kind, delivery=Delivery.IMMEDIATELY
    )
    if immediately.exists():
        queue_after_commit(SEND_IMMEDIATE_TASK, coalition_id)
    return created


@transaction.atomic
def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read: those of ``ids``, or all of them. Someone else's
    ids are ignored. Returns how many changed."""
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        try:
            ids = [int(i) for i in ids]
        except (TypeError, ValueError):
            raise ApplicationError("Give notification ids as numbers.", field="ids") from None
        rows = rows.filter(pk__in=ids)
    return rows.update(read_at=timezone.now())


@transaction.atomic
def preference_set(*, user, kind: str, delivery: str) -> NotificationPreference:
    if kind not in NotificationKind.values:
        raise ApplicationError("No such kind of notification.", field="kind")
    if delivery not in Delivery.values:
        raise ApplicationError("Choose immediately, daily, weekly or off.", field="delivery")
    preference, _ = NotificationPreference.objects.update_or_create(
        user=user, kind=kind, defaults={"delivery": delivery}
    )
    return preference


@transaction.atomic
def unsubscribe(*, user_id: int, kinds: Iterable[str]) -> None:
    """No more email of ``kinds`` for that user (from a signed link: no sign-in)."""
    for kind in kinds:
        NotificationPreference.objects.update_or_create(
            user_id=user_id, kind=kind, defaults={"delivery": Delivery.OFF}
        )
