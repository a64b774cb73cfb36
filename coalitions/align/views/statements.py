"""The weaver's statement pages: drafts, versions, feedback, publishing, the diff."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from allies.models import Actor
from coalitions import roles
from coalitions.align.models import (
    StatementStatus,
    UnityStatement,
)
from coalitions.align.selectors import (
    open_feedback_round,
    statement_workspace,
)
from coalitions.align.services.statements import (
    feedback_comment_add,
    feedback_round_open,
    statement_archive,
    statement_comment_add,
    statement_create,
    statement_update,
    statement_version_add,
)
from coalitions.align.text import version_diff
from coalitions.roles import require_workspace
from networks.comments import selectors as comment_selectors
from networks.comments import services as comment_services
from networks.comments.views import parent_from, with_html
from weft.errors import ApplicationError
from weft.pages import attempt, aware_or_none, post_or_refuse
from weft.versions import ANY_VERSION


# -- Statements: drafting, feedback rounds, per-paragraph comments, versions, publishing
@login_required
def statements(request, coalition_id: int):
    access = require_workspace(request, coalition_id)
    if request.method == "POST":
        created = {}

        def write():
            created["statement"] = statement_create(
                coalition=access.coalition,
                title=_required(request.POST.get("title", ""), "title", "The title"),
                body=request.POST.get("body", ""),
                created_by=request.user,
            )

        if post_or_refuse(request, write):
            return redirect(
                "workflow-statement",
                coalition_id=access.coalition.pk,
                statement_id=created["statement"].pk,
            )
    rows = UnityStatement.objects.filter(coalition=access.coalition).order_by("-created_at")
    context = {"access": access, "coalition": access.coalition, "statements": rows}
    return render(request, "coalitions/workflow/statements.html", context)


def _required(value: str, field: str, what: str) -> str:
    if not (value or "").strip():
        raise ApplicationError(f"{what} must not be blank.", field=field)
    return value.strip()


@login_required
def statement_detail(request, coalition_id: int, statement_id: int):
    """A statement's latest text, paragraph by paragraph with its comments. Members read it
    and comment while a feedback round is open; the roles that run the workflow revise it,
    open rounds and publish. Each paragraph has its discussion (threads, #22), open to whoever
    sees the statement at any time: its count beside the paragraph, the thread opened in place
    (``?thread=<paragraph>`` opens one, as a mention's link does)."""
    access = roles.require(request.user, coalition_id, roles.Permission.WORKFLOW_VIEW)
    statement = get_object_or_404(
        UnityStatement.objects.filter(coalition=access.coalition), pk=statement_id
    )
    editor = access.can(roles.Permission.WORKFLOW_EDIT)
    refused = None
    if request.method == "POST" and request.POST.get("action") == "thread":
        done = attempt(
            request, lambda: _thread_comment(request, access, statement), redirecting=False
        )
        if done.refused is None:
            messages.success(request, "Comment added.")
            return redirect(comment_services.comments_path(done.result))
        refused = done.refused
    elif request.method == "POST":
        action = request.POST.get("action")
        if action != "comment" and not editor:
            raise roles.PermissionDeniedForRole(access, roles.Permission.WORKFLOW_EDIT)
        note = _statement_write(request, access, statement, action)
        if note:
            messages.success(request, note)
        return redirect(
            "workflow-statement", coalition_id=access.coalition.pk, statement_id=statement.pk
        )
    workspace = statement_workspace(statement, access)
    open_thread = request.POST.get("paragraph") if refused else request.GET.get("thread")
    for paragraph in workspace["paragraphs"]:
        with_html(paragraph["threads"])
        paragraph["open"] = str(paragraph["number"]) == open_thread
        paragraph["prefix"] = f"thread-{paragraph['number']}"
    if refused and not any(paragraph["open"] for paragraph in workspace["paragraphs"]):
        messages.error(request, refused.message)  # no thread to show it in: above the page
    context = {
        "access": access,
        "coalition": access.coalition,
        "editor": editor,
        "can_resolve": editor,
        "refused": refused,
        "body": request.POST.get("body", "") if refused else "",
        **workspace,
    }
    status = refused.status if refused else 200
    return render(request, "coalitions/workflow/statement.html", context, status=status)


def _thread_comment(request, access, statement):
    parent = parent_from(
        comment_selectors.comments_on(access, statement), request.POST.get("parent")
    )
    return statement_comment_add(
        access=access,
        statement=statement,
        paragraph=request.POST.get("paragraph"),
        body=request.POST.get("body", ""),
        parent=parent,
    )


def _statement_write(request, access, statement, action) -> str | None:
    post = request.POST
    writes = {
        "revise": (
            lambda: statement_version_add(
                statement=statement,
                body=_required(post.get("body", ""), "body", "The text"),
                created_by=request.user,
            ),
            "New version saved.",
        ),
        "open_round": (
            lambda: feedback_round_open(
                statement=statement,
                closes_at=aware_or_none(post.get("closes_at")) or timezone.now(),
                opened_by=request.user,
            ),
            "Feedback round opened.",
        ),
        "publish": (
            lambda: statement_update(
                statement=statement,
                expected_version=ANY_VERSION,  # a button that moves it on: no stale fields
                updated_by=request.user,
                status=StatementStatus.PUBLISHED,
            ),
            "Published: the sign-on page is open.",
        ),
        "archive": (
            lambda: statement_archive(statement=statement, archived_by=request.user),
            "Archived: the sign-on page is closed; versions and signatures are kept.",
        ),
        "redraft": (
            lambda: statement_update(
                statement=statement,
                expected_version=ANY_VERSION,
                updated_by=request.user,
                status=StatementStatus.DRAFT,
            ),
            "The statement is a draft again: revise it, then publish the new version.",
        ),
        "comment": (lambda: _comment(request, access, statement), "Comment added."),
    }
    if action not in writes:
        raise Http404("No such action.")
    write, note = writes[action]
    return note if post_or_refuse(request, write) else None


def _comment(request, access, statement):
    feedback_round = open_feedback_round(statement)
    if feedback_round is None:
        raise ApplicationError("No feedback round is open on this statement.", field="round")
    try:
        paragraph = int(request.POST.get("paragraph", ""))
    except ValueError:
        raise ApplicationError("Choose a paragraph.", field="paragraph") from None
    organisation = None
    if access.organisation_id:
        organisation = Actor.objects.filter(pk=access.organisation_id).first()
    return feedback_comment_add(
        access=access,
        round=feedback_round,
        paragraph=paragraph,
        body=request.POST.get("body", ""),
        organisation=organisation,
    )


@login_required
def statement_diff(request, coalition_id: int, statement_id: int):
    access = roles.require(request.user, coalition_id, roles.Permission.WORKFLOW_VIEW)
    statement = get_object_or_404(
        UnityStatement.objects.filter(coalition=access.coalition), pk=statement_id
    )
    versions = {v.number: v for v in statement.versions.all()}
    numbers = sorted(versions)

    def pick(name, default):
        try:
            number = int(request.GET.get(name, default))
        except ValueError:
            number = default
        return versions.get(number) or versions.get(default)

    if not numbers:
        raise Http404("This statement has no text yet.")
    older = pick("from", numbers[-2] if len(numbers) > 1 else numbers[0])
    newer = pick("to", numbers[-1])
    context = {
        "access": access,
        "coalition": access.coalition,
        "statement": statement,
        "numbers": numbers,
        "older": older,
        "newer": newer,
        "rows": version_diff(older.body, newer.body),
    }
    return render(request, "coalitions/workflow/statement_diff.html", context)
