"""Notifications by email: one at a time (immediately) or a day's or a week's in one digest.

An email carries what the inbox shows, no more: each notification's title and a link to it
(signed in, through weft/links.py). Each kind it holds has a one-click unsubscribe link, signed
with the user's id and the kinds (django.core.signing): it needs no sign-in and works for that
user and those kinds only. The message also says so in ``List-Unsubscribe`` (RFC 2369) and
``List-Unsubscribe-Post`` (RFC 8058), for mail programs' own button."""

import datetime
import logging

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from coalitions.notifications.models import (
    DEFAULT_DELIVERY,
    Delivery,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from weft.links import public_url

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "weft.notifications.unsubscribe"
# Notifications older than this are not emailed any more (the inbox keeps them).
EMAIL_WITHIN = datetime.timedelta(days=8)


def unsubscribe_token(user_id: int, kinds) -> str:
    return signing.dumps({"u": user_id, "k": sorted(set(kinds))}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_read(token: str) -> tuple[int, list[str]] | None:
    """The user id and kinds a token names, or None if it was not made here."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        kinds = [kind for kind in data["k"] if kind in NotificationKind.values]
        return int(data["u"]), kinds
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def unsubscribe_url(user_id: int, kinds) -> str:
    return public_url(reverse("notification-unsubscribe", args=[unsubscribe_token(user_id, kinds)]))


def _message(
    user, notifications: list[Notification], *, digest: str | None
) -> EmailMultiAlternatives:
    kinds = sorted({n.kind for n in notifications})
    items = [
        {
            "title": n.title,
            "coalition": n.coalition.name,
            "kind": n.get_kind_display(),
            "url": public_url(reverse("notification-open", args=[n.pk])),
        }
        for n in notifications
    ]
    context = {
        "items": items,
        "digest": digest,
        "unsubscribe": [
            {"label": NotificationKind(kind).label, "url": unsubscribe_url(user.pk, [kind])}
            for kind in kinds
        ],
        "settings_url": public_url(reverse("notification-settings")),
        "inbox_url": public_url(reverse("notifications")),
    }
    if digest:
        subject = (
            f"Your {digest} Weft digest: {len(items)} notification{'s' if len(items) != 1 else ''}"
        )
    else:
        subject = items[0]["title"]
    every = unsubscribe_url(user.pk, kinds)
    message = EmailMultiAlternatives(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}"[:200],
        body=render_to_string("coalitions/notifications/email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{every}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(
        render_to_string("coalitions/notifications/email.html", context), "text/html"
    )
    return message


def _claim(rows) -> list[Notification]:
    """The rows this run sends: each claimed by a conditional update, so that two runs (a
    message delivered twice) never send one notification twice."""
    now = timezone.now()
    claimed = []
    for notification in rows:
        if Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
            emailed_at=now
        ):
            claimed.append(notification)
    return claimed


def _pending(**filters):
    return (
        Notification.objects.filter(
            emailed_at__isnull=True,
            read_at__isnull=True,
            created_at__gte=timezone.now() - EMAIL_WITHIN,
            coalition__roles__user=F("user_id"),
            coalition__roles__revoked_at__isnull=True,
            **filters,
        )
        .exclude(user__email="")
        .select_related("user", "coalition")
        .distinct()
        .order_by("user_id", "created_at", "id")
    )


def send_immediate(coalition_id: int | None = None) -> int:
    """Email, one by one, the notifications whose user chose "immediately" for their kind.
    Returns how many emails were sent."""
    chosen = NotificationPreference.objects.filter(delivery=Delivery.IMMEDIATELY)
    wanted = Q()
    for user_id, kind in chosen.values_list("user_id", "kind"):
        wanted |= Q(user_id=user_id, kind=kind)
    if not wanted:
        return 0
    rows = _pending() if coalition_id is None else _pending(coalition_id=coalition_id)
    sent = 0
    for notification in _claim(list(rows.filter(wanted))):
        _message(notification.user, [notification], digest=None).send()
        sent += 1
    return sent


def send_digests(period: str) -> int:
    """One email per user with their notifications of the kinds they want in the ``period``
    ("daily" or "weekly") digest, not emailed nor read yet. Returns how many emails went."""
    delivery = Delivery(period)
    prefs: dict[int, dict[str, str]] = {}
    for user_id, kind, chosen in NotificationPreference.objects.values_list(
        "user_id", "kind", "delivery"
    ):
        prefs.setdefault(user_id, {})[kind] = chosen
    by_user: dict[int, list[Notification]] = {}
    for notification in _pending():
        if prefs.get(notification.user_id, {}).get(notification.kind, DEFAULT_DELIVERY) == delivery:
            by_user.setdefault(notification.user_id, []).append(notification)
    sent = 0
    for rows in by_user.values():
        claimed = _claim(rows)
        if claimed:
            _message(claimed[0].user, claimed, digest=delivery.value).send()
            sent += 1
    logger.info("notification digest period=%s emails=%s", period, sent)
    return sent
