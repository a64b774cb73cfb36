"""Imports (previewed, then confirmed) and merges of duplicate actors (undoable)."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Queued (a large file is read by a worker)"
    PREVIEWED = "previewed", "Previewed: nothing written yet"
    FAILED = "failed", "Failed: the file cannot be read"
    APPLYING = "applying", "Being applied"
    APPLIED = "applied", "Applied"


class ImportJob(models.Model):
    """One file brought into a coalition: read and previewed first (nothing written), then
    applied in one transaction when a user confirms a clean preview. The upload is kept until
    it is applied (or fails). A preview's summary holds only counts and the first problems,
    so that reading a job's status costs the same for 10 rows as for a million; the rows it
    read are kept apart (``parsed``), never loaded with the job's status."""

    coalition = models.ForeignKey(
        "coalitions.Coalition", on_delete=models.CASCADE, related_name="import_jobs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(max_length=200)
    file_format = models.CharField(max_length=10, blank=True)
    content = models.BinaryField(blank=True, default=b"", editable=False)
    # The rows a clean preview read, HMAC-signed (networks/transfer/kept.py): the confirm
    # plans them again without reading the upload again. Cleared with the upload.
    parsed = models.BinaryField(blank=True, default=b"", editable=False)
    size = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done, 0–100.")
    # What a worker is doing (reading, checking, writing actors, …) and, while it applies the
    # import, how many of the file's rows (actors, ties, interactions) are written: set by the
    # write path after each stage, written by the worker's heartbeat every couple of seconds.
    stage = models.CharField(max_length=40, blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    # The worker reading a large file: claimed by a conditional update, so that a second
    # delivery of the task does not read it again (networks/transfer/tasks.py).
    task_id = models.CharField(max_length=255, blank=True, editable=False)
    started_at = models.DateTimeField(null=True, blank=True, editable=False)
    # While a worker reads it: when its claim ends unless renewed (weft/leases.py); queued
    # and not started: when to queue it again. Past it the job is queued again, or failed
    # after WEFT_RUN_MAX_ATTEMPTS claims (networks/transfer/tasks.py, import_jobs_reap).
    lease_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    summary = models.JSONField(default=dict, blank=True)
    decisions = models.JSONField(
        default=dict, blank=True, help_text="Per suggested duplicate (sheet:row): merge or create."
    )
    options = models.JSONField(
        default=dict,
        blank=True,
        help_text="How the file is read and applied: pin_positions (the file's positions as "
        "a pinned layout), columns (a CSV's columns mapped to Weft's fields).",
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
        # All of them, also those past the ones the summary lists (networks/transfer/limits.py).
        return self.summary.get("error_count", len(self.summary.get("errors", [])))

    def can_confirm(self) -> bool:
        return self.status == ImportStatus.PREVIEWED and self.error_count == 0


class ColumnMapping(models.Model):
    """How a coalition mapped the columns of a CSV to Weft's fields, remembered so that the
    next file with the same header is read the same way without asking again."""

    coalition = models.ForeignKey(
        "coalitions.Coalition", on_delete=models.CASCADE, related_name="column_mappings"
    )
    # The file's header, normalised (case-folded names joined by a tab): the mapping's key.
    header = models.CharField(max_length=2000)
    columns = models.JSONField(default=dict, help_text="Column name → Weft field.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["coalition_id", "-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["coalition", "header"], name="networks_columnmapping_once_per_header"
            ),
        ]

    def __str__(self) -> str:
        return f"Column mapping {self.pk} of coalition {self.coalition_id}"


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
