"""Writing comments: add (a thread or a reply, @mentions told), edit and delete by the author,
resolve by the author or the map's editors. Each is one transaction; edits carry the version
they were made on (a stale edit is refused)."""

import re

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from allies.models import Actor
from coalitions.notifications.models import NotificationKind
from coalitions.notifications.selectors import recipients
from coalitions.notifications.services import notify
from coalitions.roles import Access, Permission, PermissionDeniedForRole
from networks.comments.models import Comment
from weft.errors import ApplicationError
from weft.services import locked_at
from weft.validation import require_text

MENTION = re.compile(r"(?<![\w@])@([\w.+-]+)")
MAX_LENGTH = 5000


def comments_path(comment: Comment) -> str:
    kind, item_id = ("actor", comment.actor_id) if comment.actor_id else ("tie", comment.tie_id)
    return reverse("comments-page", args=[comment.coalition_id, kind, item_id]) + (
        f"#comment-{comment.pk}"
    )


def _clean_body(body: str) -> str:
    body = require_text(body, field="body", what="The comment")
    if len(body) > MAX_LENGTH:
        raise ApplicationError(f"Keep a comment under {MAX_LENGTH} characters.", field="body")
    return body


def _mentioned(access: Access, body: str, *, sensitive: bool) -> list:
    """The users ``body`` mentions. Each must hold a role in the coalition that may see the
    item; otherwise the comment is refused (naming nothing they could not already see)."""
    names = sorted({name.rstrip(".") for name in MENTION.findall(body)})
    if not names:
        return []
    users = {
        user.get_username().lower(): user
        for user in get_user_model().objects.filter(username__in=names)
    }
    may_see = set(
        recipients(
            access.coalition.pk,
            permission=Permission.MAP_VIEW,
            sensitive=sensitive,
            user_ids=[user.pk for user in users.values()],
        )
    )
    found = []
    for name in names:
        user = users.get(name.lower())
        if user is None or user.pk not in may_see:
            raise ApplicationError(
                f"@{name} may not see this item: mention someone who can.",
                field="body",
                code="mention_refused",
            )
        found.append(user)
    return found


def _tell_mentioned(access: Access, comment: Comment, users, *, already=()) -> None:
    new = [user.pk for user in users if user.pk not in set(already)]
    if new:
        what = comment.actor.name if comment.actor_id else "a tie"
        notify(
            coalition_id=access.coalition.pk,
            kind=NotificationKind.MENTION,
            title=f"{access.user.get_username()} mentioned you in a comment on {what}",
            path=comments_path(comment),
            user_ids=new,
            exclude=access.user,
        )


@transaction.atomic
def comment_add(*, access: Access, item, body: str, parent: Comment | None = None) -> Comment:
    """A comment on ``item`` (an actor or a tie the caller may see, from selectors.item_for)."""
    access.require(Permission.MAP_VIEW)
    body = _clean_body(body)
    on_actor = isinstance(item, Actor)
    comment = Comment(
        coalition=access.coalition,
        actor=item if on_actor else None,
        tie=None if on_actor else item,
        author=access.user,
        body=body,
    )
    if parent is not None:
        if (parent.actor_id, parent.tie_id) != (comment.actor_id, comment.tie_id):
            raise ApplicationError("Reply on the same item.", field="parent")
        comment.parent_id = parent.parent_id or parent.pk
    mentioned = _mentioned(access, body, sensitive=comment.is_sensitive)
    comment.save()
    comment.mentions.set(mentioned)
    _tell_mentioned(access, comment, mentioned)
    return comment


def _require_author(access: Access, comment: Comment) -> None:
    if comment.author_id != access.user.pk:
        raise PermissionDeniedForRole(access, Permission.MAP_EDIT)
    if comment.deleted_at is not None:
        raise ApplicationError("This comment was deleted.", status=409, code="deleted")


@transaction.atomic
def comment_edit(*, access: Access, comment: Comment, body: str, expected_version) -> Comment:
    _require_author(access, comment)
    comment = locked_at(comment, expected_version, what="This comment")
    body = _clean_body(body)
    already = list(comment.mentions.values_list("pk", flat=True))
    mentioned = _mentioned(access, body, sensitive=comment.is_sensitive)
    comment.body = body
    comment.version += 1
    comment.save(update_fields=["body", "version", "updated_at"])
    comment.mentions.set(mentioned)
    _tell_mentioned(access, comment, mentioned, already=already)
    return comment


@transaction.atomic
def comment_delete(*, access: Access, comment: Comment, expected_version=None) -> Comment:
    _require_author(access, comment)
    comment = locked_at(comment, expected_version or comment.version, what="This comment")
    comment.body = ""
    comment.deleted_at = timezone.now()
    comment.version += 1
    comment.save(update_fields=["body", "deleted_at", "version", "updated_at"])
    comment.mentions.clear()
    return comment


@transaction.atomic
def comment_resolve(*, access: Access, comment: Comment, resolved: bool = True) -> Comment:
    """Mark a thread resolved (or open again): its author, or the map's editors."""
    if comment.author_id != access.user.pk and not access.can(Permission.MAP_EDIT_ALL):
        raise PermissionDeniedForRole(access, Permission.MAP_EDIT_ALL)
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    comment.resolved_at = timezone.now() if resolved else None
    comment.resolved_by = access.user if resolved else None
    comment.version += 1
    comment.save(update_fields=["resolved_at", "resolved_by", "version", "updated_at"])
    return comment
