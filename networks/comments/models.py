"""Comments on the map (issue 22): threads on an actor or a tie, in Markdown (weft/markdown.py),
with @mentions. A comment is as visible as what it is about: one on a sensitive actor (or tie,
or a tie to a sensitive actor) is seen by the roles that see sensitive items only."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Comment(models.Model):
    coalition = models.ForeignKey(
        "coalitions.Coalition", on_delete=models.CASCADE, related_name="comments"
    )
    actor = models.ForeignKey(
        "allies.Actor", null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    tie = models.ForeignKey(
        "networks.Tie", null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    # A reply belongs to its thread's first comment (one level of threads).
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(max_length=5000)
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A deleted comment keeps its place in the thread, without its text.
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(actor__isnull=False, tie__isnull=True)
                | Q(actor__isnull=True, tie__isnull=False),
                name="networks_comment_on_one_item",
            )
        ]
        indexes = [models.Index(fields=["coalition", "actor"]), models.Index(fields=["tie"])]

    def __str__(self) -> str:
        on = f"actor {self.actor_id}" if self.actor_id else f"tie {self.tie_id}"
        return f"Comment {self.pk} on {on}"

    @property
    def is_sensitive(self) -> bool:
        if self.actor_id:
            return self.actor.is_sensitive
        tie = self.tie
        return tie.is_sensitive or tie.source.is_sensitive or tie.target.is_sensitive
