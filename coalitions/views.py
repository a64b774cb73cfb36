"""Pages about coalitions: the list a user sees after signing in, and a coalition's home."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from allies.models import Actor
from coalitions import roles
from coalitions.forms import IntroductionForm, SignOnForm
from coalitions.models import (
    CoalitionPhase,
    DecisionRule,
    HealthCheckRound,
    IntroductionOutcome,
    Proposal,
    RoleName,
    Signature,
    StatementStatus,
    UnityStatement,
    VoteChoice,
)
from coalitions.reporting import HEALTH_AREAS
from coalitions.selectors import (
    ACTIVITY_KINDS,
    COLD_AFTER_DAYS,
    activity_stream,
    coalition_list_for,
    coalition_overview,
    coalition_phase_history,
    connect_actors,
    designee_terms,
    equity_check,
    health_round_summary,
    introductions_for,
    open_feedback_round,
    open_suggestions,
    pipeline_board,
    produce_overview,
    proposals_for,
    public_signatories,
    statement_workspace,
    voting_memberships,
)
from coalitions.services import (
    coalition_phase_change,
    feedback_comment_add,
    feedback_round_open,
    health_round_open,
    introduction_log,
    introduction_update,
    proposal_create,
    proposal_decide,
    signable_version,
    signature_confirm,
    signature_request,
    signature_withdraw,
    statement_archive,
    statement_create,
    statement_update,
    statement_version_add,
    suggestion_accept,
    suggestion_dismiss,
    token_hash,
    vote_cast,
)
from coalitions.text import render_markdown, version_diff
from weft.errors import ApplicationError


@login_required
def coalition_list(request):
    coalitions = list(coalition_list_for(request.user))
    for coalition in coalitions:
        coalition.role_label = RoleName(coalition.user_role).label
    return render(request, "coalitions/coalition_list.html", {"coalitions": coalitions})


@login_required
def coalition_home(request, coalition_id: int):
    access = roles.access_for(request.user, coalition_id)
    context = {
        "access": access,
        "coalition": access.coalition,
        "can_see_dashboard": access.can(roles.Permission.DASHBOARD_VIEW),
    }
    if access.can(roles.Permission.MAP_VIEW):
        context["overview"] = coalition_overview(
            access.coalition, include_sensitive=access.sees_sensitive
        )
    if access.can(roles.Permission.REPORTS_VIEW):
        context["reports_url"] = reverse("report-list", args=[access.coalition.pk])
    if access.can(roles.Permission.WORKFLOW_VIEW):
        # Members read and comment on statements from here (the list page is the weaver's).
        context["open_statements"] = UnityStatement.objects.filter(
            coalition=access.coalition,
            status__in=[StatementStatus.FEEDBACK, StatementStatus.PUBLISHED],
        ).order_by("-updated_at")[:5]
    return render(request, "coalitions/coalition_home.html", context)


# ---------------------------------------------------------------------------------------------
# The public sign-on page of a published statement: no login, CSRF protected, a honeypot,
# throttled per client address. No email address is ever shown on it.

SIGN_ON_WINDOW_SECONDS = 600
SIGN_ON_ATTEMPTS = 5  # per address and window: enough for a person, too few for a script


def _sign_on_throttled(request) -> bool:
    """Count a sign-on attempt for the client's address; True when it is one too many. The
    address is only a cache key, never stored with the signature or logged."""
    key = f"sign-on-attempts:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, SIGN_ON_WINDOW_SECONDS)
    return cache.incr(key) > SIGN_ON_ATTEMPTS


def _public_statement(statement_id: int):
    statement = get_object_or_404(
        UnityStatement.objects.select_related("coalition"), pk=statement_id
    )
    version = signable_version(statement)
    if version is None:
        raise Http404("This statement is not published.")
    return statement, version


def sign_on(request, statement_id: int):
    statement, version = _public_statement(statement_id)
    status = 200
    form = SignOnForm(request.POST or None)
    if request.method == "POST":
        if _sign_on_throttled(request):
            form.add_error(None, "Too many signatures from your address. Wait a few minutes.")
            status = 429
        elif form.is_valid():
            if form.cleaned_data["website"]:
                # A bot filled the honeypot: answer as if it worked, record nothing.
                return render(request, "public/sign_on_sent.html", {"statement": statement})
            data = {
                k: v for k, v in form.cleaned_data.items() if k not in ("website", "authorised")
            }
            try:
                signature_request(version=version, **data)
            except ApplicationError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
                status = error.status
            else:
                return render(request, "public/sign_on_sent.html", {"statement": statement})
        else:
            status = 400
    context = {
        "statement": statement,
        "version": version,
        "body": render_markdown(version.body),
        "signatories": public_signatories(version),
        "form": form,
    }
    return render(request, "public/sign_on.html", context, status=status)


def _token_page(request, token: str, *, withdraw: bool):
    if request.method == "POST":
        try:
            if withdraw:
                signature = signature_withdraw(token=token)
            else:
                signature = signature_confirm(token=token)
        except ApplicationError as error:
            return render(
                request, "public/sign_token.html", {"error": error.message}, status=error.status
            )
        return render(
            request,
            "public/sign_token.html",
            {"signature": signature, "done": True, "withdraw": withdraw},
        )
    # A GET only shows the button: mail scanners open links, and must not sign anything.
    signature = (
        Signature.objects.select_related("version__statement")
        .filter(confirmation_token_hash=token_hash(token))
        .first()
    )
    if signature is None:
        return render(
            request,
            "public/sign_token.html",
            {"error": "This link is not valid: it may have been mistyped."},
            status=404,
        )
    return render(request, "public/sign_token.html", {"signature": signature, "withdraw": withdraw})


def sign_confirm(request, token: str):
    return _token_page(request, token, withdraw=False)


def sign_withdraw(request, token: str):
    return _token_page(request, token, withdraw=True)


# ---------------------------------------------------------------------------------------------
# The weaver's workspace (organizers, weavers and stewards: WORKFLOW_EDIT). A member or a
# funder gets 403, someone without a role 404, as everywhere.


def require_workspace(request, coalition_id: int) -> roles.Access:
    return roles.require(request.user, coalition_id, roles.Permission.WORKFLOW_EDIT)


def _pipeline_page(request, access, *, error=None, status=200):
    board = pipeline_board(access)
    cards = [m for column in board["columns"] for m in column["members"]]
    terms = designee_terms(access, cards)
    for membership in cards:
        # The current designee is on the card already; the earlier ones are its history.
        membership.earlier_designees = [t for t in terms.get(membership.pk, []) if t["until"]]
    context = {
        "access": access,
        "coalition": access.coalition,
        "board": board,
        "cold_after": COLD_AFTER_DAYS,
        "phases": CoalitionPhase.choices,
        "phase_history": coalition_phase_history(access.coalition),
        "error": error,
    }
    return render(request, "coalitions/workflow/pipeline.html", context, status=status)


@login_required
def pipeline(request, coalition_id: int):
    access = require_workspace(request, coalition_id)
    return _pipeline_page(request, access)


@login_required
def coalition_phase(request, coalition_id: int):
    """Move the coalition as a whole to another phase, from the board. The form carries the
    coalition's version: a stale one is refused (409), not saved over a newer change."""
    access = require_workspace(request, coalition_id)
    if request.method != "POST":
        return redirect("workflow-pipeline", coalition_id=access.coalition.pk)
    try:
        coalition = coalition_phase_change(
            coalition=access.coalition, phase=request.POST.get("phase", ""),
            expected_version=request.POST.get("version"), changed_by=request.user,
        )  # fmt: skip
    except ApplicationError as error:
        return _pipeline_page(request, access, error=error.message, status=error.status)
    messages.success(request, f"The coalition is now in {coalition.get_phase_display()}.")
    return redirect("workflow-pipeline", coalition_id=access.coalition.pk)


def show_refusal(request, error: ApplicationError) -> None:
    messages.error(request, error.message)


def post_or_refuse(request, write) -> bool:
    """Run a write from a form; a refusal becomes an error message on the page."""
    try:
        write()
    except ApplicationError as error:
        show_refusal(request, error)
        return False
    return True


def date_or_none(value: str):
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def aware_or_none(value: str):
    """A datetime from a datetime-local input, in the current time zone; None if invalid."""
    try:
        moment = datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


@login_required
def connect(request, coalition_id: int):
    """Connect: the metric runs' open suggestions (one click to an introduction, or dismiss
    with a reason) and the introductions log."""
    access = require_workspace(request, coalition_id)
    actors = connect_actors(access)
    form = IntroductionForm(request.POST or None, actors=actors)
    if request.method == "POST":
        by_id = {actor.pk: actor for actor in actors}
        action = request.POST.get("action")
        suggestions = open_suggestions(access)
        if action in ("accept", "dismiss"):
            suggestion = suggestions.filter(pk=request.POST.get("suggestion") or 0).first()
            if suggestion is None:
                raise Http404("No such open suggestion.")
            if action == "accept":
                done = post_or_refuse(request, lambda: suggestion_accept(
                    suggestion=suggestion, decided_by=request.user,
                    follow_up_on=date_or_none(request.POST.get("follow_up_on", "")),
                ))  # fmt: skip
                note = "Introduction logged from the suggestion."
            else:
                done = post_or_refuse(request, lambda: suggestion_dismiss(
                    suggestion=suggestion, decided_by=request.user,
                    reason=request.POST.get("reason", ""),
                ))  # fmt: skip
                note = "Suggestion dismissed."
            if done:
                messages.success(request, note)
            return redirect("workflow-connect", coalition_id=access.coalition.pk)
        if action == "outcome":
            introduction = (
                introductions_for(access).filter(pk=request.POST.get("introduction") or 0).first()
            )
            if introduction is None:
                raise Http404("No such introduction.")
            if post_or_refuse(request, lambda: introduction_update(
                introduction=introduction, updated_by=request.user,
                outcome=request.POST.get("outcome", ""),
            )):  # fmt: skip
                messages.success(request, "Outcome recorded.")
            return redirect("workflow-connect", coalition_id=access.coalition.pk)
        if form.is_valid():
            data = form.cleaned_data
            if post_or_refuse(request, lambda: introduction_log(
                coalition=access.coalition, introduced=by_id.get(data["introduced"]),
                introduced_to=by_id.get(data["introduced_to"]), reason=data["reason"],
                introduced_on=data["introduced_on"], follow_up_on=data["follow_up_on"],
                introduced_by=request.user,
            )):  # fmt: skip
                messages.success(request, "Introduction logged.")
                return redirect("workflow-connect", coalition_id=access.coalition.pk)
    context = {
        "access": access,
        "coalition": access.coalition,
        "suggestions": open_suggestions(access),
        "introductions": introductions_for(access)[:200],
        "outcomes": IntroductionOutcome.choices,
        "form": form,
        "today": timezone.localdate(),
    }
    return render(request, "coalitions/workflow/connect.html", context)


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
                "workflow-statement", coalition_id=access.coalition.pk,
                statement_id=created["statement"].pk,
            )  # fmt: skip
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
                statement=statement, body=_required(post.get("body", ""), "body", "The text"),
                created_by=request.user,
            ),
            "New version saved.",
        ),
        "open_round": (
            lambda: feedback_round_open(
                statement=statement, closes_at=aware_or_none(post.get("closes_at")) or timezone.now(),
                opened_by=request.user,
            ),
            "Feedback round opened.",
        ),
        "publish": (
            lambda: statement_update(
                statement=statement, updated_by=request.user, status=StatementStatus.PUBLISHED
            ),
            "Published: the sign-on page is open.",
        ),
        "archive": (
            lambda: statement_archive(statement=statement, archived_by=request.user),
            "Archived: the sign-on page is closed; versions and signatures are kept.",
        ),
        "redraft": (
            lambda: statement_update(
                statement=statement, updated_by=request.user, status=StatementStatus.DRAFT
            ),
            "The statement is a draft again: revise it, then publish the new version.",
        ),
        "comment": (lambda: _comment(request, access, statement), "Comment added."),
    }  # fmt: skip
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
        round=feedback_round, paragraph=paragraph, body=request.POST.get("body", ""),
        author=request.user, organisation=organisation,
    )  # fmt: skip


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
        "access": access, "coalition": access.coalition, "statement": statement,
        "numbers": numbers, "older": older, "newer": newer,
        "rows": version_diff(older.body, newer.body),
    }  # fmt: skip
    return render(request, "coalitions/workflow/statement_diff.html", context)


# -- Proposals and votes


@login_required
def proposals(request, coalition_id: int):
    access = require_workspace(request, coalition_id)
    if request.method == "POST":

        def write():
            proposal_create(
                coalition=access.coalition,
                title=request.POST.get("title", ""),
                text=request.POST.get("text", ""),
                rule=request.POST.get("rule", ""),
                closes_at=aware_or_none(request.POST.get("closes_at"))
                or _refused("Give a closing date and time.", "closes_at"),
                review_by=date_or_none(request.POST.get("review_by", "")),
                created_by=request.user,
            )

        if post_or_refuse(request, write):
            messages.success(request, "Proposal put to the members.")
            return redirect("workflow-proposals", coalition_id=access.coalition.pk)
    context = {
        "access": access,
        "coalition": access.coalition,
        "proposals": proposals_for(access),
        "rules": DecisionRule.choices,
        "choices": VoteChoice.choices,
        "voters": voting_memberships(access),
    }
    return render(request, "coalitions/workflow/proposals.html", context)


def _refused(message: str, field: str):
    raise ApplicationError(message, field=field)


@login_required
def proposal_act(request, coalition_id: int, proposal_id: int):
    """Record a vote (an organisation's, by its designee) or decide the proposal."""
    access = require_workspace(request, coalition_id)
    proposal = get_object_or_404(
        Proposal.objects.filter(coalition=access.coalition), pk=proposal_id
    )
    if request.method != "POST":
        return redirect("workflow-proposals", coalition_id=access.coalition.pk)
    if request.POST.get("action") == "decide":
        if post_or_refuse(request, lambda: proposal_decide(
            proposal=proposal, decided_by=request.user,
            outcome_note=request.POST.get("outcome_note", ""),
            review_by=date_or_none(request.POST.get("review_by", "")),
        )):  # fmt: skip
            proposal.refresh_from_db()
            messages.success(request, f"Decided: {proposal.get_outcome_display()}.")
    else:
        membership = (
            voting_memberships(access).filter(pk=request.POST.get("membership") or 0).first()
        )
        if membership is None:
            messages.error(request, "Choose a member organisation.")
        elif post_or_refuse(request, lambda: vote_cast(
            proposal=proposal, organisation=membership.organisation,
            designee=membership.designee, choice=request.POST.get("choice", ""),
            reason=request.POST.get("reason", ""), recorded_by=request.user,
        )):  # fmt: skip
            messages.success(request, f"Vote of {membership.organisation.name} recorded.")
    return redirect("workflow-proposals", coalition_id=access.coalition.pk)


# -- Network health check and the equity check


@login_required
def health(request, coalition_id: int):
    """Health-check rounds: each round's averages, spread and change against the one before.
    No organisation's answers are shown."""
    access = require_workspace(request, coalition_id)
    if request.method == "POST":

        def write():
            health_round_open(
                coalition=access.coalition,
                title=request.POST.get("title", ""),
                opens_on=date_or_none(request.POST.get("opens_on", ""))
                or _refused("Give the opening date.", "opens_on"),
                closes_on=date_or_none(request.POST.get("closes_on", ""))
                or _refused("Give the closing date.", "closes_on"),
                opened_by=request.user,
            )

        if post_or_refuse(request, write):
            messages.success(request, "Health-check round opened.")
            return redirect("workflow-health", coalition_id=access.coalition.pk)
    rounds = [
        {"round": health_round, **health_round_summary(health_round)}
        for health_round in HealthCheckRound.objects.filter(coalition=access.coalition)
    ]
    context = {
        "access": access,
        "coalition": access.coalition,
        "rounds": rounds,
        "labels": HEALTH_LABELS,
    }
    return render(request, "coalitions/workflow/health.html", context)


HEALTH_LABELS = dict(HEALTH_AREAS)


def _quarter_ends(today: datetime.date, count: int) -> list[datetime.date]:
    ends = []
    year, quarter = today.year, (today.month - 1) // 3
    for _ in range(count):
        # The last day of the previous quarter, going back one quarter at a time.
        first_of_quarter = datetime.date(year, 3 * quarter + 1, 1)
        ends.append(first_of_quarter - datetime.timedelta(days=1))
        quarter -= 1
        if quarter < 0:
            year, quarter = year - 1, 3
    return list(reversed(ends))


@login_required
def equity(request, coalition_id: int):
    access = require_workspace(request, coalition_id)
    today = timezone.localdate()
    check = equity_check(access.coalition, on=today)
    trend = [
        {"on": on, **equity_check(access.coalition, on=on)["coalition"]}
        for on in _quarter_ends(today, 4)
    ]
    context = {"access": access, "coalition": access.coalition, "check": check, "trend": trend}
    return render(request, "coalitions/workflow/equity.html", context)


@login_required
def activity(request, coalition_id: int):
    """What changed, by whom, when: a weaver back after a week catches up here."""
    access = require_workspace(request, coalition_id)
    chosen = [k for k in request.GET.getlist("kind") if k in ACTIVITY_KINDS]
    context = {
        "access": access,
        "coalition": access.coalition,
        "entries": activity_stream(access, kinds=chosen or None),
        "kinds": [(k, label) for k, (label, _, _) in ACTIVITY_KINDS.items()],
        "chosen": chosen,
    }
    return render(request, "coalitions/workflow/activity.html", context)


@login_required
def produce(request, coalition_id: int):
    access = require_workspace(request, coalition_id)
    context = {
        "access": access,
        "coalition": access.coalition,
        **produce_overview(access),
    }
    return render(request, "coalitions/workflow/produce.html", context)
