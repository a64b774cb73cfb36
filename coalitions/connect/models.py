"""Connect: the coalition's member organisations and how far each has come through
Connect-Align-Produce (every move kept), the introductions weavers make, and what members
commit."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from coalitions.models import Coalition
from weft.db import Editable, SameCoalition
from weft.vocabulary import MemberPhase


class Membership(Editable, SameCoalition):
    """A member (or prospective member) organisation and where it is in Connect-Align-Produce."""

    # Deleted with the actor it points at, in one batch that a restore brings back
    # (allies/services/actors.py).
    deleted_with_actor = ("organisation",)

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
    phase_notes = models.TextField(
        blank=True,
        help_text="Where the organisation stands in its phase: what is next, what holds it back.",
    )
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
    # Kept so that undoing a membership's removal brings its path back with it
    # (coalitions/connect/services.py, membership_restore).
    history = HistoricalRecords()

    class Meta:
        ordering = ["membership_id", "moved_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_phase or '—'} → {self.to_phase}"


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
