"""The base's own Celery tasks: the outbox's drain (weft/queue.py), which also shows that a
worker is alive (the health endpoint reads its heartbeat)."""

import datetime
import logging

from celery import shared_task
from celery.signals import worker_ready
from django.utils import timezone

from weft import queue
from weft.models import AttemptCounter, Heartbeat

logger = logging.getLogger(__name__)

DRAIN_TASK = "weft.outbox_drain"
WORKER_HEARTBEAT = "worker"


def beat(name: str = WORKER_HEARTBEAT) -> None:
    Heartbeat.objects.update_or_create(name=name, defaults={"seen_at": timezone.now()})


@shared_task(name=DRAIN_TASK, ignore_result=True, acks_late=False)
def outbox_drain() -> int:
    """Celery beat, every few seconds: send what the outbox holds, note that a worker is
    alive, and forget sign-in attempts of past days. Returns how many messages were sent."""
    beat()
    AttemptCounter.objects.filter(
        window_start__lt=timezone.now() - datetime.timedelta(days=1)
    ).delete()
    return queue.drain()


@worker_ready.connect
def drain_when_a_worker_starts(sender=None, **kwargs) -> None:
    """A worker that (re)starts sends what waited for it at once, not at the next beat."""
    try:
        beat()
        queue.drain()
    except Exception:  # the database may be away too: the beat task tries again
        logger.warning("outbox drain at worker start failed", exc_info=True)
