"""The coalition: its cause and goals, who holds which role in it, its members and how far
each has come through Connect-Align-Produce, what binds them (the unity statement and shared
principles), how they organise (working groups, hubs, caucuses) and what they achieve (actions,
moments of convergence, wins and shifts in the political climate).

Every row of a coalition's map belongs to exactly one coalition: it is the tenant boundary.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from coalitions.managers import CoalitionQuerySet, RoleQuerySet
from weft.db import Editable, SameCoalition
from weft.vocabulary import CoalitionPhase


class Scale(models.TextChoices):
    LOCAL = "local", "Local"
    REGIONAL = "regional", "Regional"
    NATIONAL = "national", "National"
    INTERNATIONAL = "international", "International"


class Coalition(Editable):
    name = models.CharField(max_length=200)
    cause = models.TextField(blank=True, help_text="What the coalition is for, in a sentence.")
    social_change_goal = models.TextField(
        blank=True, help_text="The win and the shift in the political climate it seeks."
    )
    social_power_goal = models.TextField(
        blank=True, help_text="The relationships and leadership it means to build."
    )
    scale = models.CharField(max_length=20, choices=Scale.choices, default=Scale.LOCAL)
    phase = models.CharField(
        max_length=10, choices=CoalitionPhase.choices, default=CoalitionPhase.CONNECT
    )
    # Privacy policy, set by stewards.
    reports_show_organisation_names = models.BooleanField(
        default=True,
        help_text="Funder reports name member organisations; off: counts only.",
    )
    reports_small_count_threshold = models.PositiveSmallIntegerField(
        default=3, help_text='Counts below this are shown as "fewer than N" in funder reports.'
    )
    require_two_factor = models.BooleanField(
        default=False,
        help_text="Stewards and organizers (who see personal data) must sign in with a second "
        "factor (an authenticator app's code).",
    )
    # Retention, set by stewards (coalitions/stewardship/retention.py): how many days each kind
    # of data is kept once it is no longer needed; empty keeps it for ever.
    retain_contacts_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        default=730,
        help_text="Contact details of people with no interaction for this many days.",
    )
    retain_interaction_notes_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        default=730,
        help_text="Notes (summaries) of interactions older than this many days.",
    )
    retain_signatures_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        default=365,
        help_text="Signatures withdrawn, or never confirmed, this many days ago.",
    )
    retain_invitations_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        default=90,
        help_text="Invitations accepted, revoked or expired this many days ago.",
    )
    retain_audit_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        default=1825,
        help_text="Audit log entries older than this many days.",
    )
    # Relationship-strength settings (half-life, weights); empty means the documented defaults.
    strength_settings = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    demo_key = models.CharField(
        max_length=40, blank=True, editable=False, help_text="Set on coalitions built by loaddemo."
    )

    objects = CoalitionQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="coalitions_name_not_empty"),
            models.CheckConstraint(
                condition=Q(reports_small_count_threshold__gte=1),
                name="coalitions_small_count_threshold_positive",
            ),
            models.UniqueConstraint(
                fields=["demo_key"], condition=~Q(demo_key=""), name="coalitions_unique_demo_key"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RoleName(models.TextChoices):
    STEWARD = "steward", "Steward"
    ORGANIZER = "organizer", "Organizer"
    WEAVER = "weaver", "Weaver"
    MEMBER = "member", "Member"
    FUNDER = "funder", "Funder"


class Role(SameCoalition):
    """A user's role in one coalition. A change of role revokes the current row and adds a
    new one, so that who held which role, when, and who granted it is never lost."""

    coalition_actor_fields = ("organisation", "person")

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coalition_roles"
    )
    role = models.CharField(max_length=10, choices=RoleName.choices)
    organisation = models.ForeignKey(
        "allies.Actor",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member_users",
        help_text="For members: the organisation they belong to and may edit.",
    )
    # Who the user is on the coalition's map. A member votes, answers health checks and
    # endorses for their organisation only when this person is its designee: the signed-in
    # account is tied to the person, not to the organisation alone. Kept on the role row (not
    # the Actor) because actors belong to one coalition and users to many.
    person = models.ForeignKey(
        "allies.Actor",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="user_roles",
        help_text="The person (an actor of kind person) this user is in the coalition.",
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RoleQuerySet.as_manager()

    class Meta:
        ordering = ["coalition_id", "user_id", "-granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "coalition"],
                condition=Q(revoked_at__isnull=True),
                name="coalitions_one_current_role_per_user",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(revoked_at__isnull=True, person__isnull=False),
                name="coalitions_one_current_user_per_person",
            ),
            models.CheckConstraint(
                condition=Q(role__in=RoleName.values), name="coalitions_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=F("granted_at")),
                name="coalitions_role_revoked_after_granted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role} of user {self.user_id} in coalition {self.coalition_id}"

    def is_current(self) -> bool:
        return self.revoked_at is None


class AuditAction(models.TextChoices):
    ROLE_GRANTED = "role_granted", "Role granted"
    ROLE_CHANGED = "role_changed", "Role changed"
    ROLE_REVOKED = "role_revoked", "Role revoked"
    PRIVACY_CHANGED = "privacy_changed", "Privacy policy changed"
    EXPORT = "export", "Data exported"
    PERSON_ERASED = "person_erased", "Person's personal data erased"
    COALITION_CREATED = "coalition_created", "Coalition created"
    REPORT_PUBLISHED = "report_published", "Funder report published"
    SHARE_LINK_CREATED = "share_link_created", "Report share link created"
    SHARE_LINK_REVOKED = "share_link_revoked", "Report share link revoked"
    SHARE_LINK_OPENED = "share_link_opened", "Report opened through a share link"
    SHARE_LINK_REFUSED = "share_link_refused", "Expired or revoked share link refused"
    INVITATION_SENT = "invitation_sent", "Invitation sent"
    INVITATION_ACCEPTED = "invitation_accepted", "Invitation accepted"
    INVITATION_REVOKED = "invitation_revoked", "Invitation revoked"
    STORY_LINK_CREATED = "story_link_created", "Story share link created"
    STORY_LINK_REVOKED = "story_link_revoked", "Story share link revoked"
    STORY_LINK_OPENED = "story_link_opened", "Story opened through a share link"
    STORY_LINK_REFUSED = "story_link_refused", "Expired or revoked story link refused"
    RETENTION_RUN = "retention_run", "Data past its retention period removed"
    COALITION_DELETED = "coalition_deleted", "Coalition deleted with all its data"
    STRENGTH_SETTINGS_CHANGED = (
        "strength_settings_changed",
        "Relationship strength settings changed",
    )


class AuditEntry(models.Model):
    """What a steward must be able to answer for: role changes, exports, erasures.
    ``details`` holds ids and counts, never personal data."""

    coalition = models.ForeignKey(
        Coalition, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_entries"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=30, choices=AuditAction.choices)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["coalition", "created_at"])]

    def __str__(self) -> str:
        return f"{self.action} at {self.created_at:%Y-%m-%d %H:%M}"
