"""What a role reads of comments: those on items it may see."""

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from allies.models import Actor
from coalitions.roles import Access, Permission
from networks.comments.models import Comment
from networks.models import Tie


def visible_comments(access: Access) -> QuerySet[Comment]:
    access.require(Permission.MAP_VIEW)
    rows = Comment.objects.filter(coalition=access.coalition)
    if not access.sees_sensitive:
        rows = rows.filter(
            Q(actor__is_sensitive=False)
            | Q(
                tie__is_sensitive=False,
                tie__source__is_sensitive=False,
                tie__target__is_sensitive=False,
            )
        )
    return rows.select_related("author", "resolved_by")


def item_for(access: Access, *, actor_id=None, tie_id=None):
    """The actor or tie a comment is about, if this role may see it; else 404 (to them it
    does not exist)."""
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


def threads_on(access: Access, item) -> list[Comment]:
    """The item's threads: first comments, each with its replies (``thread_replies``)."""
    field = "actor" if isinstance(item, Actor) else "tie"
    rows = list(visible_comments(access).filter(**{field: item}))
    replies: dict[int, list[Comment]] = {}
    for row in rows:
        if row.parent_id:
            replies.setdefault(row.parent_id, []).append(row)
    threads = [row for row in rows if not row.parent_id]
    for thread in threads:
        thread.thread_replies = replies.get(thread.pk, [])
    return threads


def comment_count(access: Access, item) -> int:
    field = "actor" if isinstance(item, Actor) else "tie"
    return visible_comments(access).filter(deleted_at__isnull=True, **{field: item}).count()


def counts_by_actor(access: Access) -> dict[int, int]:
    rows = (
        visible_comments(access)
        .filter(deleted_at__isnull=True, actor__isnull=False)
        .values("actor_id")
        .annotate(n=Count("id"))
    )
    return {row["actor_id"]: row["n"] for row in rows}
