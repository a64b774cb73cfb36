"""What a role reads of comments: those on items it may see. Comments on the map need the map
(MAP_VIEW, and sensitive items only for the roles that see them); comments on the workflow
(statements' paragraphs, proposals, actions) need the workflow (WORKFLOW_VIEW), and one on an
action led or joined by a sensitive actor is as hidden as that action."""

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from allies.models import Actor
from coalitions.roles import Access, Permission, PermissionDeniedForRole
from networks.comments.models import MAP_FIELDS, WORKFLOW_FIELDS, Comment, item_field_for
from networks.models import Tie


def _any_of(fields) -> Q:
    either = Q(**{f"{fields[0]}__isnull": False})
    for field in fields[1:]:
        either |= Q(**{f"{field}__isnull": False})
    return either


def _sensitive_actions():
    """Ids of the actions a sensitive actor leads or joins. The Action model is reached through
    the comment's field: the comments package may not import the workflow's
    (coalitions.produce.selectors.visible_actions holds the same rule)."""
    action_model = Comment._meta.get_field("action").related_model
    return action_model.objects.filter(
        Q(leaders__is_sensitive=True) | Q(participants__is_sensitive=True)
    ).values("pk")


def visible_comments(access: Access) -> QuerySet[Comment]:
    sees_map = access.can(Permission.MAP_VIEW)
    sees_workflow = access.can(Permission.WORKFLOW_VIEW)
    if not (sees_map or sees_workflow):
        raise PermissionDeniedForRole(access, Permission.MAP_VIEW)
    rows = Comment.objects.filter(coalition=access.coalition)
    on_map = _any_of(MAP_FIELDS)
    on_workflow = _any_of(WORKFLOW_FIELDS)
    if not access.sees_sensitive:
        on_map &= Q(actor__is_sensitive=False) | Q(
            tie__is_sensitive=False,
            tie__source__is_sensitive=False,
            tie__target__is_sensitive=False,
        )
        on_workflow &= Q(action__isnull=True) | ~Q(action__in=_sensitive_actions())
    if sees_map and sees_workflow:
        rows = rows.filter(on_map | on_workflow)
    else:
        rows = rows.filter(on_map if sees_map else on_workflow)
    return rows.select_related("author", "resolved_by")


def item_for(access: Access, *, actor_id=None, tie_id=None):
    """The actor or tie a comment is about, if this role may see it; else 404 (to them it
    does not exist). Workflow items are found by the workflow's own pages and API."""
    access.require(Permission.MAP_VIEW)
    if actor_id is not None:
        rows = Actor.objects.filter(coalition=access.coalition)
        if not access.sees_sensitive:
            rows = rows.filter(is_sensitive=False)
        item = rows.filter(pk=actor_id).first()
    else:
        rows = Tie.objects.filter(coalition=access.coalition)
        if not access.sees_sensitive:
            rows = rows.filter(
                is_sensitive=False, source__is_sensitive=False, target__is_sensitive=False
            )
        item = rows.filter(pk=tie_id).first()
    if item is None:
        raise Http404("No such item.")
    return item


def comments_on(access: Access, item, *, paragraph: int | None = None) -> QuerySet[Comment]:
    """The comments on ``item`` (and on one of its paragraphs, for a statement)."""
    rows = visible_comments(access).filter(**{item_field_for(item): item})
    if paragraph is not None:
        rows = rows.filter(paragraph=paragraph)
    return rows


def _threads(rows) -> list[Comment]:
    replies: dict[int, list[Comment]] = {}
    for row in rows:
        if row.parent_id:
            replies.setdefault(row.parent_id, []).append(row)
    threads = [row for row in rows if not row.parent_id]
    for thread in threads:
        thread.thread_replies = replies.get(thread.pk, [])
    return threads


def threads_on(access: Access, item) -> list[Comment]:
    """The item's threads: first comments, each with its replies (``thread_replies``)."""
    return _threads(list(comments_on(access, item)))


def threads_by_paragraph(access: Access, statement) -> dict[int, list[Comment]]:
    """A statement's threads grouped by paragraph number (one query)."""
    by_paragraph: dict[int, list[Comment]] = {}
    for row in comments_on(access, statement).order_by("paragraph", "created_at", "id"):
        by_paragraph.setdefault(row.paragraph, []).append(row)
    return {number: _threads(rows) for number, rows in by_paragraph.items()}


def comment_count(access: Access, item) -> int:
    return comments_on(access, item).filter(deleted_at__isnull=True).count()


def counts_by_actor(access: Access) -> dict[int, int]:
    rows = (
        visible_comments(access)
        .filter(deleted_at__isnull=True, actor__isnull=False)
        .values("actor_id")
        .annotate(n=Count("id"))
    )
    return {row["actor_id"]: row["n"] for row in rows}
