"""The weaver's Connect pages: the pipeline board (and the coalition's own phase) and the
Connect page (suggestions and introductions)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from coalitions.connect.forms import IntroductionForm, ProspectForm
from coalitions.connect.membership_views import actor_named_by, pending_undo
from coalitions.connect.models import IntroductionOutcome
from coalitions.connect.selectors import (
    COLD_AFTER_DAYS,
    connect_actors,
    designee_terms,
    introductions_for,
    open_suggestions,
    organisations_off_the_pipeline,
    pipeline_board,
    suggestions_for,
)
from coalitions.connect.services import (
    introduction_log,
    introduction_update,
    membership_create,
    suggestion_accept,
    suggestion_dismiss,
)
from coalitions.roles import require_workspace
from coalitions.selectors import coalition_phase_history
from coalitions.services import coalition_phase_change
from networks.models import SuggestionKind, SuggestionStatus
from weft.pages import attempt, date_or_none, post_or_refuse
from weft.versions import ANY_VERSION
from weft.vocabulary import MEMBER_DEFINITION, CoalitionPhase, MemberPhase


def _pipeline_page(request, access, *, error=None, prospect_form=None, status=200):
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
        "member_definition": MEMBER_DEFINITION,
        "cold_after": COLD_AFTER_DAYS,
        "phases": CoalitionPhase.choices,
        "phase_history": coalition_phase_history(access.coalition),
        "error": error,
        "prospect_form": prospect_form
        or ProspectForm(organisations=organisations_off_the_pipeline(access)),
        "undo": pending_undo(request, access.coalition.pk),
    }
    return render(request, "coalitions/workflow/pipeline.html", context, status=status)


@login_required
def pipeline(request, coalition_id: int):
    access = require_workspace(request, coalition_id)
    return _pipeline_page(request, access)


@login_required
def membership_add(request, coalition_id: int):
    """Add an organisation of the coalition to the pipeline as a prospect. A refusal (a
    person, an actor of another coalition, an organisation already on the pipeline) is shown
    next to the field on the board, and nothing is saved."""
    access = require_workspace(request, coalition_id)
    if request.method != "POST":
        return redirect("workflow-pipeline", coalition_id=access.coalition.pk)
    form = ProspectForm(request.POST, organisations=organisations_off_the_pipeline(access))
    if form.is_valid():
        organisation = actor_named_by(access, form.cleaned_data["organisation"])
        done = attempt(
            request,
            lambda: membership_create(
                coalition=access.coalition,
                created_by=request.user,
                organisation=organisation,
                phase=MemberPhase.PROSPECT,
            ),
            form=form,
        )
        if not done.refused:
            messages.success(
                request, f"{done.result.organisation.name} is on the pipeline as a prospect."
            )
            return redirect("workflow-pipeline", coalition_id=access.coalition.pk)
        return _pipeline_page(request, access, prospect_form=form, status=done.status)
    return _pipeline_page(request, access, prospect_form=form, status=400)


@login_required
def coalition_phase(request, coalition_id: int):
    """Move the coalition as a whole to another phase, from the board. The form carries the
    coalition's version: a stale one is refused (412), not saved over a newer change."""
    access = require_workspace(request, coalition_id)
    if request.method != "POST":
        return redirect("workflow-pipeline", coalition_id=access.coalition.pk)
    changed = attempt(
        request,
        lambda: coalition_phase_change(
            access=access,
            phase=request.POST.get("phase", ""),
            expected_version=request.POST.get("version"),
        ),
        redirecting=False,
    )
    if changed.refused:
        return _pipeline_page(request, access, error=changed.refused.message, status=changed.status)
    messages.success(request, f"The coalition is now in {changed.result.get_phase_display()}.")
    return redirect("workflow-pipeline", coalition_id=access.coalition.pk)


SUGGESTIONS_PAGE = 25


@login_required
def connect(request, coalition_id: int):
    """Connect: the introduction form, then the suggestions (one row per pair and kind across
    metric runs, open by default, filterable and paginated: one click to an introduction, or
    dismiss with a reason) and the introductions log."""
    access = require_workspace(request, coalition_id)
    actors = connect_actors(access)
    form = IntroductionForm(request.POST or None, actors=actors)
    here = _here(request, access)
    if request.method == "POST":
        action = request.POST.get("action")
        if action in ("accept", "dismiss"):
            _decide_suggestion(request, access, action)
            return redirect(here)
        if action == "outcome":
            _record_outcome(request, access)
            return redirect(here)
        if form.is_valid() and _log_introduction(request, access, form.cleaned_data, actors):
            return redirect(here)
    status = request.GET.get("status", SuggestionStatus.OPEN)
    kind = request.GET.get("kind", "")
    name = request.GET.get("name", "")[:100]
    rows = suggestions_for(access, status=status, kind=kind, name=name)
    page = Paginator(rows, SUGGESTIONS_PAGE).get_page(request.GET.get("page"))
    context = {
        "access": access,
        "coalition": access.coalition,
        "suggestions": page,
        "page": page,
        "filters": {"status": status, "kind": kind, "name": name},
        "statuses": SuggestionStatus.choices,
        "kinds": SuggestionKind.choices,
        "query_without_pages": _without_page(request.GET),
        "introductions": introductions_for(access)[:200],
        "outcomes": IntroductionOutcome.choices,
        "form": form,
        "today": timezone.localdate(),
    }
    return render(request, "coalitions/workflow/connect.html", context)


def _here(request, access) -> str:
    """The Connect page with the filters and page the person was on."""
    url = reverse("workflow-connect", kwargs={"coalition_id": access.coalition.pk})
    query = request.GET.urlencode()
    return f"{url}?{query}" if query else url


def _without_page(query) -> str:
    query = query.copy()
    query.pop("page", None)
    return query.urlencode()


def _decide_suggestion(request, access, action: str) -> None:
    """Accept an open suggestion (an introduction is logged) or dismiss it with a reason."""
    suggestion = open_suggestions(access).filter(pk=request.POST.get("suggestion") or 0).first()
    if suggestion is None:
        raise Http404("No such open suggestion.")
    if action == "accept":
        done = post_or_refuse(
            request,
            lambda: suggestion_accept(
                suggestion=suggestion,
                decided_by=request.user,
                follow_up_on=date_or_none(request.POST.get("follow_up_on", "")),
            ),
        )
        note = "Introduction logged from the suggestion."
    else:
        done = post_or_refuse(
            request,
            lambda: suggestion_dismiss(
                suggestion=suggestion,
                decided_by=request.user,
                reason=request.POST.get("reason", ""),
            ),
        )
        note = "Suggestion dismissed."
    if done:
        messages.success(request, note)


def _record_outcome(request, access) -> None:
    """What came of an introduction."""
    introduction = (
        introductions_for(access).filter(pk=request.POST.get("introduction") or 0).first()
    )
    if introduction is None:
        raise Http404("No such introduction.")
    if post_or_refuse(
        request,
        lambda: introduction_update(
            introduction=introduction,
            expected_version=ANY_VERSION,  # recording what came of it: one field
            updated_by=request.user,
            outcome=request.POST.get("outcome", ""),
        ),
    ):
        messages.success(request, "Outcome recorded.")


def _log_introduction(request, access, data: dict, actors: list) -> bool:
    """Log the introduction the form describes; True if it was logged."""
    by_id = {actor.pk: actor for actor in actors}
    logged = post_or_refuse(
        request,
        lambda: introduction_log(
            coalition=access.coalition,
            introduced=by_id.get(data["introduced"]),
            introduced_to=by_id.get(data["introduced_to"]),
            reason=data["reason"],
            introduced_on=data["introduced_on"],
            follow_up_on=data["follow_up_on"],
            introduced_by=request.user,
        ),
    )
    if logged:
        messages.success(request, "Introduction logged.")
    return logged
