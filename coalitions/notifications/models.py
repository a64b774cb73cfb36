"""Notifications (issue 22): what Weft tells a user needs them, in the app and by email.

A notification is written by the service that causes it, in the same transaction: it exists if
and only if the change committed. Its title names the thing, never another person's personal
data; its link is a path inside the site (emails make it absolute with weft/links.py)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class NotificationKind(models.TextChoices):
    VOTE = "vote", "A vote opened to your organisation"
    FEEDBACK = "feedback", "A feedback round opened"
    HEALTH_CHECK = "health_check", "A health-check round opened"
    SURVEY = "survey", "A survey round opened"
    CLOSING = "closing", "Closing in 48 hours"
    NEXT_STEP = "next_step", "A next step assigned to you, or overdue"
    MENTION = "mention", "A mention of you in a comment"
    STATEMENT = "statement", "A statement revised or published"
    ROLE = "role", "A role given to you"
    REPORT = "report", "A report shared with you"


class Delivery(models.TextChoices):
    IMMEDIATELY = "immediately", "Email at once"
    DAILY = "daily", "Daily digest"
    WEEKLY = "weekly", "Weekly digest"
    OFF = "off", "No email (in Weft only)"


DEFAULT_DELIVERY = Delivery.DAILY


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    coalition = models.ForeignKey(
        "coalitions.Coalition", on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    title = models.CharField(max_length=300)
    path = models.CharField(max_length=500, help_text="Where it leads, inside the site.")
    # The same cause never notifies one user twice (a reminder runs every hour).
    key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Sent by email, at once or in a digest (weft's outbox queues the sending).
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["user", "created_at"],
                name="coal_notif_unread",
                condition=Q(read_at__isnull=True),
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=~Q(key=""), name="coal_notif_once_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for user {self.user_id}"


class NotificationPreference(models.Model):
    """How one user wants one kind by email. No row: the default (a daily digest)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    delivery = models.CharField(max_length=12, choices=Delivery.choices, default=DEFAULT_DELIVERY)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="coal_notif_pref_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.delivery} for user {self.user_id}"
