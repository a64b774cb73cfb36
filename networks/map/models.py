"""The map's saved views (filters, layout, camera)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from weft.db import Editable


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
    description = models.TextField(
        blank=True, max_length=2000, help_text="What the view is for, for whoever opens it."
    )
    filters = models.JSONField(
        default=dict, blank=True, help_text="The map's query parameters (stance, kind, as_of…)."
    )
    layout = models.CharField(max_length=10, choices=MapLayout.choices, default=MapLayout.FORCE)
    size_by = models.CharField(max_length=20, default="influence")
    # What the nodes are coloured by: stance, kind, … or "custom:<field>" (as a story step).
    colour_by = models.CharField(max_length=90, default="stance")
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


class LayoutRunStatus(models.TextChoices):
    PENDING = "pending", "Queued again (its worker stopped)"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class LayoutRun(models.Model):
    """One run of the map's layout: when it started, whether it laid out the whole map or only
    what changed since the run before (warm), and how many actors it moved. The next warm run
    moves the actors whose ties or places changed after the last succeeded one started.

    A run on a worker is written when the worker starts it, under a lease its heartbeat
    renews (weft/leases.py): a run whose worker died is queued again or failed with an error
    saying so (networks/map/services.py, layout_runs_reap), never left running."""

    coalition = models.ForeignKey(
        "coalitions.Coalition", on_delete=models.CASCADE, related_name="layout_runs"
    )
    # A run written whole once done (the demo, a direct call) succeeded: the default.
    status = models.CharField(
        max_length=10, choices=LayoutRunStatus.choices, default=LayoutRunStatus.SUCCEEDED
    )
    started_at = models.DateTimeField()
    # Places written after this are people's (or a newcomer's), not this run's.
    finished_at = models.DateTimeField(null=True, blank=True)
    is_full = models.BooleanField(default=True)
    actors = models.PositiveIntegerField(default=0)
    moved = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0.0)
    attempts = models.PositiveSmallIntegerField(default=0)
    task_id = models.CharField(max_length=255, blank=True, help_text="The Celery task running it.")
    # While running: when the worker's claim ends unless its heartbeat renews it. While
    # pending (queued again): when to queue it again if no worker took it.
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["coalition_id", "-started_at", "-id"]
        indexes = [models.Index(fields=["coalition", "started_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=LayoutRunStatus.values),
                name="networks_layoutrun_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Layout of coalition {self.coalition_id} at {self.started_at:%Y-%m-%d %H:%M}"


class Story(Editable):
    """A walk through the map (issue #18, story mode): an ordered list of steps, each a saved
    camera, filter, layer and colour state with a caption (Markdown) and the actors it
    highlights. Written by the roles that edit the whole map, played by everyone who may see
    the map; what each step shows is still scoped to the role of whoever plays it."""

    coalition = models.ForeignKey(
        "coalitions.Coalition", on_delete=models.CASCADE, related_name="stories"
    )
    title = models.CharField(max_length=200)
    # [{caption, filters, layout, size_by, colour_by, layers: {inferred, hulls}, camera,
    #   highlighted: [actor ids]}], in the order they are played (checked by the serializer).
    steps = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["coalition_id", "title", "id"]
        verbose_name_plural = "stories"

    def __str__(self) -> str:
        return self.title


class StoryLink(models.Model):
    """A read-only link to one story for someone without an account (stewards make them).
    Only the SHA-256 of its token is stored: the token is shown once. It is exchanged once for
    the visitor's session and the browser sent on to an address without it. What it shows has
    no sensitive item and no personal detail; every opening is written to the audit log."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="links")
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
        ordering = ["story_id", "-created_at", "-id"]

    def __str__(self) -> str:
        # Never the hash: it is as good as the token for looking a link up.
        return f"Share link {self.pk} of story {self.story_id}"

    def is_open(self, at) -> bool:
        return self.revoked_at is None and self.expires_at > at
