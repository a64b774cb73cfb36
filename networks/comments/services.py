"""Writing comments: add (a thread or a reply, @mentions told), edit and delete by the author,
resolve by the author or the item's editors (the map's for the map, the workflow's for the
workflow). Each is one transaction; edits carry the version they were made on (a stale edit is
refused)."""

import re

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from coalitions.notifications.models import NotificationKind
from coalitions.notifications.selectors import recipients
from coalitions.notifications.services import notify
from coalitions.roles import Access, Permission, PermissionDeniedForRole
from networks.comments.models import Comment, item_field_for
from weft.errors import ApplicationError
from weft.services import locked_at
from weft.validation import require_text

MENTION = re.compile(r"(?<![\w@])@([\w.+-]+)")
MAX_LENGTH = 5000


def comments_page_path(comment: Comment) -> str:
    """The page that shows the comment's thread: the comments page of an actor or a tie, the
    statement page with the paragraph's thread open, the proposal's or the action's page."""
    kind, item_id = comment.item_key
    coalition_id = comment.coalition_id
    if kind == "statement":
        return (
            reverse("workflow-statement", args=[coalition_id, item_id])
            + f"?thread={comment.paragraph}"
        )
    if kind == "proposal":
        return reverse("workflow-proposal", args=[coalition_id, item_id])
    if kind == "action":
        return reverse("workflow-action", args=[coalition_id, item_id])
    return reverse("comments-page", args=[coalition_id, kind, item_id])


def comments_path(comment: Comment) -> str:
    return comments_page_path(comment) + f"#comment-{comment.pk}"


def view_permission(comment: Comment) -> Permission:
    return Permission.MAP_VIEW if comment.on_map else Permission.WORKFLOW_VIEW


def edit_permission(comment: Comment) -> Permission:
    """Who resolves any thread besides its author: the map's editors, the workflow's."""
    return Permission.MAP_EDIT_ALL if comment.on_map else Permission.WORKFLOW_EDIT


def _what(comment: Comment) -> str:
    kind = comment.item_key[0]
    if kind == "actor":
        return comment.actor.name
    if kind == "tie":
        return "a tie"
    if kind == "statement":
        return f"paragraph {comment.paragraph} of “{comment.statement.title}”"
    return f"“{comment.item.title}”"


def _clean_body(body: str) -> str:
    body = require_text(body, field="body", what="The comment")
    if len(body) > MAX_LENGTH:
        raise ApplicationError(f"Keep a comment under {MAX_LENGTH} characters.", field="body")
    return body


def _mentioned(access: Access, body: str, *, comment: Comment) -> list:
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
            permission=view_permission(comment),
            sensitive=comment.is_sensitive,
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
        what = _what(comment)
        notify(
            coalition_id=access.coalition.pk,
            kind=NotificationKind.MENTION,
            title=f"{access.user.get_username()} mentioned you in a comment on {what}",
            path=comments_path(comment),
            user_ids=new,
            exclude=access.user,
        )


@transaction.atomic
def comment_add(
    *,
    access: Access,
    item,
    body: str,
    parent: Comment | None = None,
    paragraph: int | None = None,
    paragraph_version: int | None = None,
) -> Comment:
    """A comment on ``item``: an actor or a tie (from selectors.item_for), a statement's
    ``paragraph`` (coalitions.align.services.statements.statement_comment_add checks it is
    one), a proposal or an action, which the caller found as this role may see it."""
    field = item_field_for(item)
    if item.coalition_id != access.coalition.pk:
        raise ApplicationError("Comment on an item of this coalition.", field=field)
    comment = Comment(coalition=access.coalition, author=access.user, **{field: item})
    access.require(view_permission(comment))
    if field == "statement":
        if paragraph is None or paragraph < 1:
            raise ApplicationError("Choose a paragraph.", field="paragraph")
        comment.paragraph = paragraph
        comment.paragraph_version = paragraph_version
    body = _clean_body(body)
    comment.body = body
    if parent is not None:
        if parent.item_key != comment.item_key or parent.paragraph != comment.paragraph:
            raise ApplicationError("Reply on the same item.", field="parent")
        comment.parent_id = parent.parent_id or parent.pk
    mentioned = _mentioned(access, body, comment=comment)
    comment.save()
    comment.mentions.set(mentioned)
    _tell_mentioned(access, comment, mentioned)
    return comment


def _require_author(access: Access, comment: Comment) -> None:
    if comment.author_id != access.user.pk:
        raise PermissionDeniedForRole(
            access, Permission.MAP_EDIT if comment.on_map else Permission.WORKFLOW_EDIT
        )
    if comment.deleted_at is not None:
        raise ApplicationError("This comment was deleted.", status=409, code="deleted")


@transaction.atomic
def comment_edit(*, access: Access, comment: Comment, body: str, expected_version) -> Comment:
    _require_author(access, comment)
    comment = locked_at(comment, expected_version, what="This comment")
    body = _clean_body(body)
    already = list(comment.mentions.values_list("pk", flat=True))
    mentioned = _mentioned(access, body, comment=comment)
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
    """Mark a thread resolved (or open again): its author, or the item's editors."""
    if comment.author_id != access.user.pk and not access.can(edit_permission(comment)):
        raise PermissionDeniedForRole(access, edit_permission(comment))
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    comment.resolved_at = timezone.now() if resolved else None
    comment.resolved_by = access.user if resolved else None
    comment.version += 1
    comment.save(update_fields=["resolved_at", "resolved_by", "version", "updated_at"])
    return comment
