"""The relationships between actors: declared ties, the interactions that are evidence of a
relationship, and each actor's stored place on the map (layouts are computed on the server)."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from networks.managers import TieQuerySet
from weft.db import Editable, SameCoalition
from weft.vocabulary import Direction, InteractionKind, TieKind

STRENGTH_RANGE = (1, 5)


class Tie(Editable, SameCoalition):
    """A declared relationship between two actors of the same coalition."""

    # Deleted with the actor it points at, in one batch that a restore brings back
    # (allies/services/actors.py).
    deleted_with_actor = ("source", "target")

    coalition_actor_fields = ("source", "target")

    coalition = models.ForeignKey(
        "coalitions.Coalition", on_delete=models.CASCADE, related_name="ties"
    )
    source = models.ForeignKey("allies.Actor", on_delete=models.CASCADE, related_name="ties_out")
    target = models.ForeignKey("allies.Actor", on_delete=models.CASCADE, related_name="ties_in")
    kind = models.CharField(max_length=20, choices=TieKind.choices, default=TieKind.COLLABORATION)
    direction = models.CharField(
        max_length=10, choices=Direction.choices, default=Direction.UNDIRECTED
    )
    strength = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Declared strength, 1 (weak) to 5 (strong)."
    )
    type_label = models.CharField(
        max_length=120,
        blank=True,
        help_text="The type an imported file gave the connection, in its own words, kept "
        "beside Weft's kind.",
    )
    declared_weight = models.FloatField(
        null=True,
        blank=True,
        help_text="The weight an imported file gave the tie (any positive number, as Gephi "
        "or Kumu wrote it); its strength is this weight mapped into 1–5 by the file's range.",
    )
    custom_fields = models.JSONField(
        default=dict, blank=True, help_text="A connection's other columns or attributes."
    )
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    is_sensitive = models.BooleanField(
        default=False, help_text="Hidden from every role but organizers and stewards."
    )
    description = models.TextField(blank=True)

    objects = TieQuerySet.as_manager()

    class Meta:
        ordering = ["coalition_id", "id"]
        indexes = [
            models.Index(fields=["coalition", "is_sensitive"]),
            models.Index(fields=["coalition", "started_on", "ended_on"]),
            models.Index(fields=["source", "target"]),
            models.Index(fields=["target"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source=F("target")), name="networks_tie_not_to_itself"
            ),
            models.CheckConstraint(
                condition=Q(strength__isnull=True)
                | Q(strength__gte=STRENGTH_RANGE[0], strength__lte=STRENGTH_RANGE[1]),
                name="networks_tie_strength_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(declared_weight__isnull=True) | Q(declared_weight__gt=0),
                name="networks_tie_declared_weight_positive",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=F("started_on")),
                name="networks_tie_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=TieKind.values), name="networks_tie_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(direction__in=Direction.values), name="networks_tie_direction_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Tie {self.source_id} – {self.target_id} ({self.kind})"

    def is_current(self, on: datetime.date | None = None) -> bool:
        """Whether the tie existed on ``on`` (today by default): started by then, not yet ended."""
        from django.utils import timezone

        on = on or timezone.localdate()
        started = self.started_on is None or self.started_on <= on
        not_ended = self.ended_on is None or self.ended_on >= on
        return started and not_ended


# The same words on the page and in the API. Which actor of another coalition it was is not
# said: its name is that coalition's.
PARTICIPANT_ELSEWHERE = (
    "Every participant must be an actor of this coalition's map: one of those chosen is not."
)


class Interaction(Editable):
    coalition = models.ForeignKey(
        "coalitions.Coalition", on_delete=models.CASCADE, related_name="interactions"
    )
    kind = models.CharField(max_length=30, choices=InteractionKind.choices)
    occurred_on = models.DateField()
    summary = models.CharField(max_length=300, blank=True)
    follow_up = models.CharField(
        max_length=300, blank=True, help_text="What to do next, after this interaction."
    )
    follow_up_on = models.DateField(
        null=True, blank=True, db_index=True, help_text="By when the follow-up is due."
    )
    participants = models.ManyToManyField(
        "allies.Actor", through="InteractionParticipant", related_name="interactions"
    )
    action = models.ForeignKey(
        "coalitions.Action",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interactions",
    )
    working_group = models.ForeignKey(
        "coalitions.WorkingGroup",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interactions",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["coalition_id", "-occurred_on", "id"]
        indexes = [models.Index(fields=["coalition", "occurred_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=InteractionKind.values), name="networks_interaction_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.occurred_on}"


class InteractionParticipant(models.Model):
    interaction = models.ForeignKey(
        Interaction, on_delete=models.CASCADE, related_name="participations"
    )
    actor = models.ForeignKey(
        "allies.Actor", on_delete=models.CASCADE, related_name="participations"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["interaction", "actor"], name="networks_participant_once"
            ),
        ]

    def __str__(self) -> str:
        return f"Actor {self.actor_id} in interaction {self.interaction_id}"


class ActorPosition(models.Model):
    """An actor's place on the force-directed map, computed by the layout task. A pinned
    position was placed by hand and is kept by later layout runs."""

    # Deleted with the actor it points at, in one batch that a restore brings back
    # (allies/services/actors.py).
    deleted_with_actor = ("actor",)

    actor = models.OneToOneField("allies.Actor", on_delete=models.CASCADE, related_name="position")
    x = models.FloatField()
    y = models.FloatField()
    is_pinned = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)
    # Kept so that undoing an actor's deletion puts it back where it was (allies/services.py).
    # Layout runs write positions in bulk and leave no history; drags and deletions do.
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Actor {self.actor_id} at ({self.x:.1f}, {self.y:.1f})"


class SuggestionKind(models.TextChoices):
    INTRODUCTION = "introduction", "Introduction that closes triangles"
    BRIDGE = "bridge", "Bridge between communities"
    PERIPHERY = "periphery", "Bring a peripheral member in"
    AT_RISK = "at_risk", "Relationship at risk"


class SuggestionStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACCEPTED = "accepted", "Turned into an introduction"
    DISMISSED = "dismissed", "Dismissed"


class Suggestion(models.Model):
    """Something a weaver could do, found by a metric run: introduce ``actor`` to ``other``,
    bridge two communities, bring a peripheral member in, tend a weakening relationship.

    One row per coalition, kind and pair (``actor`` is the lower id of the two): each run
    updates the row it finds again, so a weaver's decision (accepted, dismissed, by whom and
    when) outlives the run that made the suggestion. A dismissed one opens again only when a
    run finds it for another reason."""

    # The latest run that found it; None for a suggestion that came from elsewhere than a run
    # (a member's "would introduce" answer in a relationship survey, coalitions/surveys/), or
    # whose run was deleted: the decision is kept.
    run = models.ForeignKey(
        "networks.MetricRun",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
    )
    coalition = models.ForeignKey(
        "coalitions.Coalition", on_delete=models.CASCADE, related_name="suggestions"
    )
    kind = models.CharField(max_length=15, choices=SuggestionKind.choices)
    actor = models.ForeignKey("allies.Actor", on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(
        "allies.Actor", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    score = models.FloatField(help_text="Higher first: common partners, betweenness, loss.")
    reason = models.CharField(max_length=300)
    status = models.CharField(
        max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    dismissed_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["run_id", "kind", "-score", "id"]
        indexes = [models.Index(fields=["coalition", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=SuggestionKind.values), name="networks_suggestion_kind_valid"
            ),
            # One row per pair and kind (two partial indexes: NULLs are distinct in a plain
            # unique index, and a periphery suggestion names one actor).
            models.UniqueConstraint(
                fields=["coalition", "kind", "actor", "other"],
                condition=Q(other__isnull=False),
                name="networks_suggestion_one_per_pair",
            ),
            models.UniqueConstraint(
                fields=["coalition", "kind", "actor"],
                condition=Q(other__isnull=True),
                name="networks_suggestion_one_per_actor",
            ),
            models.CheckConstraint(
                condition=Q(other__isnull=True) | Q(actor__lt=F("other")),
                name="networks_suggestion_pair_ordered",
            ),
            models.CheckConstraint(
                condition=Q(status__in=SuggestionStatus.values),
                name="networks_suggestion_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.actor_id} / {self.other_id}"

    @staticmethod
    def pair(actor_id: int, other_id: int | None) -> tuple[int, int | None]:
        """The pair as stored: the lower id first, so A-B and B-A are one suggestion."""
        if other_id is not None and other_id < actor_id:
            return other_id, actor_id
        return actor_id, other_id

    def found_again(self, *, reason: str, score: float, run_id: int | None) -> bool:
        """A run (or a survey) found this suggestion again: keep its decision, take the new
        score and reason, and open a dismissed one again if the reason is not the one it was
        dismissed for. True if a dismissed one opened again."""
        reason = reason[:300]
        reopened = self.status == SuggestionStatus.DISMISSED and reason != self.reason
        if reopened:
            self.status = SuggestionStatus.OPEN
            self.decided_by = None
            self.decided_at = None
            self.dismissed_reason = ""
        self.reason = reason
        self.score = score
        if run_id is not None:
            self.run_id = run_id
        return reopened
