"""The pipeline's memberships, edited in the browser: add an organisation as a prospect (from
the board; the map's panel adds one through the API), edit its designee, what it brings and
gets, its phase notes and its commitments, and remove it with an undo. Each write is one call
of the Connect services the API calls too; the pages only validate input and show refusals
next to their field."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from allies.models import Actor
from coalitions.connect.forms import CommitmentForm, MembershipForm
from coalitions.connect.models import CommitmentKind
from coalitions.connect.selectors import (
    coalition_people,
    designee_terms,
    memberships_for,
)
from coalitions.connect.services import (
    commitment_create,
    commitment_delete,
    commitment_restore,
    commitment_update,
    membership_delete,
    membership_restore,
    membership_update,
)
from coalitions.roles import require_workspace
from weft import undo
from weft.pages import attempt
from weft.versions import StaleVersion

# The last removal this person may still undo, kept in their session behind a one-time token
# (weft/undo.py): of a membership on the board, of a commitment on the member's page.
UNDO_PAGE = "pipeline"
COMMITMENT_UNDO_PAGE = "commitments"


def actor_named_by(access, actor_id):
    """The actor a form's id names, looked up as the service needs it: an actor of another
    coalition is passed on (the service refuses it by name), a sensitive one the role may
    not see is as if it did not exist."""
    if actor_id is None:
        return None
    actor = Actor.objects.filter(pk=actor_id).first()
    if actor is None or (
        actor.coalition_id == access.coalition.pk
        and not access.sees_sensitive
        and actor.is_sensitive
    ):
        return None
    return actor


def _stale_note(refused) -> str | None:
    """Which fields the other person changed, for a stale save (the refusal names who)."""
    if isinstance(refused, StaleVersion) and refused.change.get("changed_fields"):
        return (
            "They changed: "
            + ", ".join(name.replace("_", " ") for name in refused.change["changed_fields"])
            + "."
        )
    return None


def pending_undo(request, coalition_id: int) -> dict | None:
    return undo.pending(request, page=UNDO_PAGE, coalition_id=coalition_id)


def _edit_page(
    request,
    access,
    membership,
    *,
    form=None,
    new_commitment=None,
    changed=None,
    removal_refused=(),
    status=200,
):
    people = coalition_people(access)
    if form is None:
        form = MembershipForm(
            initial={
                "designee": membership.designee_id,
                "brings": membership.brings,
                "gets": membership.gets,
                "phase_notes": membership.phase_notes,
                "version": membership.version,
            },
            people=people,
        )
    kinds = CommitmentKind.choices
    commitments = []
    for commitment in membership.commitments.order_by("due_on", "id"):
        if changed is not None and changed[0] == commitment.pk:
            commitment.form = changed[1]
        else:
            commitment.form = CommitmentForm(
                prefix=f"c{commitment.pk}",
                kinds=kinds,
                initial={
                    "kind": commitment.kind,
                    "amount": commitment.amount,
                    "description": commitment.description,
                    "due_on": commitment.due_on,
                    "kept": {True: "yes", False: "no"}.get(commitment.kept, ""),
                    "version": commitment.version,
                },
            )
        commitments.append(commitment)
    context = {
        "access": access,
        "coalition": access.coalition,
        "membership": membership,
        "form": form,
        "terms": designee_terms(access, [membership]).get(membership.pk, []),
        "commitments": commitments,
        "new_commitment": new_commitment or CommitmentForm(prefix="new", kinds=kinds),
        "removal_refused": removal_refused,
        "commitment_undo": _commitment_undo_for(request, access, membership),
    }
    return render(request, "coalitions/workflow/membership_edit.html", context, status=status)


def _membership(access, membership_id: int):
    return get_object_or_404(memberships_for(access), pk=membership_id)


@login_required
def membership_edit(request, coalition_id: int, membership_id: int):
    """A member's page: its designee (and who was designee before, from when to when), what
    it brings and gets, notes on its phase, its commitments; remove it from the pipeline."""
    access = require_workspace(request, coalition_id)
    membership = _membership(access, membership_id)
    if request.method != "POST":
        return _edit_page(request, access, membership)
    form = MembershipForm(request.POST, people=coalition_people(access))
    if not form.is_valid():
        return _edit_page(request, access, membership, form=form, status=400)
    changes = dict(form.cleaned_data)
    version = changes.pop("version")
    changes["designee"] = actor_named_by(access, changes["designee"])
    if form.cleaned_data["designee"] is not None and changes["designee"] is None:
        form.add_error("designee", "Choose a person of this coalition.")
        return _edit_page(request, access, membership, form=form, status=400)
    done = attempt(
        request,
        lambda: membership_update(
            membership=membership, expected_version=version, updated_by=request.user, **changes
        ),
        form=form,
    )
    if done.refused:
        if note := _stale_note(done.refused):
            form.add_error(None, note)
        return _edit_page(request, access, membership, form=form, status=done.status)
    messages.success(request, f"{membership.organisation.name}: saved.")
    return redirect(
        "workflow-membership", coalition_id=access.coalition.pk, membership_id=membership.pk
    )


@login_required
def commitment_add(request, coalition_id: int, membership_id: int):
    """A new commitment of the member (people, hours, money or reach, by when)."""
    access = require_workspace(request, coalition_id)
    membership = _membership(access, membership_id)
    if request.method != "POST":
        return redirect(
            "workflow-membership", coalition_id=coalition_id, membership_id=membership.pk
        )
    form = CommitmentForm(request.POST, prefix="new", kinds=CommitmentKind.choices)
    if not form.is_valid():
        return _edit_page(request, access, membership, new_commitment=form, status=400)
    fields = dict(form.cleaned_data)
    fields.pop("version")
    done = attempt(
        request,
        lambda: commitment_create(membership=membership, created_by=request.user, **fields),
        form=form,
    )
    if done.refused:
        return _edit_page(request, access, membership, new_commitment=form, status=done.status)
    messages.success(request, "Commitment added.")
    return redirect("workflow-membership", coalition_id=coalition_id, membership_id=membership.pk)


@login_required
def commitment_change(request, coalition_id: int, membership_id: int, commitment_id: int):
    """A change of one commitment, at the version shown (a stale one is refused by name)."""
    access = require_workspace(request, coalition_id)
    membership = _membership(access, membership_id)
    commitment = get_object_or_404(membership.commitments, pk=commitment_id)
    if request.method != "POST":
        return redirect(
            "workflow-membership", coalition_id=coalition_id, membership_id=membership.pk
        )
    form = CommitmentForm(
        request.POST,
        prefix=f"c{commitment.pk}",
        kinds=CommitmentKind.choices,
    )
    if not form.is_valid():
        return _edit_page(request, access, membership, changed=(commitment.pk, form), status=400)
    fields = dict(form.cleaned_data)
    version = fields.pop("version")
    if version is None:
        form.add_error(None, "The form did not say which version it changes: reload the page.")
        return _edit_page(request, access, membership, changed=(commitment.pk, form), status=428)
    done = attempt(
        request,
        lambda: commitment_update(
            commitment=commitment, expected_version=version, updated_by=request.user, **fields
        ),
        form=form,
    )
    if done.refused:
        if note := _stale_note(done.refused):
            form.add_error(None, note)
        return _edit_page(
            request, access, membership, changed=(commitment.pk, form), status=done.status
        )
    messages.success(request, "Commitment saved.")
    return redirect("workflow-membership", coalition_id=coalition_id, membership_id=membership.pk)


@login_required
def membership_remove(request, coalition_id: int, membership_id: int):
    """Take an organisation off the pipeline (its commitments and moves with it), at the
    version shown; the board then offers to undo it."""
    access = require_workspace(request, coalition_id)
    membership = _membership(access, membership_id)
    if request.method != "POST":
        return redirect(
            "workflow-membership", coalition_id=coalition_id, membership_id=membership.pk
        )
    name = membership.organisation.name
    done = attempt(
        request,
        lambda: membership_delete(
            membership=membership,
            expected_version=request.POST.get("version"),
            deleted_by=request.user,
        ),
        redirecting=False,
    )
    if done.refused:
        refusals = [done.refused.message, _stale_note(done.refused)]
        return _edit_page(
            request,
            access,
            membership,
            removal_refused=[text for text in refusals if text],
            status=done.status,
        )
    undo.offer(
        request,
        page=UNDO_PAGE,
        coalition_id=access.coalition.pk,
        summary=f"{name} was removed from the pipeline.",
        record={"membership": membership_id, "history_id": done.result, "name": name},
    )
    messages.success(request, f"{name} was removed from the pipeline.")
    return redirect("workflow-pipeline", coalition_id=access.coalition.pk)


@login_required
def membership_undo(request, coalition_id: int):
    """Undo this person's last removal: the membership comes back exactly as it was."""
    access = require_workspace(request, coalition_id)
    board = reverse("workflow-pipeline", kwargs={"coalition_id": access.coalition.pk})
    if request.method != "POST":
        return redirect(board)
    pending = undo.posted(request, page=UNDO_PAGE, coalition_id=access.coalition.pk)
    if pending is None:
        messages.error(request, "There is no removal to undo (it was undone already).")
        return redirect(board)
    try:
        done = attempt(
            request,
            lambda: membership_restore(
                access=access,
                membership_id=pending["membership"],
                history_id=pending["history_id"],
            ),
        )
    except Http404:
        done = None
        messages.error(request, "The removal could not be undone: its history was not found.")
    undo.clear(request, page=UNDO_PAGE, coalition_id=access.coalition.pk)
    if done is not None and not done.refused:
        messages.success(request, f"{pending['name']} is back on the pipeline.")
    return redirect(board)


def _commitment_undo_for(request, access, membership) -> dict | None:
    """The offer, on the page of the member whose commitment was removed."""
    pending = undo.pending(request, page=COMMITMENT_UNDO_PAGE, coalition_id=access.coalition.pk)
    return pending if pending and pending["record"]["membership"] == membership.pk else None


@login_required
def commitment_remove(request, coalition_id: int, membership_id: int, commitment_id: int):
    """Remove one commitment, at the version shown; the member's page then offers the undo."""
    access = require_workspace(request, coalition_id)
    membership = _membership(access, membership_id)
    commitment = get_object_or_404(membership.commitments, pk=commitment_id)
    page = reverse(
        "workflow-membership",
        kwargs={"coalition_id": access.coalition.pk, "membership_id": membership.pk},
    )
    if request.method != "POST":
        return redirect(page)
    done = attempt(
        request,
        lambda: commitment_delete(
            commitment=commitment,
            expected_version=request.POST.get("version"),
            deleted_by=request.user,
        ),
    )
    if not done.refused:
        what = f"{commitment.amount.normalize():f} {commitment.get_kind_display().lower()}"
        undo.offer(
            request,
            page=COMMITMENT_UNDO_PAGE,
            coalition_id=access.coalition.pk,
            summary=f"The commitment of {what} was removed.",
            record={
                "membership": membership.pk,
                "commitment": commitment_id,
                "history_id": done.result,
                "what": what,
            },
        )
        messages.success(request, f"The commitment of {what} was removed.")
    return redirect(page)


@login_required
def commitment_undo(request, coalition_id: int, membership_id: int):
    """Undo this person's last removal of a commitment of this member."""
    access = require_workspace(request, coalition_id)
    membership = _membership(access, membership_id)
    page = reverse(
        "workflow-membership",
        kwargs={"coalition_id": access.coalition.pk, "membership_id": membership.pk},
    )
    if request.method != "POST":
        return redirect(page)
    pending = undo.posted(request, page=COMMITMENT_UNDO_PAGE, coalition_id=access.coalition.pk)
    if pending is None or pending["membership"] != membership.pk:
        messages.error(request, "There is no removal to undo (it was undone already).")
        return redirect(page)
    done = attempt(
        request,
        lambda: commitment_restore(
            access=access,
            commitment_id=pending["commitment"],
            history_id=pending["history_id"],
        ),
    )
    undo.clear(request, page=COMMITMENT_UNDO_PAGE, coalition_id=access.coalition.pk)
    if not done.refused:
        messages.success(request, f"The commitment of {pending['what']} is back.")
    return redirect(page)
