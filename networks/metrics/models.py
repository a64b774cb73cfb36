"""Metric runs: relationship strength and leadership computed for a coalition on a day,
per actor and per relationship, with the network's figures."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q


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
    # While pending: when to queue it again if no worker took it. While running: when the
    # worker's claim ends unless its heartbeat renews it (weft/leases.py). Past it, the run is
    # queued again or failed (networks/metrics/services.py, metric_runs_reap).
    lease_expires_at = models.DateTimeField(null=True, blank=True)
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
    # The coalition's strength settings the run was computed with (Coalition.strength_settings:
    # empty means the defaults of networks/graph/strength.py).
    strength_settings = models.JSONField(default=dict, blank=True)

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
    eigenvector = models.FloatField(
        default=0.0, help_text="Eigenvector centrality, Euclidean length 1 over the network."
    )
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
    weight = models.FloatField(
        default=1.0,
        help_text="The weight the structural metrics gave the relationship: its declared "
        "weight, its strength, or 1 (networks/graph/weights.py; the run's weight_basis).",
    )
    declared_weight = models.FloatField(
        null=True, blank=True, help_text="The largest weight an imported file gave its ties."
    )
    co_affiliations = models.PositiveIntegerField(
        default=0, help_text="Groups (organisations, boards, events...) both actors belong to."
    )
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
