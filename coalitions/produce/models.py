"""Produce: how the coalition organises (working groups, hubs, caucuses) and what it
achieves (actions and moments of convergence, wins, shifts in the political climate)."""

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from coalitions.models import Coalition
from weft.db import Editable


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
