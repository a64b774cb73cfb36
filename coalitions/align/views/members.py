"""Pages for member organisations: their designee votes on open proposals and answers open
health-check rounds. Plain forms (CSRF protected, no JavaScript). Every role that may view
the workflow reaches them (funders get 403, outsiders 404); only the signed-in designee of a
member organisation may write, once per proposal or round, and a refusal says why."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from coalitions import roles
from coalitions.align.forms import HealthAnswerForm, VoteForm
from coalitions.align.models import (
    DecisionRule,
    Endorsement,
    HealthCheckAnswer,
    HealthCheckRound,
    Principle,
    Proposal,
)
from coalitions.align.selectors import endorsement_current, proposals_for
from coalitions.align.services.health import health_answer_record
from coalitions.align.services.principles import (
    endorsement_add,
    endorsement_update,
    principle_create,
    principle_delete,
    principle_delete_undo,
    principle_update,
)
from coalitions.align.services.proposals import vote_cast
from coalitions.align.views.health import HEALTH_LABELS
from coalitions.connect.services import membership_spoken_for
from coalitions.roles import hide_sensitive_references
from weft import undo
from weft.errors import ApplicationError
from weft.pages import attempt
from weft.vocabulary import HealthArea

RULES_EXPLAINED = {
    DecisionRule.CONSENSUS: "Consensus: adopted when organisations agree or stand aside; one "
    "disagreement or block stops it.",
    DecisionRule.CONSENT: "Consent: adopted unless an organisation blocks (a paramount "
    "objection); disagreements are heard but do not stop it.",
    DecisionRule.MAJORITY: "Majority: adopted when more organisations agree than disagree or "
    "block; abstentions are not counted.",
}


def _voice(access):
    """The membership the user speaks for, and why not when they do not."""
    try:
        return membership_spoken_for(access), None
    except ApplicationError as error:
        return None, error.message


def _voting_context(access, *, form=None, form_for=None, error=None):
    membership, why_not = _voice(access)
    now = timezone.now()
    rows = proposals_for(access)
    for proposal in rows:
        proposal.rule_explained = RULES_EXPLAINED.get(proposal.rule, "")
        proposal.open_now = proposal.is_open(now)
        proposal.own_vote = None
        if membership is not None:
            proposal.own_vote = next(
                (
                    v
                    for v in proposal.votes.all()
                    if v.organisation_id == membership.organisation_id
                ),
                None,
            )
        proposal.form = form if form_for == proposal.pk and form is not None else VoteForm()
    return {
        "access": access,
        "coalition": access.coalition,
        "proposals": rows,
        "membership": membership,
        "why_not": why_not,
        "error": error,
    }


@login_required
def member_proposals(request, coalition_id: int):
    access = roles.require(request.user, coalition_id, roles.Permission.WORKFLOW_VIEW)
    return render(request, "coalitions/member/proposals.html", _voting_context(access))


@login_required
def member_vote(request, coalition_id: int, proposal_id: int):
    """Cast the organisation's vote. A refusal (not the designee, a second vote, voting
    closed) re-renders the page with the reason and its status; nothing is written."""
    access = roles.require(request.user, coalition_id, roles.Permission.SIGN_AND_ENDORSE)
    proposal = get_object_or_404(
        Proposal.objects.filter(coalition=access.coalition), pk=proposal_id
    )
    if request.method != "POST":
        return redirect("member-proposals", coalition_id=access.coalition.pk)
    form = VoteForm(request.POST)
    if form.is_valid():

        def vote():
            membership = membership_spoken_for(access)
            vote_cast(
                access=access,
                proposal=proposal,
                organisation=membership.organisation,
                designee=membership.designee,
                choice=form.cleaned_data["choice"],
                reason=form.cleaned_data["reason"],
            )
            return membership

        voted = attempt(request, vote, redirecting=False)
        if voted.refused:
            context = _voting_context(
                access, form=form, form_for=proposal.pk, error=voted.refused.message
            )
            return render(request, "coalitions/member/proposals.html", context, status=voted.status)
        messages.success(request, f"Vote of {voted.result.organisation.name} recorded.")
        return redirect("member-proposals", coalition_id=access.coalition.pk)
    context = _voting_context(access, form=form, form_for=proposal.pk, error="Choose a vote.")
    return render(request, "coalitions/member/proposals.html", context, status=400)


def _health_context(access, *, form=None, form_for=None, error=None):
    """Open rounds, and the user's own organisation's answers: never another's."""
    membership, why_not = _voice(access)
    today = timezone.localdate()
    rounds = list(
        HealthCheckRound.objects.filter(coalition=access.coalition).order_by("-opens_on", "-id")
    )
    own = {}
    if access.organisation_id is not None:
        own = {
            answer.round_id: answer
            for answer in HealthCheckAnswer.objects.filter(
                round__coalition=access.coalition, organisation_id=access.organisation_id
            )
        }
    for health_round in rounds:
        health_round.open_now = health_round.opens_on <= today <= health_round.closes_on
        health_round.own_answer = own.get(health_round.pk)
        if health_round.own_answer is not None:
            health_round.own_scores = [
                (HEALTH_LABELS[name], getattr(health_round.own_answer, name))
                for name in HealthArea.values
            ]
        health_round.form = (
            form if form_for == health_round.pk and form is not None else HealthAnswerForm()
        )
    return {
        "access": access,
        "coalition": access.coalition,
        "rounds": rounds,
        "membership": membership,
        "why_not": why_not,
        "error": error,
    }


@login_required
def member_health(request, coalition_id: int):
    access = roles.require(request.user, coalition_id, roles.Permission.WORKFLOW_VIEW)
    return render(request, "coalitions/member/health.html", _health_context(access))


@login_required
def member_health_answer(request, coalition_id: int, round_id: int):
    access = roles.require(request.user, coalition_id, roles.Permission.SIGN_AND_ENDORSE)
    health_round = get_object_or_404(
        HealthCheckRound.objects.filter(coalition=access.coalition), pk=round_id
    )
    if request.method != "POST":
        return redirect("member-health", coalition_id=access.coalition.pk)
    form = HealthAnswerForm(request.POST)
    if form.is_valid():
        scores = dict(form.cleaned_data)
        comment = scores.pop("comment")

        def answer():
            membership = membership_spoken_for(access)
            health_answer_record(
                access=access,
                round=health_round,
                organisation=membership.organisation,
                scores=scores,
                comment=comment,
            )
            return membership

        answered = attempt(request, answer, redirecting=False)
        if answered.refused:
            context = _health_context(
                access, form=form, form_for=health_round.pk, error=answered.refused.message
            )
            return render(request, "coalitions/member/health.html", context, status=answered.status)
        name = answered.result.organisation.name
        messages.success(request, f"Answer of {name} recorded. Thank you.")
        return redirect("member-health", coalition_id=access.coalition.pk)
    context = _health_context(
        access, form=form, form_for=health_round.pk, error="Score every area from 1 to 5."
    )
    return render(request, "coalitions/member/health.html", context, status=400)


# -- Shared principles: the roles that run the workflow add and edit them; a member
# organisation's designee endorses (once per organisation) and may withdraw.


UNDO_PAGE = "principles"


def _principles_context(request, access, *, error=None):
    membership, why_not = _voice(access)
    endorsements = hide_sensitive_references(
        Endorsement.objects.filter(withdrawn_at__isnull=True).select_related("organisation"),
        access,
        "organisation",
    ).order_by("organisation__name")
    principles = list(
        Principle.objects.filter(coalition=access.coalition)
        .prefetch_related(Prefetch("endorsements", queryset=endorsements))
        .order_by("position", "id")
    )
    for principle in principles:
        current = list(principle.endorsements.all())
        principle.endorser_names = [e.organisation.name for e in current]
        principle.endorsed_by_own = membership is not None and any(
            e.organisation_id == membership.organisation_id for e in current
        )
    return {
        "access": access,
        "coalition": access.coalition,
        "principles": principles,
        "membership": membership,
        "why_not": why_not if not access.can(roles.Permission.WORKFLOW_EDIT) else None,
        "editor": access.can(roles.Permission.WORKFLOW_EDIT),
        "error": error,
        "undo": (
            access.can(roles.Permission.WORKFLOW_EDIT)
            and undo.pending(request, page=UNDO_PAGE, coalition_id=access.coalition.pk)
        ),
    }


@login_required
def principles(request, coalition_id: int):
    access = roles.require(request.user, coalition_id, roles.Permission.WORKFLOW_VIEW)
    if request.method == "POST":
        action = request.POST.get("action")
        principle = None
        if action != "add":
            principle = get_object_or_404(
                Principle.objects.filter(coalition=access.coalition),
                pk=request.POST.get("principle") or 0,
            )
        if action in ("add", "edit", "delete"):
            access.require(roles.Permission.WORKFLOW_EDIT)
        elif action in ("endorse", "withdraw"):
            access.require(roles.Permission.SIGN_AND_ENDORSE)
        else:
            raise Http404("No such action.")
        done = attempt(
            request, lambda: _principle_write(request, access, action, principle), redirecting=False
        )
        if done.refused:
            context = _principles_context(request, access, error=done.refused.message)
            return render(
                request, "coalitions/workflow/principles.html", context, status=done.status
            )
        if done.result:  # a deletion says so in its undo offer instead
            messages.success(request, done.result)
        return redirect("workflow-principles", coalition_id=access.coalition.pk)
    return render(
        request, "coalitions/workflow/principles.html", _principles_context(request, access)
    )


def _principle_write(request, access, action: str, principle) -> str:
    """Add, edit or delete a principle, or endorse or withdraw as the user's organisation;
    returns what to tell the person (a deletion offers its undo instead)."""
    post = request.POST
    if action == "add":
        principle_create(
            coalition=access.coalition,
            title=post.get("title", ""),
            text=post.get("text", ""),
            created_by=request.user,
        )
        return "Principle added."
    if action == "edit":
        principle_update(
            principle=principle,
            expected_version=post.get("version"),
            updated_by=request.user,
            title=post.get("title", ""),
            text=post.get("text", ""),
        )
        return "Principle saved."
    if action == "delete":
        record = principle_delete(
            principle=principle, expected_version=post.get("version"), deleted_by=request.user
        )
        summary = f"The principle “{principle.title}” is deleted."
        undo.offer(
            request,
            page=UNDO_PAGE,
            coalition_id=access.coalition.pk,
            summary=summary,
            record=record,
        )
        return ""
    membership = membership_spoken_for(access)
    organisation = membership.organisation
    if action == "endorse":
        endorsement_add(access=access, principle=principle, organisation=organisation)
        return f"{organisation.name} endorses “{principle.title}”."
    endorsement = endorsement_current(principle=principle, organisation=organisation)
    if endorsement is None:
        raise ApplicationError(
            f"{organisation.name} does not endorse this principle.",
            field="organisation",
            status=409,
            code="not_endorsed",
        )
    endorsement_update(access=access, endorsement=endorsement, withdrawn=True)
    return f"{organisation.name}'s endorsement withdrawn."


@login_required
@require_POST
def principles_undo(request, coalition_id: int):
    """Undo the last principle this person deleted on the page."""
    access = roles.require(request.user, coalition_id, roles.Permission.WORKFLOW_EDIT)
    record = undo.posted(request, page=UNDO_PAGE, coalition_id=access.coalition.pk)
    if record is None:
        messages.error(request, "There is no deletion to undo (it was undone already).")
        return redirect("workflow-principles", coalition_id=access.coalition.pk)
    done = attempt(
        request,
        lambda: principle_delete_undo(
            coalition=access.coalition, record=record, undone_by=request.user
        ),
        redirecting=False,
    )
    if done.refused:
        context = _principles_context(request, access, error=done.refused.message)
        return render(request, "coalitions/workflow/principles.html", context, status=done.status)
    undo.clear(request, page=UNDO_PAGE, coalition_id=access.coalition.pk)
    messages.success(request, f"The principle “{done.result}” is back.")
    return redirect("workflow-principles", coalition_id=access.coalition.pk)
