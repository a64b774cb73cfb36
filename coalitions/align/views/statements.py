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
    statement_create,
    statement_update,
    statement_version_add,
)
from coalitions.align.text import version_diff
from coalitions.roles import require_workspace
from weft.errors import ApplicationError
from weft.pages import aware_or_none, post_or_refuse
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
    open rounds and publish."""
    access = roles.require(request.user, coalition_id, roles.Permission.WORKFLOW_VIEW)
    statement = get_object_or_404(
        UnityStatement.objects.filter(coalition=access.coalition), pk=statement_id
    )
    editor = access.can(roles.Permission.WORKFLOW_EDIT)
    if request.method == "POST":
        action = request.POST.get("action")
        if action != "comment" and not editor:
            raise roles.PermissionDeniedForRole(access, roles.Permission.WORKFLOW_EDIT)
        note = _statement_write(request, access, statement, action)
        if note:
            messages.success(request, note)
        return redirect(
            "workflow-statement", coalition_id=access.coalition.pk, statement_id=statement.pk
        )
    context = {
        "access": access,
        "coalition": access.coalition,
        "editor": editor,
        **statement_workspace(statement, access),
    }
    return render(request, "coalitions/workflow/statement.html", context)


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
