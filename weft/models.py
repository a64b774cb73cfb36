"""The base's own tables: the outbox of queued work, the sign-in attempt counters and the
heartbeats of background processes. None of them holds personal data."""

from django.db import models
from django.db.models import Q
from django.utils import timezone


class OutboxMessage(models.Model):
    """A task to send to the workers, written in the same transaction as the edit that asked
    for it (weft/queue.py): it exists if and only if the edit committed. Sent at once after the
    commit when the broker answers, otherwise by the drain task (weft/tasks.py) once it does.
    A sent row is kept until its debounce window is over, then deleted."""

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    # Same task and arguments within a debounce window: one message (weft/queue.py).
    debounce_key = models.CharField(max_length=255, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    available_at = models.DateTimeField(
        default=timezone.now, help_text="Not run before this time (the debounce's countdown)."
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0, help_text="Failed attempts to send it.")
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["created_at"], name="weft_outbox_unsent", condition=Q(sent_at__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_name}{tuple(self.args)} ({'sent' if self.sent_at else 'unsent'})"


class AttemptCounter(models.Model):
    """Sign-in attempts per client in the current window (weft/throttles.py). In the database,
    not the cache: signing in must work, and stay throttled, while Redis is away. ``key`` is a
    hash of the scope and the client's address, never the address itself."""

    key = models.CharField(max_length=64, unique=True)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.count} attempts since {self.window_start:%H:%M:%S}"


class Heartbeat(models.Model):
    """When a background process last showed it was alive (the workers' drain task): what
    the health endpoint reads to tell whether anyone works the queue."""

    name = models.CharField(max_length=40, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} seen {self.seen_at:%Y-%m-%d %H:%M:%S}"
