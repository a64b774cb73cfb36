"""Work for a worker, queued through an outbox: the task is written to a table in the same
transaction as the edit that asks for it (weft/models.py, OutboxMessage), then sent to the
broker once that transaction commits. So:

- an edit never depends on the broker: with Redis away the edit commits, its message waits
  in the table, and the drain task (weft/tasks.py, every few seconds) sends it once Redis is
  back; nothing is lost;
- a request that rolled back queues nothing (its message rolled back with it);
- a message can be sent twice (sent, then the process died before marking it): every task is
  safe to run twice (a run is claimed by a conditional update, a layout rewrites its rows).

Tasks are named, not imported: a service of a lower layer (an actor's edit) asks for work that
a higher one does (a metric run), and Celery's registry finds the task by its name.
"""

import datetime
import logging
import time

from celery import current_app
from django.db import transaction
from django.utils import timezone

from weft.models import OutboxMessage

logger = logging.getLogger(__name__)

# The drain task leaves a fresh message this long to the request that wrote it, which sends
# it right after its commit; after that the drain task sends it.
GRACE_SECONDS = 5
# Sent messages are kept this long after their debounce window, then deleted.
KEEP_SENT_SECONDS = 3600
# After the broker refused a message, this process leaves the next ones to the drain task for
# this long instead of trying (each try costs a request a fraction of a second).
BROKER_BACKOFF_SECONDS = 5
_broker_away_until = 0.0


def queue_after_commit(task_name: str, *args, debounce_seconds: int | None = None, **kwargs):
    """Queue the task named ``task_name`` after commit. With ``debounce_seconds``, at most
    once per that many seconds for the same task and arguments, that many seconds later: a
    burst of edits is worked on once, when it is over (in the embedded mode tasks run
    in-process and ignore the countdown, so the first edit of a burst is worked on at once)."""
    now = timezone.now()
    key = ""
    if debounce_seconds:
        key = f"{task_name}:{':'.join(str(arg) for arg in args)}"[:255]
        if OutboxMessage.objects.filter(debounce_key=key, available_at__gt=now).exists():
            return
    message = OutboxMessage.objects.create(
        task_name=task_name,
        args=list(args),
        kwargs=kwargs,
        debounce_key=key,
        created_at=now,
        available_at=now + datetime.timedelta(seconds=debounce_seconds or 0),
    )
    transaction.on_commit(lambda: send(message.pk), robust=True)


def _eager() -> bool:
    return bool(current_app.conf.task_always_eager)


def _publish(message: OutboxMessage) -> None:
    task = current_app.tasks[message.task_name]
    countdown = (message.available_at - timezone.now()).total_seconds()
    if countdown > 0:
        task.apply_async(tuple(message.args), message.kwargs, countdown=round(countdown))
    else:
        task.apply_async(tuple(message.args), message.kwargs)


def send(message_id: int) -> bool:
    """Send one message now (right after the commit that wrote it). Returns whether it was
    sent; a message that cannot be sent (the broker is away) stays for the drain task."""
    if _eager():
        # In-process: mark it sent first, then run it here (a failing task does not come back).
        if not OutboxMessage.objects.filter(pk=message_id, sent_at__isnull=True).update(
            sent_at=timezone.now()
        ):
            return False
        _publish(OutboxMessage.objects.get(pk=message_id))
        _forget_sent()  # no beat runs the drain task in this mode
        return True
    global _broker_away_until
    if time.monotonic() < _broker_away_until:
        return False  # the broker was away a moment ago: the drain task sends it
    message = OutboxMessage.objects.filter(pk=message_id, sent_at__isnull=True).first()
    if message is None:
        return False
    try:
        _publish(message)
    except Exception as error:  # the broker is away: the drain task sends it later
        _broker_away_until = time.monotonic() + BROKER_BACKOFF_SECONDS
        logger.warning(
            "outbox message=%s task=%s not sent, kept for the drain task: %s",
            message.pk,
            message.task_name,
            type(error).__name__,
        )
        OutboxMessage.objects.filter(pk=message_id).update(
            attempts=message.attempts + 1, last_error=type(error).__name__
        )
        return False
    OutboxMessage.objects.filter(pk=message_id).update(sent_at=timezone.now())
    return True


def _forget_sent() -> None:
    """Delete the sent messages whose debounce window ended more than KEEP_SENT_SECONDS ago."""
    OutboxMessage.objects.filter(
        sent_at__isnull=False,
        available_at__lt=timezone.now() - datetime.timedelta(seconds=KEEP_SENT_SECONDS),
    ).delete()


def drain(limit: int = 500) -> int:
    """Send the messages that were not sent after their commit (the broker was away, or the
    process died in between). Returns how many were sent. Stops at the first message the
    broker refuses: it is still away, the next drain tries again. Old sent messages are
    deleted."""
    now = timezone.now()
    _forget_sent()
    sent = 0
    pending = OutboxMessage.objects.filter(
        sent_at__isnull=True, created_at__lt=now - datetime.timedelta(seconds=GRACE_SECONDS)
    ).order_by("id")
    if _eager():  # tasks run here: one by one, outside any transaction
        return sum(send(pk) for pk in list(pending.values_list("pk", flat=True)[:limit]))
    while sent < limit:
        with transaction.atomic():
            # Several drainers at once each take other rows (skip_locked; SQLite has one writer).
            batch = list(pending.select_for_update(skip_locked=True)[: min(50, limit - sent)])
            if not batch:
                break
            for message in batch:
                try:
                    _publish(message)
                except Exception as error:
                    OutboxMessage.objects.filter(pk=message.pk).update(
                        attempts=message.attempts + 1, last_error=type(error).__name__
                    )
                    logger.warning("outbox drain stopped: %s", type(error).__name__)
                    return sent
                OutboxMessage.objects.filter(pk=message.pk).update(sent_at=timezone.now())
                sent += 1
    if sent:
        logger.info("outbox drained messages=%s", sent)
    return sent


def backlog() -> tuple[int, float | None]:
    """How many messages wait to be sent, and the age in seconds of the oldest."""
    unsent = OutboxMessage.objects.filter(sent_at__isnull=True)
    oldest = unsent.order_by("created_at").values_list("created_at", flat=True).first()
    age = (timezone.now() - oldest).total_seconds() if oldest else None
    return unsent.count(), age
