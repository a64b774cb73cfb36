"""Unity statements: drafted, versioned, circulated for feedback, published, archived."""

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from allies.models import Actor
from coalitions.align.models import (
    FeedbackComment,
    FeedbackRound,
    Signature,
    StatementStatus,
    StatementVersion,
    UnityStatement,
)
from coalitions.align.services.signatures import signatures_ask_reconfirm
from coalitions.align.text import paragraphs_of
from coalitions.models import Coalition
from coalitions.notifications.models import NotificationKind
from coalitions.notifications.selectors import recipients
from coalitions.notifications.services import notify
from coalitions.roles import Access, Permission
from networks.comments.models import Comment
from networks.comments.services import comment_add
from weft.errors import ApplicationError
from weft.services import locked, locked_at, save_as
from weft.validation import require_text


# ---------------------------------------------------------------------------------------------
# Unity statements
@transaction.atomic
def statement_create(
    *, coalition: Coalition, title: str, created_by, body: str = "", **fields
) -> UnityStatement:
    """A new statement, with its first version when a text is given."""
    title = require_text(title, field="title", what="The title")
    statement = UnityStatement(coalition=coalition, title=title, created_by=created_by, **fields)
    publishing = statement.status == StatementStatus.PUBLISHED
    save_as(statement, user=created_by)
    if body:
        StatementVersion.objects.create(
            statement=statement, number=1, body=body, created_by=created_by
        )
    if publishing:
        _publish_latest_version(statement)
    return statement


@transaction.atomic
def statement_update(
    *, statement: UnityStatement, expected_version, updated_by, **fields
) -> UnityStatement:
    """Change a statement's title or status. Publishing it publishes its latest version: the
    text organisations sign."""
    statement = locked_at(statement, expected_version, what="This statement")
    was_published = statement.status == StatementStatus.PUBLISHED
    if "title" in fields:
        fields["title"] = require_text(fields["title"], field="title", what="The title")
    for field, value in fields.items():
        setattr(statement, field, value)
    if statement.status == StatementStatus.PUBLISHED and not was_published:
        _publish_latest_version(statement)
    return save_as(statement, user=updated_by)


@transaction.atomic
def statement_version_add(*, statement: UnityStatement, body: str, created_by) -> StatementVersion:
    """The next version of a statement's text. The statement row is locked so that two writers
    cannot take the same number, and saved so that its ETag moves (its latest version number
    is part of what clients read)."""
    statement = UnityStatement.objects.select_for_update().get(pk=statement.pk)
    if statement.status not in (StatementStatus.DRAFT, StatementStatus.FEEDBACK):
        # A published text is what organisations signed; it is revised as a draft again.
        raise ApplicationError(
            "Versions are added while the statement is a draft or open for feedback.",
            field="status",
            status=409,
            code="statement_not_draft",
        )
    latest = statement.versions.aggregate(number=Max("number"))["number"] or 0
    version = StatementVersion.objects.create(
        statement=statement, number=latest + 1, body=body, created_by=created_by
    )
    save_as(statement, user=created_by, update_fields=["updated_at"])
    # The organisations that signed an earlier text are told it was revised.
    signed = Signature.objects.filter(
        version__statement=statement, organisation__isnull=False
    ).values_list("organisation_id", flat=True)
    if latest:
        _notify_statement(
            statement,
            f"Statement revised (version {version.number}): {statement.title}",
            user_ids=recipients(
                statement.coalition_id,
                permission=Permission.WORKFLOW_VIEW,
                organisation_ids=signed,
            ),
            key=f"statement:{statement.pk}:v{version.number}",
            exclude=created_by,
        )
    return version


def _notify_statement(statement: UnityStatement, title: str, **kwargs) -> None:
    notify(
        coalition_id=statement.coalition_id,
        kind=NotificationKind.STATEMENT,
        title=title,
        path=reverse("workflow-statement", args=[statement.coalition_id, statement.pk]),
        **kwargs,
    )


def _publish_latest_version(statement: UnityStatement) -> None:
    latest = statement.versions.order_by("-number").first()
    if latest is None:
        raise ApplicationError(
            "A statement needs a text before it is published: add a version first.",
            field="status",
        )
    if latest.published_at is None:
        latest.published_at = timezone.now()
        latest.save(update_fields=["published_at"])
        # Organisations that signed an earlier text are asked to sign this one.
        signatures_ask_reconfirm(version=latest)
        _notify_statement(
            statement,
            f"Statement published: {statement.title}",
            user_ids=recipients(statement.coalition_id, permission=Permission.WORKFLOW_VIEW),
            key=f"statement:{statement.pk}:published:{latest.number}",
        )


# -- Feedback rounds on a statement
@transaction.atomic
def feedback_round_open(*, statement: UnityStatement, closes_at, opened_by):
    """Open a round of feedback on the statement's latest text; the statement is then open
    for feedback."""

    statement = UnityStatement.objects.select_for_update().get(pk=statement.pk)
    if statement.status not in (StatementStatus.DRAFT, StatementStatus.FEEDBACK):
        raise ApplicationError(
            "Feedback is asked on a draft: make the statement a draft again first.",
            field="status",
            status=409,
            code="statement_not_draft",
        )
    latest = statement.versions.order_by("-number").first()
    if latest is None:
        raise ApplicationError("Write a text before asking for feedback.", field="body")
    now = timezone.now()
    if closes_at <= now:
        raise ApplicationError("The closing date must be in the future.", field="closes_at")
    feedback_round = FeedbackRound.objects.create(
        version=latest, opened_by=opened_by, opened_at=now, closes_at=closes_at
    )
    if statement.status != StatementStatus.FEEDBACK:
        statement.status = StatementStatus.FEEDBACK
        save_as(statement, user=opened_by, update_fields=["status"])
    notify(
        coalition_id=statement.coalition_id,
        kind=NotificationKind.FEEDBACK,
        title=f"Feedback asked until {closes_at:%d %b %Y}: {statement.title}",
        path=reverse("workflow-statement", args=[statement.coalition_id, statement.pk]),
        user_ids=recipients(statement.coalition_id, permission=Permission.WORKFLOW_VIEW),
        key=f"feedback:{feedback_round.pk}",
        exclude=opened_by,
    )
    return feedback_round


@transaction.atomic
def feedback_comment_add(
    *, access: Access, round, paragraph: int, body: str, organisation=None
) -> FeedbackComment:
    """A comment on one paragraph of the text under feedback, while the round is open. The
    roles that run the workflow comment for any organisation (or none); a member comments
    for their own organisation."""
    if not access.can(Permission.WORKFLOW_EDIT):
        own = access.organisation_id
        access.require_speak_for(organisation.pk if organisation is not None else own)
        organisation = Actor.objects.filter(pk=own).first() if own else None
    if timezone.now() >= round.closes_at:
        raise ApplicationError(
            f"The feedback round closed on {round.closes_at:%Y-%m-%d %H:%M}.",
            field="round",
            status=409,
            code="round_closed",
        )
    count = len(paragraphs_of(round.version.body))
    if not isinstance(paragraph, int) or not 1 <= paragraph <= count:
        raise ApplicationError(f"Choose a paragraph from 1 to {count}.", field="paragraph")
    body = require_text(body, field="body", what="The comment")
    return FeedbackComment.objects.create(
        round=round, paragraph=paragraph, body=body, author=access.user, organisation=organisation
    )


@transaction.atomic
def statement_comment_add(
    *,
    access: Access,
    statement: UnityStatement,
    paragraph,
    body: str,
    parent: Comment | None = None,
) -> Comment:
    """A thread (or a reply) on one paragraph of the statement's latest text, any time: the
    discussion of the text, beside the feedback rounds' formal comments of organisations.
    Whoever sees the workflow may comment; ``statement`` is one the caller may see."""
    latest = statement.versions.order_by("-number").first()
    count = len(paragraphs_of(latest.body)) if latest else 0
    try:
        paragraph = int(paragraph)
    except (TypeError, ValueError):
        paragraph = 0
    if not 1 <= paragraph <= count:
        raise ApplicationError(
            f"Choose a paragraph from 1 to {count}." if count else "The statement has no text.",
            field="paragraph",
        )
    return comment_add(
        access=access,
        item=statement,
        body=body,
        parent=parent,
        paragraph=paragraph,
        paragraph_version=latest.number,
    )


@transaction.atomic
def statement_archive(*, statement: UnityStatement, archived_by) -> UnityStatement:
    """A published statement is archived: its sign-on page closes, its versions and
    signatures stay. The change is in the statement's history (who, when)."""

    statement = locked(statement)
    if statement.status != StatementStatus.PUBLISHED:
        raise ApplicationError(
            "Only a published statement is archived.",
            field="status",
            status=409,
            code="not_published",
        )
    statement.status = StatementStatus.ARCHIVED
    return save_as(statement, user=archived_by, update_fields=["status"])
