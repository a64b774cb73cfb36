"""The weaver's proposals page: put a proposal, record votes, decide; and a proposal's own
page, where whoever sees the workflow reads it and discusses it (threads, #22)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from coalitions import roles
from coalitions.align.forms import ProposalForm
from coalitions.align.models import (
    DecisionRule,
    Proposal,
    VoteChoice,
)
from coalitions.align.selectors import (
    proposals_for,
    voting_memberships,
)
from coalitions.align.services.proposals import (
    proposal_create,
    proposal_decide,
    proposal_update,
    vote_cast,
)
from coalitions.roles import require_workspace
from networks.comments import selectors as comment_selectors
from networks.comments import services as comment_services
from networks.comments.views import parent_from, with_html
from weft.errors import ApplicationError
from weft.pages import attempt, aware_or_none, date_or_none, post_or_refuse


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
    """The proposal's page (whoever sees the workflow: the proposal, its votes and its
    discussion, where they comment); from the workspace, record a vote (an organisation's, by
    its designee) or decide the proposal."""
    access = roles.require(request.user, coalition_id, roles.Permission.WORKFLOW_VIEW)
    if request.method != "POST" or request.POST.get("action") == "comment":
        return _proposal_page(request, access, proposal_id)
    access.require(roles.Permission.WORKFLOW_EDIT)
    proposal = get_object_or_404(
        Proposal.objects.filter(coalition=access.coalition), pk=proposal_id
    )
    if request.POST.get("action") == "edit":
        return _proposal_edit(request, access, proposal)
    if request.POST.get("action") == "decide":
        if post_or_refuse(
            request,
            lambda: proposal_decide(
                proposal=proposal,
                decided_by=request.user,
                outcome_note=request.POST.get("outcome_note", ""),
                review_by=date_or_none(request.POST.get("review_by", "")),
            ),
        ):
            proposal.refresh_from_db()
            messages.success(request, f"Decided: {proposal.get_outcome_display()}.")
    else:
        membership = (
            voting_memberships(access).filter(pk=request.POST.get("membership") or 0).first()
        )
        if membership is None:
            messages.error(request, "Choose a member organisation.")
        elif post_or_refuse(
            request,
            lambda: vote_cast(
                access=access,
                proposal=proposal,
                organisation=membership.organisation,
                designee=membership.designee,
                choice=request.POST.get("choice", ""),
                reason=request.POST.get("reason", ""),
            ),
        ):
            messages.success(request, f"Vote of {membership.organisation.name} recorded.")
    return redirect("workflow-proposals", coalition_id=access.coalition.pk)


def _edit_form(proposal, data=None) -> ProposalForm:
    initial = {
        "version": proposal.version,
        "title": proposal.title,
        "text": proposal.text,
        "rule": proposal.rule,
        "closes_at": timezone.localtime(proposal.closes_at),
        "review_by": proposal.review_by,
    }
    return ProposalForm(data, initial=initial)


def _proposal_edit(request, access, proposal):
    """Change an undecided proposal from its page: errors next to the field, nothing saved
    on error, a stale form refused naming who changed the proposal."""
    form = _edit_form(proposal, request.POST)
    status = 400
    if form.is_valid():
        changes = dict(form.cleaned_data)
        version = changes.pop("version")
        # The form shows minutes: an unchanged closing time is the one stored, not moved
        # (a proposal past its closing time keeps its text editable until it is decided).
        shown = timezone.localtime(proposal.closes_at).replace(second=0, microsecond=0)
        if changes["closes_at"] == shown:
            changes["closes_at"] = proposal.closes_at
        done = attempt(
            request,
            lambda: proposal_update(
                proposal=proposal, expected_version=version, updated_by=request.user, **changes
            ),
            form=form,
        )
        if not done.refused:
            messages.success(request, f"The proposal “{done.result.title}” is saved.")
            return redirect(
                "workflow-proposal", coalition_id=access.coalition.pk, proposal_id=proposal.pk
            )
        status = done.status
    return _proposal_page(request, access, proposal.pk, edit_form=form, status=status)


def _proposal_page(request, access, proposal_id: int, *, edit_form=None, status=None):
    found = proposals_for(access, proposal_id=proposal_id)
    if not found:
        raise Http404("No such proposal.")
    proposal = found[0]
    refused = None
    if request.method == "POST" and edit_form is None:

        def write():
            parent = parent_from(
                comment_selectors.comments_on(access, proposal), request.POST.get("parent")
            )
            return comment_services.comment_add(
                access=access, item=proposal, body=request.POST.get("body", ""), parent=parent
            )

        done = attempt(request, write, redirecting=False)
        if done.refused is None:
            messages.success(request, "Comment added.")
            return redirect(comment_services.comments_path(done.result))
        refused = done.refused
    editor = access.can(roles.Permission.WORKFLOW_EDIT)
    context = {
        "access": access,
        "coalition": access.coalition,
        "proposal": proposal,
        "editor": editor,
        "can_resolve": editor,
        "threads": with_html(comment_selectors.threads_on(access, proposal)),
        "refused": refused,
        "body": request.POST.get("body", "") if refused else "",
        "edit_form": edit_form
        or (_edit_form(proposal) if editor and not proposal.outcome else None),
        "editing": edit_form is not None,
    }
    if status is None:
        status = refused.status if refused else 200
    return render(request, "coalitions/workflow/proposal.html", context, status=status)
