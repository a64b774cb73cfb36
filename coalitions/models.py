"""The coalition: its cause and goals, who holds which role in it, its members and how far
each has come through Connect-Align-Produce, what binds them (the unity statement and shared
principles), how they organise (working groups, hubs, caucuses) and what they achieve (actions,
moments of convergence, wins and shifts in the political climate).

Every row of a coalition's map belongs to exactly one coalition: it is the tenant boundary.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from coalitions.managers import CoalitionQuerySet, RoleQuerySet
from weft.db import Editable, SameCoalition


class Scale(models.TextChoices):
    LOCAL = "local", "Local"
    REGIONAL = "regional", "Regional"
    NATIONAL = "national", "National"
    INTERNATIONAL = "international", "International"


class CoalitionPhase(models.TextChoices):
    """Connect-Align-Produce (Network Weaver / Blueprints for Change). Not linear: a coalition
    can go back to Connect when it needs new partners."""

    CONNECT = "connect", "Connect"
    ALIGN = "align", "Align"
    PRODUCE = "produce", "Produce"


class MemberPhase(models.TextChoices):
    PROSPECT = "prospect", "Prospect"
    CONNECT = "connect", "Connect"
    ALIGN = "align", "Align"
    PRODUCE = "produce", "Produce"


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


class Target(Editable, SameCoalition):
    """A decision-maker the coalition means to move; its pillars of support are the actors
    tied to it, and each assessment records an actor's proximity to it."""

    coalition_actor_fields = ("actor",)

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="targets")
    actor = models.ForeignKey("allies.Actor", on_delete=models.CASCADE, related_name="targeted_by")
    demand = models.TextField(blank=True, help_text="What the coalition wants them to do.")
    is_primary = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["coalition", "actor"], name="coalitions_target_once"),
        ]

    def __str__(self) -> str:
        return f"Target {self.actor_id} of coalition {self.coalition_id}"


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


class Membership(Editable, SameCoalition):
    """A member (or prospective member) organisation and where it is in Connect-Align-Produce."""

    coalition_actor_fields = ("organisation", "designee")

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        "allies.Actor", on_delete=models.CASCADE, related_name="memberships"
    )
    phase = models.CharField(
        max_length=10, choices=MemberPhase.choices, default=MemberPhase.PROSPECT
    )
    designee = models.ForeignKey(
        "allies.Actor",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="designee_for",
        help_text="The person who speaks and votes for the organisation in the coalition.",
    )
    brings = models.TextField(blank=True, help_text="What the organisation brings.")
    gets = models.TextField(blank=True, help_text="What the organisation gets from the coalition.")
    joined_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["coalition_id", "phase", "id"]
        indexes = [models.Index(fields=["coalition", "phase"])]
        constraints = [
            models.UniqueConstraint(
                fields=["coalition", "organisation"], name="coalitions_membership_once"
            ),
            models.CheckConstraint(
                condition=Q(phase__in=MemberPhase.values), name="coalitions_membership_phase_valid"
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True)
                | Q(joined_on__isnull=True)
                | Q(left_on__gte=F("joined_on")),
                name="coalitions_membership_left_after_joined",
            ),
        ]

    def __str__(self) -> str:
        return f"Membership of actor {self.organisation_id} in coalition {self.coalition_id}"


class PhaseMove(models.Model):
    """A member moved from one phase to another: who moved it and when."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="moves")
    from_phase = models.CharField(max_length=10, choices=MemberPhase.choices, blank=True)
    to_phase = models.CharField(max_length=10, choices=MemberPhase.choices)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moved_at = models.DateTimeField()

    class Meta:
        ordering = ["membership_id", "moved_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_phase or '—'} → {self.to_phase}"


class StatementStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    FEEDBACK = "feedback", "Feedback round open"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


class UnityStatement(Editable):
    """The text that draws the boundary of the network: organisations that sign it are in."""

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="statements")
    title = models.CharField(max_length=200)
    status = models.CharField(
        max_length=10, choices=StatementStatus.choices, default=StatementStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["coalition_id", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=StatementStatus.values), name="coalitions_statement_status"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class StatementVersion(models.Model):
    """One version of a statement's text (Markdown). Versions are never edited once a later
    one exists; a signature points at the version signed."""

    statement = models.ForeignKey(UnityStatement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    body = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["statement_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["statement", "number"], name="coalitions_version_once"),
            models.CheckConstraint(condition=Q(number__gte=1), name="coalitions_version_positive"),
        ]

    def __str__(self) -> str:
        return f"Statement {self.statement_id} v{self.number}"


class FeedbackRound(models.Model):
    version = models.ForeignKey(
        StatementVersion, on_delete=models.CASCADE, related_name="feedback_rounds"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField()
    closes_at = models.DateTimeField()

    class Meta:
        ordering = ["version_id", "opened_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opened_at")), name="coalitions_round_closes_after_open"
            ),
        ]

    def __str__(self) -> str:
        return f"Feedback round on version {self.version_id}"


class FeedbackComment(models.Model):
    round = models.ForeignKey(FeedbackRound, on_delete=models.CASCADE, related_name="comments")
    paragraph = models.PositiveSmallIntegerField(help_text="1-based paragraph of the version.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        "allies.Actor", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round_id", "paragraph", "created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(paragraph__gte=1), name="coalitions_comment_para"),
            models.CheckConstraint(condition=~Q(body=""), name="coalitions_comment_not_empty"),
        ]

    def __str__(self) -> str:
        return f"Comment on paragraph {self.paragraph}"


class Signature(models.Model):
    """An organisation's signature on one published version, given by an authorised signer.
    The signer's name, title and email are personal data. Withdrawal is recorded, never
    deleted."""

    version = models.ForeignKey(
        StatementVersion, on_delete=models.CASCADE, related_name="signatures"
    )
    organisation = models.ForeignKey(
        "allies.Actor", null=True, blank=True, on_delete=models.SET_NULL, related_name="signatures"
    )
    organisation_name = models.CharField(max_length=200)
    organisation_key = models.CharField(
        max_length=200, editable=False, help_text="The name normalised, for one signature each."
    )
    signer_name = models.CharField(max_length=200)
    signer_title = models.CharField(max_length=200, blank=True)
    signer_email = models.EmailField()
    show_publicly = models.BooleanField(
        default=True, help_text="The organisation agreed to be listed as a signatory."
    )
    confirmation_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["version_id", "organisation_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "organisation_key"],
                condition=Q(withdrawn_at__isnull=True),
                name="coalitions_one_signature_per_organisation",
            ),
            models.CheckConstraint(
                condition=~Q(organisation_key=""), name="coalitions_signature_key_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"Signature {self.pk} on version {self.version_id}"

    def save(self, *args, **kwargs):
        self.organisation_key = self.key_for(self.organisation_name)
        super().save(*args, **kwargs)

    @staticmethod
    def key_for(organisation_name: str) -> str:
        return " ".join(organisation_name.casefold().split())


class Principle(Editable):
    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="principles")
    title = models.CharField(max_length=200)
    text = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["coalition_id", "position", "id"]

    def __str__(self) -> str:
        return self.title


class Endorsement(models.Model):
    """A member organisation endorses a principle, once, through its designee."""

    principle = models.ForeignKey(Principle, on_delete=models.CASCADE, related_name="endorsements")
    organisation = models.ForeignKey(
        "allies.Actor", on_delete=models.CASCADE, related_name="endorsements"
    )
    endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    endorsed_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["principle_id", "endorsed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["principle", "organisation"],
                condition=Q(withdrawn_at__isnull=True),
                name="coalitions_endorse_once",
            ),
        ]

    def __str__(self) -> str:
        return f"Endorsement of principle {self.principle_id} by {self.organisation_id}"


class GroupKind(models.TextChoices):
    WORKING_GROUP = "working_group", "Working group"
    HUB = "hub", "Hub"
    CAUCUS = "caucus", "Caucus"


class WorkingGroup(Editable):
    """A working group, a local hub or a caucus; nestable, so a multi-scale coalition can have
    city hubs inside a regional one."""

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(max_length=200)
    kind = models.CharField(
        max_length=20, choices=GroupKind.choices, default=GroupKind.WORKING_GROUP
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    purpose = models.TextField(blank=True)

    class Meta:
        ordering = ["coalition_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["coalition", "name"], name="coalitions_group_name"),
            models.CheckConstraint(
                condition=~Q(parent=F("id")), name="coalitions_group_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class GroupMember(models.Model):
    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="members")
    actor = models.ForeignKey("allies.Actor", on_delete=models.CASCADE, related_name="group_seats")
    is_lead = models.BooleanField(default=False)
    joined_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["group_id", "-is_lead", "id"]
        constraints = [
            models.UniqueConstraint(fields=["group", "actor"], name="coalitions_group_member_once"),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True)
                | Q(joined_on__isnull=True)
                | Q(left_on__gte=F("joined_on")),
                name="coalitions_group_member_left_after_joined",
            ),
        ]

    def __str__(self) -> str:
        return f"Actor {self.actor_id} in group {self.group_id}"


class Action(Editable):
    """A joint action, or a moment of convergence (a large action where the whole network
    comes together). Who led it counts towards leadership."""

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(max_length=200)
    is_convergence = models.BooleanField(
        default=False, help_text="A moment of convergence: the whole network acts together."
    )
    description = models.TextField(blank=True)
    starts_on = models.DateField()
    place = models.CharField(max_length=200, blank=True)
    working_group = models.ForeignKey(
        WorkingGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    leaders = models.ManyToManyField("allies.Actor", blank=True, related_name="actions_led")
    participants = models.ManyToManyField("allies.Actor", blank=True, related_name="actions_joined")
    planned_turnout = models.PositiveIntegerField(null=True, blank=True)
    actual_turnout = models.PositiveIntegerField(null=True, blank=True)
    outcome = models.TextField(blank=True)

    class Meta:
        ordering = ["coalition_id", "-starts_on", "id"]
        indexes = [models.Index(fields=["coalition", "starts_on"])]

    def __str__(self) -> str:
        return self.title


class Win(Editable):
    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="wins")
    title = models.CharField(max_length=200)
    won_on = models.DateField()
    description = models.TextField(blank=True)
    actions = models.ManyToManyField(Action, blank=True, related_name="wins")

    class Meta:
        ordering = ["coalition_id", "-won_on", "id"]
        indexes = [models.Index(fields=["coalition", "won_on"])]

    def __str__(self) -> str:
        return self.title


class ClimateDirection(models.TextChoices):
    FAVOURABLE = "favourable", "Favourable to the cause"
    UNFAVOURABLE = "unfavourable", "Unfavourable to the cause"
    MIXED = "mixed", "Mixed"


class ClimateShift(Editable):
    """A shift in the political climate: how far a win (or a loss) moved what is thinkable."""

    coalition = models.ForeignKey(
        Coalition, on_delete=models.CASCADE, related_name="climate_shifts"
    )
    title = models.CharField(max_length=200)
    recorded_on = models.DateField()
    direction = models.CharField(
        max_length=12, choices=ClimateDirection.choices, default=ClimateDirection.FAVOURABLE
    )
    description = models.TextField(blank=True)
    actions = models.ManyToManyField(Action, blank=True, related_name="climate_shifts")

    class Meta:
        ordering = ["coalition_id", "-recorded_on", "id"]

    def __str__(self) -> str:
        return self.title


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


# ---------------------------------------------------------------------------------------------
# Funder reports


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class Report(models.Model):
    """A success report for one period, against the period before (coalitions/reporting.py
    builds its figures). A draft's figures are computed when it is read; publishing freezes
    them, with the narrative, into ``snapshot``, which nothing changes afterwards: a later
    report is a new row."""

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="reports")
    period_start = models.DateField()
    period_end = models.DateField()
    narrative = models.TextField(
        blank=True, help_text="The organizers' story of the period (Markdown)."
    )
    # Grows by one on every narrative save, so that two organizers writing at once do not
    # silently overwrite each other (If-Match on the API, a hidden field on the page).
    version = models.PositiveIntegerField(default=1, editable=False)
    narrative_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    narrative_updated_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    snapshot = models.JSONField(
        default=dict, blank=True, help_text="The figures as published (empty for a draft)."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["coalition_id", "-period_end", "-id"]
        indexes = [models.Index(fields=["coalition", "status", "period_end"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="coalitions_report_period_in_order",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values), name="coalitions_report_status"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="coalitions_report_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Report {self.pk} of coalition {self.coalition_id} ({self.period_label})"

    @property
    def period_label(self) -> str:
        from coalitions.reporting import period_label

        return period_label(self.period_start, self.period_end)

    def is_published(self) -> bool:
        return self.status == ReportStatus.PUBLISHED


class ShareLink(models.Model):
    """A read-only link to one published report, for someone without an account. Only the
    SHA-256 of its token is stored: the token itself is shown once, to the steward who made
    it. Every opening is written to the audit log."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="share_links")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["report_id", "-created_at", "-id"]

    def __str__(self) -> str:
        # Never the hash: it is as good as the token for looking a link up.
        return f"Share link {self.pk} of report {self.report_id}"

    def is_open(self, at) -> bool:
        return self.revoked_at is None and self.expires_at > at


# ---------------------------------------------------------------------------------------------
# The weaver's workflow: introductions, commitments, proposals and votes, health checks


class IntroductionOutcome(models.TextChoices):
    PENDING = "pending", "Waiting to hear"
    MET = "met", "They met"
    WORKING_TOGETHER = "working_together", "Working together"
    NO_FOLLOW_UP = "no_follow_up", "No follow-up"


class Introduction(Editable, SameCoalition):
    """A weaver introduced one actor to another, for a reason. The introduction is also an
    interaction between the two (``interaction``), so it feeds their relationship strength."""

    coalition_actor_fields = ("introduced", "introduced_to")

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="introductions")
    introduced = models.ForeignKey(
        "allies.Actor", on_delete=models.CASCADE, related_name="introductions_made"
    )
    introduced_to = models.ForeignKey(
        "allies.Actor", on_delete=models.CASCADE, related_name="introductions_received"
    )
    reason = models.TextField(help_text="Why these two should know each other.")
    introduced_on = models.DateField()
    follow_up_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(
        max_length=20, choices=IntroductionOutcome.choices, default=IntroductionOutcome.PENDING
    )
    interaction = models.OneToOneField(
        "networks.Interaction",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="introduction",
    )
    suggestion = models.OneToOneField(
        "networks.Suggestion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="introduction",
    )
    introduced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["coalition_id", "-introduced_on", "-id"]
        indexes = [models.Index(fields=["coalition", "introduced_on"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(introduced=F("introduced_to")),
                name="coalitions_introduction_two_actors",
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=IntroductionOutcome.values),
                name="coalitions_introduction_outcome_valid",
            ),
            models.CheckConstraint(
                condition=Q(follow_up_on__isnull=True) | Q(follow_up_on__gte=F("introduced_on")),
                name="coalitions_introduction_follow_up_after",
            ),
            models.CheckConstraint(
                condition=~Q(reason=""), name="coalitions_introduction_reason_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"Introduction of {self.introduced_id} to {self.introduced_to_id}"


class CommitmentKind(models.TextChoices):
    PEOPLE = "people", "People"
    HOURS = "hours", "Hours"
    MONEY = "money", "Money"
    REACH = "reach", "Reach"


class Commitment(Editable):
    """What a member organisation promised the coalition, by when, and whether it kept it
    (``kept`` is unknown until someone records it)."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="commitments")
    kind = models.CharField(max_length=10, choices=CommitmentKind.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    description = models.CharField(max_length=300, blank=True)
    due_on = models.DateField(null=True, blank=True)
    kept = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["membership_id", "due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="coalitions_commitment_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=CommitmentKind.values), name="coalitions_commitment_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.kind} from membership {self.membership_id}"


class DecisionRule(models.TextChoices):
    """How a proposal is decided (as Loomio names them). Consensus: everyone agrees or stands
    aside; one block or disagreement stops it. Consent: it passes unless someone has a
    paramount objection (a block). Majority: more agree than are against."""

    CONSENSUS = "consensus", "Consensus"
    CONSENT = "consent", "Consent"
    MAJORITY = "majority", "Majority"


class ProposalOutcome(models.TextChoices):
    UNDECIDED = "", "Not decided yet"
    ADOPTED = "adopted", "Adopted"
    REJECTED = "rejected", "Not adopted"


class Proposal(Editable):
    """A proposal put to the member organisations: one vote each, by its designee."""

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="proposals")
    title = models.CharField(max_length=200)
    text = models.TextField(blank=True)
    rule = models.CharField(max_length=10, choices=DecisionRule.choices)
    closes_at = models.DateTimeField()
    outcome = models.CharField(
        max_length=10, choices=ProposalOutcome.choices, blank=True, default=""
    )
    outcome_note = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    review_by = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["coalition_id", "-closes_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rule__in=DecisionRule.values), name="coalitions_proposal_rule_valid"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=ProposalOutcome.values),
                name="coalitions_proposal_outcome_valid",
            ),
            models.CheckConstraint(
                condition=Q(outcome="", decided_at__isnull=True)
                | (~Q(outcome="") & Q(decided_at__isnull=False)),
                name="coalitions_proposal_decided_with_outcome",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, now=None) -> bool:
        return self.outcome == "" and (now or timezone.now()) < self.closes_at


class VoteChoice(models.TextChoices):
    AGREE = "agree", "Agree"
    ABSTAIN = "abstain", "Abstain / stand aside"
    DISAGREE = "disagree", "Disagree"
    BLOCK = "block", "Block (paramount objection)"


class Vote(models.Model):
    """One member organisation's vote on a proposal, cast by its designee."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="votes")
    organisation = models.ForeignKey("allies.Actor", on_delete=models.CASCADE, related_name="+")
    designee = models.ForeignKey(
        "allies.Actor",
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The organisation's designee, who cast the vote.",
    )
    choice = models.CharField(max_length=10, choices=VoteChoice.choices)
    reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cast_at = models.DateTimeField()

    class Meta:
        ordering = ["proposal_id", "cast_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "organisation"], name="coalitions_one_vote_per_organisation"
            ),
            models.CheckConstraint(
                condition=Q(choice__in=VoteChoice.values), name="coalitions_vote_choice_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.choice} by {self.organisation_id} on proposal {self.proposal_id}"


HEALTH_DIMENSIONS = ("purpose", "participation", "relationships", "structures", "coordination")


class HealthCheckRound(models.Model):
    """A round of the network health check: each member organisation scores the coalition."""

    coalition = models.ForeignKey(
        Coalition, on_delete=models.CASCADE, related_name="health_check_rounds"
    )
    title = models.CharField(max_length=200)
    opens_on = models.DateField()
    closes_on = models.DateField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["coalition_id", "-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")),
                name="coalitions_health_round_closes_after_open",
            ),
        ]

    def __str__(self) -> str:
        return self.title


def _score_field(area: str):
    from coalitions.reporting import HEALTH_AREAS  # the areas' labels, one table for every page

    label = dict(HEALTH_AREAS)[area]
    return models.PositiveSmallIntegerField(help_text=f"{label}, 1 (poor) to 5 (strong).")


class HealthCheckAnswer(models.Model):
    """One organisation's scores in a round. Never shown to other members: only the round's
    averages and spread are."""

    round = models.ForeignKey(HealthCheckRound, on_delete=models.CASCADE, related_name="answers")
    organisation = models.ForeignKey("allies.Actor", on_delete=models.CASCADE, related_name="+")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    purpose = _score_field("purpose")
    participation = _score_field("participation")
    relationships = _score_field("relationships")
    structures = _score_field("structures")
    coordination = _score_field("coordination")
    comment = models.TextField(blank=True)
    answered_at = models.DateTimeField()

    class Meta:
        ordering = ["round_id", "answered_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "organisation"], name="coalitions_one_answer_per_organisation"
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{name}__gte": 1, f"{name}__lte": 5}),
                    name=f"coalitions_health_{name}_1_to_5",
                )
                for name in HEALTH_DIMENSIONS
            ),
        ]

    def __str__(self) -> str:
        return f"Answer of {self.organisation_id} in round {self.round_id}"
