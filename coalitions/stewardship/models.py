"""Invitations: how people come into a coalition (there is no open sign-up)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from coalitions.models import Coalition, RoleName


class InvitationState(models.TextChoices):
    SENT = "sent", "Sent"
    ACCEPTED = "accepted", "Accepted"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"


class Invitation(models.Model):
    """A steward's invitation to hold a role. The link carries a 256-bit token; only its
    SHA-256 is stored, so a copy of the database opens no invitation. Single use: accepted,
    revoked or past ``expires_at``, it opens nothing."""

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(help_text="Where the link was sent. Shown to stewards only.")
    role = models.CharField(max_length=10, choices=RoleName.choices)
    organisation = models.ForeignKey(
        "allies.Actor",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="For members: the organisation they speak for.",
    )
    person = models.ForeignKey(
        "allies.Actor",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who the invitee is on the map.",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["coalition", "created_at"])]

    def __str__(self) -> str:
        return f"Invitation {self.pk} ({self.role})"

    @property
    def state(self) -> InvitationState:
        if self.revoked_at is not None:
            return InvitationState.REVOKED
        if self.accepted_at is not None:
            return InvitationState.ACCEPTED
        if self.expires_at <= timezone.now():
            return InvitationState.EXPIRED
        return InvitationState.SENT

    @property
    def is_open(self) -> bool:
        return self.state == InvitationState.SENT
