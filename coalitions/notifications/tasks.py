"""Celery tasks of notifications: thin, the work is in email.py."""

from celery import shared_task

from coalitions.notifications.email import send_digests, send_immediate
from coalitions.notifications.services import SEND_IMMEDIATE_TASK

DIGEST_TASK = "coalitions.notifications_digest"


@shared_task(name=SEND_IMMEDIATE_TASK, acks_late=True)
def notifications_send_immediate(coalition_id: int | None = None) -> int:
    """Queued through the outbox after the commit that wrote a notification someone wants at
    once. Safe to run twice (each notification is claimed before it is sent)."""
    return send_immediate(coalition_id)


@shared_task(name=DIGEST_TASK, acks_late=True)
def notifications_digest(period: str = "daily") -> int:
    """Beat: the daily digest every morning, the weekly one on Mondays."""
    return send_digests(period)
