"""Pages of relationship surveys: the weaver's rounds (Workspace → Surveys) and the
respondent's answering page, by personal link or signed in."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from allies.models import Actor
from coalitions import roles
from coalitions.connect.models import Membership
from coalitions.surveys import figures, review, selectors, services
from coalitions.surveys.forms import QuestionForm, RespondentForm, RoundForm
from coalitions.surveys.models import (
    Collaboration,
    Frequency,
    QuestionKind,
    RoundStatus,
)
from weft.errors import ApplicationError
from weft.pages import attempt
from weft.vocabulary import ActorKind

# The session key holding an opened link's token hash: the link is exchanged once for the
# session and the browser sent on to an address without it (as invitations do), so the token
# stays out of the address bar, the history and the Referer.
SURVEY_SESSION_KEY = "weft_survey_link"
SEARCH_LIMIT = 20


# -- The weaver's pages ---------------------------------------------------------------------


# Answers listed on the review page (each with its buttons); the rest wait their turn.
REVIEW_ROWS_SHOWN = 200


@login_required
@require_http_methods(["GET", "POST"])
def survey_rounds(request, coalition_id: int):
    access = roles.require_workspace(request, coalition_id)
    form = RoundForm(request.POST or None, initial={"template": "classic"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = attempt(request, lambda: services.round_create(access=access, **data), form=form)
        if done.refused is None:
            messages.success(request, "Round drafted: add respondents, then open it.")
            return redirect("workflow-survey", coalition_id, done.result.pk)
    context = {
        "coalition": access.coalition,
        "access": access,
        "rounds": selectors.rounds(access),
        "form": form,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "coalitions/surveys/rounds.html", context, status=status)


def _respondent_choices(access) -> dict:
    actors = Actor.objects.filter(coalition=access.coalition).visible(
        include_sensitive=access.sees_sensitive
    )
    member_ids = Membership.objects.filter(coalition=access.coalition, left_on__isnull=True).values(
        "organisation_id"
    )
    return {
        "organisations": actors.filter(pk__in=member_ids).order_by("name"),
        "people": actors.filter(kind=ActorKind.PERSON).order_by("name"),
    }


ROUND_ACTIONS = {
    "open": (services.round_open, "Round opened: each respondent was sent a personal link."),
    "close": (services.round_close, "Round closed: links no longer work."),
}


def _round_write(request, access, round_id: int, forms: dict):
    """The write a POST of the round's page asks for, as (callable, success message, form)."""
    action = request.POST.get("action", "")
    if action in ROUND_ACTIONS:
        service, success = ROUND_ACTIONS[action]
        return (lambda: service(access=access, round_id=round_id)), success, None
    if action == "question":
        form = forms["question"] = QuestionForm(request.POST, prefix="question")
        if not form.is_valid():
            return None, None, form
        data = form.cleaned_data
        write = lambda: services.question_add(  # noqa: E731
            access=access,
            round_id=round_id,
            kind=data["kind"],
            text=data["text"],
            choices=data["choices"].splitlines(),
            required=data["required"],
        )
        return write, "Question added.", form
    if action == "respondent":
        form = forms["respondent"] = RespondentForm(
            request.POST, prefix="respondent", **_respondent_choices(access)
        )
        if not form.is_valid():
            return None, None, form
        data = form.cleaned_data
        write = lambda: services.respondent_add(  # noqa: E731
            access=access,
            round_id=round_id,
            organisation_id=data["organisation"],
            person_id=data["person"],
            email=data["email"],
        )
        return write, "Respondent added.", form
    target = _int_or_none(request.POST.get("target")) or 0
    writes = {
        "remove-question": (
            lambda: services.question_remove(access=access, round_id=round_id, question_id=target),
            "Question removed.",
        ),
        "remove-respondent": (
            lambda: services.respondent_remove(
                access=access, round_id=round_id, respondent_id=target
            ),
            "Respondent removed.",
        ),
        "revoke-link": (
            lambda: services.respondent_link_revoke(access=access, respondent_id=target),
            "Link revoked: it opens nothing now.",
        ),
        "resend-link": (
            lambda: services.respondent_link_resend(access=access, respondent_id=target),
            "A new link was sent; the old one no longer works.",
        ),
    }
    write, success = writes.get(action, (None, None))
    return write, success, None


@login_required
@require_http_methods(["GET", "POST"])
def survey_round(request, coalition_id: int, round_id: int):
    """A round: its questions and respondents (drafted here), who has and has not answered,
    opening and closing."""
    access = roles.require_workspace(request, coalition_id)
    survey_round = selectors.round_for_weaver(access, round_id)
    if survey_round is None:
        raise Http404("No such survey round.")
    forms = {
        "question": QuestionForm(prefix="question"),
        "respondent": RespondentForm(prefix="respondent", **_respondent_choices(access)),
    }
    status = 200
    if request.method == "POST":
        write, success, form = _round_write(request, access, round_id, forms)
        if write is None and form is None:
            messages.error(request, "Nothing to do.")
            return redirect("workflow-survey", coalition_id, round_id)
        done = attempt(request, write, form=form) if write is not None else None
        if done is not None and (done.refused is None or form is None):
            if done.refused is None:
                messages.success(request, success)
            return redirect("workflow-survey", coalition_id, round_id)
        status = 400
    context = {
        "coalition": access.coalition,
        "access": access,
        "round": survey_round,
        "questions": list(survey_round.questions.all()),
        "respondents": list(survey_round.respondents.all()),
        "question_form": forms["question"],
        "respondent_form": forms["respondent"],
        "is_draft": survey_round.status == RoundStatus.DRAFT,
        "is_open": survey_round.status == RoundStatus.OPEN,
    }
    return render(request, "coalitions/surveys/round.html", context, status=status)


# -- The respondent's pages -----------------------------------------------------------------


def _closed(request, error: ApplicationError):
    return render(
        request, "coalitions/surveys/closed.html", {"why": error.message}, status=error.status
    )


def survey_open(request, token: str):
    """The link in the email: checked, then exchanged for the session (see above)."""
    try:
        respondent = services.respondent_for_token(token)
    except ApplicationError as error:
        return _closed(request, error)
    request.session[SURVEY_SESSION_KEY] = respondent.token_hash
    return redirect("survey-answer")


@require_http_methods(["GET", "POST"])
def survey_answer(request):
    """Answering by personal link: a respondent without an account, as a member would (never
    a sensitive actor)."""
    respondent = selectors.respondent_by_link_hash(request.session.get(SURVEY_SESSION_KEY, ""))
    if respondent is None:
        request.session.pop(SURVEY_SESSION_KEY, None)
        return _closed(
            request,
            ApplicationError("This survey link is not valid.", status=404, code="unknown"),
        )
    return _answer_page(request, respondent, sees_sensitive=False, here=reverse("survey-answer"))


@login_required
@require_http_methods(["GET", "POST"])
def survey_answer_signed_in(request, coalition_id: int, round_id: int):
    access = roles.access_for(request.user, coalition_id)
    respondent = selectors.respondent_for_user(access, round_id)
    if respondent is None:
        raise Http404("You are not a respondent of this survey.")
    here = reverse("survey-answer-signed-in", args=[coalition_id, round_id])
    return _answer_page(request, respondent, sees_sensitive=access.sees_sensitive, here=here)


def _int_or_none(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _answer_write(request, respondent, sees_sensitive: bool):
    """The one write a POST of the answering page asks for, as a callable."""
    post = request.POST
    action = post.get("action", "")
    respondent_id = respondent.pk
    question_id = _int_or_none(post.get("question"))
    if action == "answer":
        return lambda: services.answer_save(
            respondent_id=respondent_id,
            question_id=question_id,
            choices=post.getlist("choice"),
            scale=_int_or_none(post.get("scale")),
            text=post.get("text", ""),
        ), "Saved."
    if action == "relationship":
        return lambda: services.relationship_save(
            respondent_id=respondent_id,
            question_id=question_id,
            actor_id=_int_or_none(post.get("actor")),
            other_name=post.get("other_name", ""),
            other_kind=post.get("other_kind", ""),
            frequency=post.get("frequency", ""),
            strength=_int_or_none(post.get("strength")),
            collaboration=post.getlist("collaboration"),
            introduce_to_id=_int_or_none(post.get("introduce_to")),
            sees_sensitive=sees_sensitive,
        ), "Saved."
    if action == "remove":
        return lambda: services.relationship_remove(
            respondent_id=respondent_id, relationship_id=_int_or_none(post.get("relationship"))
        ), "Removed."
    if action == "submit":
        return lambda: services.respondent_submit(respondent_id=respondent_id), None
    return None, None


def _answer_page(request, respondent, *, sees_sensitive: bool, here: str):
    try:
        services._require_answerable(respondent)
    except ApplicationError as error:
        return _closed(request, error)
    if request.method == "POST":
        write, saved = _answer_write(request, respondent, sees_sensitive)
        if write is None:
            messages.error(request, "Nothing to save.")
            return redirect(here)
        done = attempt(request, write)
        if done.refused is None and saved is None:
            request.session.pop(SURVEY_SESSION_KEY, None)
            return render(request, "coalitions/surveys/thanks.html", {"round": respondent.round})
        if done.refused is None:
            messages.success(request, saved)
        anchor = f"#q{request.POST.get('question', '')}" if request.POST.get("question") else ""
        return redirect(here + anchor)
    survey_round = respondent.round
    actors = services.visible_actors(respondent, sees_sensitive=sees_sensitive)
    query = request.GET.get("q", "").strip()
    found = []
    if query:
        found = list(actors.filter(name__icontains=query).order_by("name")[:SEARCH_LIMIT])
    answers = {a.question_id: a for a in respondent.answers.all()}
    questions = []
    for question in survey_round.questions.all():
        item = {"question": question, "answer": answers.get(question.pk)}
        if question.kind == QuestionKind.RELATIONSHIP_GRID:
            item["rows"] = list(selectors.relationship_rows(respondent, question))
            named = {row.actor_id for row in item["rows"]}
            item["found"] = [a for a in found if a.pk not in named]
        questions.append(item)
    context = {
        "round": survey_round,
        "coalition": survey_round.coalition,
        "respondent": respondent,
        "questions": questions,
        "query": query,
        "here": here,
        "introduce_choices": list(actors.order_by("name").values_list("pk", "name")),
        "frequencies": Frequency.choices,
        "collaborations": Collaboration.choices,
        "strengths": range(1, 6),
        "kinds": QuestionKind,
    }
    return render(request, "coalitions/surveys/answer.html", context)


# -- Review into the map --------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def survey_review(request, coalition_id: int, round_id: int):
    """What the round's respondents reported, waiting for a weaver: accept all, or one by
    one; reject what should stay out of the map."""
    access = roles.require_workspace(request, coalition_id)
    survey_round = selectors.round_for_weaver(access, round_id)
    if survey_round is None:
        raise Http404("No such survey round.")
    if request.method == "POST":
        same_as = {
            int(key.removeprefix("same_as-")): _int_or_none(value)
            for key, value in request.POST.items()
            if key.startswith("same_as-") and key.removeprefix("same_as-").isdigit()
        }
        reject = _int_or_none(request.POST.get("reject"))
        accept = request.POST.get("accept", "")
        if reject:
            done = attempt(
                request,
                lambda: review.review_reject(
                    access=access, round_id=round_id, relationship_id=reject
                ),
            )
            success = "Left out of the map."
        elif accept == "all" and (
            review.pending_rows(survey_round).count() > settings.WEFT_SURVEY_ACCEPT_ASYNC_ANSWERS
        ):
            done = attempt(
                request,
                lambda: review.review_accept_queue(
                    access=access, round_id=round_id, same_as=same_as
                ),
            )
            success = "Every answer is being accepted into the map: this page says when it is done."
        else:
            ids = None if accept == "all" else [_int_or_none(accept) or 0]
            done = attempt(
                request,
                lambda: review.review_accept(
                    access=access, round_id=round_id, relationship_ids=ids, same_as=same_as
                ),
            )
            success = "Accepted into the map."
        if done.refused is None:
            messages.success(request, success)
        return redirect("workflow-survey-review", coalition_id, round_id)
    pending = review.pending_rows(survey_round)
    pending_count = pending.count()
    # A page of answers to decide one by one; "accept all" takes every one of them.
    rows = list(pending[:REVIEW_ROWS_SHOWN])
    candidates = review.prospect_candidates(access, rows)
    for row in rows:
        row.candidates = candidates.get(row.pk, [])
        row.tie_exists = (
            row.actor_id is not None
            and review.existing_tie(access, row.respondent.actor_id, row.actor_id) is not None
        )
    context = {
        "coalition": access.coalition,
        "access": access,
        "round": survey_round,
        "rows": rows,
        "pending_count": pending_count,
        "acceptance": survey_round.acceptances.first(),
    }
    return render(request, "coalitions/surveys/review.html", context)


@login_required
def survey_results(request, coalition_id: int, round_id: int):
    """Response rate, reciprocity, the network as reported against the map as drawn, and the
    other questions' answers counted under the small-count rule."""
    access = roles.require_workspace(request, coalition_id)
    survey_round = selectors.round_for_weaver(access, round_id)
    if survey_round is None:
        raise Http404("No such survey round.")
    results = selectors.round_results(access, survey_round)
    names = results["names"]
    reciprocity = results["reciprocity"]
    comparison, previous = selectors.round_comparison(
        survey_round, include_sensitive=access.sees_sensitive
    )
    context = {
        "coalition": access.coalition,
        "access": access,
        "round": survey_round,
        "results": results,
        "previous_round": previous,
        "comparison": figures.comparison_rows(comparison, results["threshold"]),
        "charts": _chart_data(results),
        "rate": reciprocity.rate,
        "mutual": [
            (names.get(a, "?"), names.get(b, "?"), sa, sb)
            for (a, b), (sa, sb) in reciprocity.mutual.items()
        ],
        "one_sided": [(names.get(a, "?"), names.get(b, "?")) for a, b in reciprocity.one_sided],
        "only_reported": [
            (names.get(a, "?"), names.get(b, "?")) for a, b in results["comparison"].only_reported
        ],
        "only_drawn": [
            (names.get(a, "?"), names.get(b, "?")) for a, b in results["comparison"].only_drawn
        ],
    }
    return render(request, "coalitions/surveys/results.html", context)


def _chart_data(results: dict) -> dict:
    """What the results page's charts draw (static/js/surveys/results.js), the same numbers
    as its tables. The answers over time are not under the small-count rule: the round's
    page already tells the same readers who answered and when."""
    threshold = results["threshold"]
    return {
        "threshold": threshold,
        "over_time": {
            "labels": [day.isoformat() for day, _, _ in results["over_time"]],
            "answered": [count for _, count, _ in results["over_time"]],
            "shares": [round(share * 100, 1) for _, _, share in results["over_time"]],
        },
        "questions": [
            {
                "id": tally["question"].pk,
                "text": tally["question"].text,
                "labels": [option for option, _ in tally["counts"]],
                "counts": tally["chart_counts"],
                "shown": [shown for _, shown in tally["counts"]],
            }
            for tally in results["tallies"]
        ],
    }
