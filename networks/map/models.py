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


class LayoutRun(models.Model):
    """One run of the map's layout: when it started, whether it laid out the whole map or only
    what changed since the run before (warm), and how many actors it moved. The next warm run
    moves the actors whose ties or places changed after this one started."""

    coalition = models.ForeignKey(
        "coalitions.Coalition", on_delete=models.CASCADE, related_name="layout_runs"
    )
    started_at = models.DateTimeField()
    # Places written after this are people's (or a newcomer's), not this run's.
    finished_at = models.DateTimeField()
    is_full = models.BooleanField(default=True)
    actors = models.PositiveIntegerField(default=0)
    moved = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0.0)

    class Meta:
        ordering = ["coalition_id", "-started_at", "-id"]
        indexes = [models.Index(fields=["coalition", "started_at"])]

    def __str__(self) -> str:
        return f"Layout of coalition {self.coalition_id} at {self.started_at:%Y-%m-%d %H:%M}"
