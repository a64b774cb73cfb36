"""Comments (issue 22): threads on an actor or a tie of the map, on a paragraph of a unity
statement, on a proposal or on an action, in Markdown (weft/markdown.py), with @mentions. A
comment is as visible as what it is about: one on a sensitive actor (or tie, or a tie to a
sensitive actor, or an action led or joined by one) is seen by the roles that see sensitive
items only; one on the workflow (statements, proposals, actions) by the roles that see the
workflow.

The workflow's models are named by string (the comments package sits below the workflow
packages in the import layers, pyproject.toml): the workflow's pages and API find the item as
the role may see it and hand it to the services here."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

MAP_FIELDS = ("actor", "tie")
WORKFLOW_FIELDS = ("statement", "proposal", "action")
ITEM_FIELDS = MAP_FIELDS + WORKFLOW_FIELDS


def one_item_of(fields) -> Q:
    """Exactly one of ``fields`` is set."""
    cases = [
        Q(**{f"{field}__isnull": False}, **{f"{o}__isnull": True for o in fields if o != field})
        for field in fields
    ]
    either = cases[0]
    for case in cases[1:]:
        either |= case
    return either


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
    # The workflow's items (#22): a paragraph of a statement (numbered in its latest text,
    # 1-based; ``paragraph_version`` is the number of the text it was written on), a
    # proposal, an action.
    statement = models.ForeignKey(
        "coalitions.UnityStatement",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
    )
    paragraph = models.PositiveSmallIntegerField(null=True, blank=True)
    paragraph_version = models.PositiveIntegerField(null=True, blank=True)
    proposal = models.ForeignKey(
        "coalitions.Proposal",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
    )
    action = models.ForeignKey(
        "coalitions.Action",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
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
                condition=one_item_of(ITEM_FIELDS), name="networks_comment_on_one_item"
            ),
            # A paragraph belongs to a statement, and a comment on a statement to a paragraph.
            models.CheckConstraint(
                condition=Q(statement__isnull=True, paragraph__isnull=True)
                | Q(statement__isnull=False, paragraph__gte=1),
                name="networks_comment_paragraph_of_statement",
            ),
        ]
        indexes = [
            models.Index(fields=["coalition", "actor"]),
            models.Index(fields=["tie"]),
            models.Index(fields=["statement", "paragraph"]),
            models.Index(fields=["proposal"]),
            models.Index(fields=["action"]),
        ]

    def __str__(self) -> str:
        kind, item_id = self.item_key
        return f"Comment {self.pk} on {kind} {item_id}"

    @property
    def item_key(self) -> tuple[str, int]:
        """(the item's kind, its id): ``("proposal", 7)``."""
        for field in ITEM_FIELDS:
            item_id = getattr(self, f"{field}_id")
            if item_id is not None:
                return field, item_id
        raise ValueError("A comment is on one item.")

    @property
    def item(self):
        return getattr(self, self.item_key[0])

    @property
    def on_map(self) -> bool:
        return self.item_key[0] in MAP_FIELDS

    @property
    def is_sensitive(self) -> bool:
        kind = self.item_key[0]
        if kind == "actor":
            return self.actor.is_sensitive
        if kind == "tie":
            tie = self.tie
            return tie.is_sensitive or tie.source.is_sensitive or tie.target.is_sensitive
        if kind == "action":
            # An action led or joined by a sensitive actor names that actor
            # (coalitions.produce.selectors.visible_actions).
            action = self.action
            return (
                action.leaders.filter(is_sensitive=True).exists()
                or action.participants.filter(is_sensitive=True).exists()
            )
        return False  # statements and proposals name no actor


def item_field_for(item) -> str:
    """The comment field that holds ``item`` (an Actor → "actor", a Proposal → "proposal")."""
    for field in ITEM_FIELDS:
        if isinstance(item, Comment._meta.get_field(field).related_model):
            return field
    raise TypeError(f"No comments on a {type(item).__name__}.")
