"""The weaver's proposals page: put a proposal, record votes, decide."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render

from coalitions.align.models import (
    DecisionRule,
    Proposal,
    VoteChoice,
)
from coalitions.align.selectors import (
    proposals_for,
    voting_memberships,
)
from coalitions.align.services.proposals import proposal_create, proposal_decide, vote_cast
from coalitions.roles import require_workspace
from weft.errors import ApplicationError
from weft.pages import aware_or_none, date_or_none, post_or_refuse


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
