"""The relationships between actors: declared ties, the interactions that are evidence of a
relationship, and each actor's stored place on the map (layouts are computed on the server)."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from networks.managers import TieQuerySet
from weft.db import Editable, SameCoalition


class TieKind(models.TextChoices):
    COLLABORATION = "collaboration", "Collaboration"
    AFFILIATION = "affiliation", "Affiliation"
    FUNDING = "funding", "Funding"
    COMMUNICATION = "communication", "Communication"
    TRUST = "trust", "Trust"
    INFLUENCE = "influence", "Influence"
    CONFLICT = "conflict", "Conflict"


class Direction(models.TextChoices):
    UNDIRECTED = "undirected", "Undirected"
    DIRECTED = "directed", "Directed (source → target)"
    MUTUAL = "mutual", "Mutual"


STRENGTH_RANGE = (1, 5)


class Tie(Editable, SameCoalition):
    """A declared relationship between two actors of the same coalition."""

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


class InteractionKind(models.TextChoices):
    """Evidence of a relationship. Weights per kind are per-coalition settings
    (networks/strength.py documents the defaults)."""

    ONE_TO_ONE = "one_to_one", "One-to-one relational meeting"
    JOINT_ACTION = "joint_action", "Joint action"
    WORKING_GROUP_SESSION = "working_group_session", "Working-group session"
    CO_ATTENDED_EVENT = "co_attended_event", "Co-attended event"
    COMMUNICATION = "communication", "Communication"


class Interaction(Editable):
    coalition = models.ForeignKey(
        "coalitions.Coalition", on_delete=models.CASCADE, related_name="interactions"
    )
    kind = models.CharField(max_length=30, choices=InteractionKind.choices)
    occurred_on = models.DateField()
    summary = models.CharField(max_length=300, blank=True)
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


class MetricRunStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class MetricTrigger(models.TextChoices):
    MANUAL = "manual", "Started by a person"
    EDIT = "edit", "After an edit to the map"
    NIGHTLY = "nightly", "Nightly (decay)"


class MetricRun(models.Model):
    """One computation of a coalition's network and leadership metrics: the snapshot that
    trends and funder reports compare. Every run is kept.

    ``input_hash`` identifies what the run was computed from (actors, ties, interactions,
    leadership records, strength settings and the day decay was computed for): a run for an
    input that already has a pending, running or succeeded run is not started again.
    """

    coalition = models.ForeignKey(
        "coalitions.Coalition", on_delete=models.CASCADE, related_name="metric_runs"
    )
    status = models.CharField(
        max_length=10, choices=MetricRunStatus.choices, default=MetricRunStatus.PENDING
    )
    trigger = models.CharField(
        max_length=10, choices=MetricTrigger.choices, default=MetricTrigger.MANUAL
    )
    input_hash = models.CharField(max_length=64)
    computed_for = models.DateField(help_text="The day relationship decay was computed for.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done, 0–100.")
    stage = models.CharField(max_length=40, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True, help_text="The Celery task computing it.")
    error = models.TextField(blank=True)
    betweenness_method = models.CharField(max_length=10, blank=True)
    pivots = models.PositiveIntegerField(default=0)
    seed = models.PositiveIntegerField(default=0)
    # Seconds spent loading, computing and storing (and in all).
    timings = models.JSONField(default=dict, blank=True)
    # NetworkFigures of networks/metrics.py, plus relationship figures (mean strength, ...).
    network = models.JSONField(default=dict, blank=True)
    # Leadership figures of networks/leadership.py.
    leadership = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["coalition_id", "-created_at", "-id"]
        indexes = [models.Index(fields=["coalition", "status", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=MetricRunStatus.values), name="networks_run_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="networks_run_progress_0_to_100"
            ),
            # The idempotency key: one live run per input (a failed one may be retried).
            models.UniqueConstraint(
                fields=["coalition", "input_hash"],
                condition=~Q(status="failed"),
                name="networks_run_once_per_input",
            ),
        ]

    def __str__(self) -> str:
        return f"Metric run {self.pk} of coalition {self.coalition_id} ({self.status})"

    def is_finished(self) -> bool:
        return self.status in (MetricRunStatus.SUCCEEDED, MetricRunStatus.FAILED)


class ActorMetric(models.Model):
    """One actor's figures in one run (networks/metrics.py explains each)."""

    run = models.ForeignKey(MetricRun, on_delete=models.CASCADE, related_name="actor_metrics")
    actor = models.ForeignKey("allies.Actor", on_delete=models.CASCADE, related_name="metrics")
    degree = models.PositiveIntegerField()
    weighted_degree = models.FloatField()
    betweenness = models.FloatField()
    weighted_betweenness = models.FloatField()
    closeness = models.FloatField()
    pagerank = models.FloatField()
    core_number = models.PositiveIntegerField()
    reach = models.FloatField()
    community = models.PositiveIntegerField()
    is_broker = models.BooleanField()
    is_peripheral = models.BooleanField()
    is_leader = models.BooleanField(default=False)

    class Meta:
        ordering = ["run_id", "actor_id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "actor"], name="networks_actor_metric_once"),
        ]

    def __str__(self) -> str:
        return f"Actor {self.actor_id} in run {self.run_id}"


class RelationshipMetric(models.Model):
    """The strength of one pair's relationship in one run (networks/strength.py); ``source``
    is the actor with the smaller id. ``is_inferred``: no declared tie, interactions only."""

    run = models.ForeignKey(
        MetricRun, on_delete=models.CASCADE, related_name="relationship_metrics"
    )
    source = models.ForeignKey("allies.Actor", on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey("allies.Actor", on_delete=models.CASCADE, related_name="+")
    evidence = models.FloatField()
    observed = models.FloatField()
    declared = models.PositiveSmallIntegerField(null=True, blank=True)
    strength = models.FloatField()
    is_inferred = models.BooleanField()
    is_sensitive = models.BooleanField(
        default=False, help_text="A sensitive tie joins the pair: hidden as the tie is."
    )

    class Meta:
        ordering = ["run_id", "source_id", "target_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "source", "target"], name="networks_relationship_once"
            ),
            models.CheckConstraint(
                condition=Q(source__lt=F("target")), name="networks_relationship_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} – {self.target_id} in run {self.run_id}: {self.strength:.2f}"


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
    bridge two communities, bring a peripheral member in, tend a weakening relationship."""

    run = models.ForeignKey(MetricRun, on_delete=models.CASCADE, related_name="suggestions")
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
            models.CheckConstraint(
                condition=Q(status__in=SuggestionStatus.values),
                name="networks_suggestion_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.actor_id} / {self.other_id}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Queued (a large file is read by a worker)"
    PREVIEWED = "previewed", "Previewed: nothing written yet"
    FAILED = "failed", "Failed: the file cannot be read"
    APPLYING = "applying", "Being applied"
    APPLIED = "applied", "Applied"


class ImportJob(models.Model):
    """One file brought into a coalition: read and previewed first (nothing written), then
    applied in one transaction when a user confirms a clean preview. The file is kept only
    until it is read; its rows are kept until the confirm, which applies exactly what was
    previewed."""

    coalition = models.ForeignKey(
        "coalitions.Coalition", on_delete=models.CASCADE, related_name="import_jobs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(max_length=200)
    file_format = models.CharField(max_length=10, blank=True)
    content = models.BinaryField(blank=True, default=b"", editable=False)
    parsed = models.JSONField(
        null=True, blank=True, editable=False, help_text="The previewed rows, until applied."
    )
    size = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done, 0–100.")
    summary = models.JSONField(default=dict, blank=True)
    decisions = models.JSONField(
        default=dict, blank=True, help_text="Per suggested duplicate (sheet:row): merge or create."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["coalition", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ImportStatus.values), name="networks_import_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.status})"

    @property
    def error_count(self) -> int:
        return len(self.summary.get("errors", []))

    def can_confirm(self) -> bool:
        return self.status == ImportStatus.PREVIEWED and self.error_count == 0


class ActorMerge(models.Model):
    """Two actors made one: everything of ``merged`` moved to ``kept``, and ``merged`` deleted
    (its history keeps it). ``moves`` records what moved and what was dropped as a conflict, so
    the merge can be undone."""

    coalition = models.ForeignKey(
        "coalitions.Coalition", on_delete=models.CASCADE, related_name="actor_merges"
    )
    kept = models.ForeignKey(
        "allies.Actor", null=True, on_delete=models.SET_NULL, related_name="merges_kept"
    )
    merged_actor_id = models.PositiveBigIntegerField()
    merged_name = models.CharField(max_length=200)
    moves = models.JSONField(default=dict)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-merged_at", "-id"]

    def __str__(self) -> str:
        return f"Merge of actor {self.merged_actor_id} into {self.kept_id}"


class MapLayout(models.TextChoices):
    FORCE = "force", "Force-directed (who is tied to whom)"
    POWER = "power", "Power map (stance across, influence up)"


class SavedView(Editable):
    """A way of looking at the map kept under a name: its filters, its layout and where the
    camera was. Anyone in the coalition who may see the map opens it; what it shows is still
    scoped to the role of whoever opens it (a saved filter never reveals a sensitive actor)."""

    coalition = models.ForeignKey(
        "coalitions.Coalition", on_delete=models.CASCADE, related_name="saved_views"
    )
    name = models.CharField(max_length=120)
    filters = models.JSONField(
        default=dict, blank=True, help_text="The map's query parameters (stance, kind, as_of…)."
    )
    layout = models.CharField(max_length=10, choices=MapLayout.choices, default=MapLayout.FORCE)
    size_by = models.CharField(max_length=20, default="influence")
    camera = models.JSONField(default=dict, blank=True, help_text="x, y and ratio of the view.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["coalition_id", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["coalition", "name"], name="networks_savedview_name"),
            models.CheckConstraint(
                condition=Q(layout__in=MapLayout.values), name="networks_savedview_layout_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name
