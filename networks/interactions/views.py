"""Pages to log an interaction, list an actor's or a pair's, and edit or delete one (with
undo) (organizers, weavers and stewards: the roles that edit the whole map)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from coalitions import roles
from coalitions.roles import Permission
from networks.interactions.forms import InteractionForm
from networks.interactions.selectors import (
    interaction_for,
    interactions_between,
    interactions_of,
    participant_choices,
)
from networks.services import (
    interaction_create,
    interaction_delete,
    interaction_restore,
    interaction_update,
)
from weft import undo
from weft.pages import attempt

# The last interaction this person deleted in a coalition, kept in their session behind a
# one-time token (weft/undo.py) until it is undone or replaced: its participants have no
# history, so their ids are in the record.
UNDO_PAGE = "interactions"


def _back(request, fallback: str) -> str:
    """Where the form came from (the map, an actor's list, the Connect page): a local path."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _render(request, access, form, *, interaction=None, status=200):
    context = {
        "access": access,
        "coalition": access.coalition,
        "form": form,
        "interaction": interaction,
        "next": request.POST.get("next") or request.GET.get("next") or "",
    }
    return render(request, "networks/interactions/form.html", context, status=status)


@login_required
def interaction_new(request, coalition_id: int):
    """Log an interaction; ``?actor=`` (and ``&with=``) choose its first participants."""
    access = roles.require(request.user, coalition_id, Permission.MAP_EDIT_ALL)
    actors = participant_choices(access)
    initial = {"occurred_on": timezone.localdate(), "kind": "one_to_one"}
    chosen = [v for v in (request.GET.get("actor"), request.GET.get("with")) if v and v.isdigit()]
    if chosen:
        initial["participants"] = list(actors.filter(pk__in=chosen))
    form = InteractionForm(request.POST or None, initial=initial, actors=actors)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version", None)
        done = attempt(
            request,
            lambda: interaction_create(
                access=access,
                kind=data["kind"],
                occurred_on=data["occurred_on"],
                participants=list(data["participants"]),
                summary=data["summary"],
                follow_up=data["follow_up"],
                follow_up_on=data["follow_up_on"],
            ),
            form=form,
        )
        if not done.refused:
            messages.success(
                request,
                "Interaction logged: the relationship's evidence changes at the next metric run.",
            )
            first = done.result.participations.order_by("actor__name").first()
            fallback = (
                f"/coalitions/{access.coalition.pk}/actors/{first.actor_id}/interactions/"
                if first
                else f"/coalitions/{access.coalition.pk}/map/"
            )
            return redirect(_back(request, fallback))
    status = 400 if request.method == "POST" else 200
    return _render(request, access, form, status=status)


@login_required
def interaction_edit(request, coalition_id: int, pk: int):
    """Change or delete an interaction, at the version the form was opened on."""
    access = roles.require(request.user, coalition_id, Permission.MAP_EDIT_ALL)
    interaction = interaction_for(access, pk)
    if interaction is None:
        raise Http404("No such interaction.")
    actors = participant_choices(access)
    visible = [p.actor for p in interaction.participations.all()]
    initial = {
        "kind": interaction.kind,
        "occurred_on": interaction.occurred_on,
        "participants": visible,
        "summary": interaction.summary,
        "follow_up": interaction.follow_up,
        "follow_up_on": interaction.follow_up_on,
        "version": interaction.version,
    }
    fallback = f"/coalitions/{access.coalition.pk}/map/"
    if visible:
        fallback = f"/coalitions/{access.coalition.pk}/actors/{visible[0].pk}/interactions/"
    if request.method == "POST" and request.POST.get("action") == "delete":
        done = attempt(
            request,
            lambda: interaction_delete(
                access=access,
                interaction=interaction,
                expected_version=request.POST.get("version"),
            ),
        )
        if not done.refused:
            deletion = done.result
            undo.offer(
                request,
                page=UNDO_PAGE,
                coalition_id=access.coalition.pk,
                summary=f"The interaction of {interaction.occurred_on.isoformat()} is deleted.",
                record={
                    "interaction_id": deletion.interaction_id,
                    "history_id": deletion.history_id,
                    "participant_ids": deletion.participant_ids,
                    "occurred_on": interaction.occurred_on.isoformat(),
                    "next": _back(request, fallback),
                },
            )
            return redirect("interaction-deleted", coalition_id=access.coalition.pk)
        form = InteractionForm(initial=initial, actors=actors)
        return _render(request, access, form, interaction=interaction, status=done.status)
    form = InteractionForm(request.POST or None, initial=initial, actors=actors)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        # Participants the role may not see stay: the form could not show them.
        hidden = list(
            interaction.participants.exclude(pk__in=[a.pk for a in visible]).exclude(
                pk__in=actors.values("pk")
            )
        )
        done = attempt(
            request,
            lambda: interaction_update(
                access=access,
                interaction=interaction,
                expected_version=version,
                kind=data["kind"],
                occurred_on=data["occurred_on"],
                summary=data["summary"],
                follow_up=data["follow_up"],
                follow_up_on=data["follow_up_on"],
                participants=[*data["participants"], *hidden],
            ),
            form=form,
        )
        if not done.refused:
            messages.success(
                request,
                "Interaction saved: the relationship's evidence changes at the next metric run.",
            )
            return redirect(_back(request, fallback))
        return _render(request, access, form, interaction=interaction, status=done.status)
    status = 400 if request.method == "POST" else 200
    return _render(request, access, form, interaction=interaction, status=status)


@login_required
def actor_interactions(request, coalition_id: int, actor_id: int):
    """The interactions an actor took part in, each with its edit link."""
    access = roles.require(request.user, coalition_id, Permission.MAP_EDIT_ALL)
    actor = get_object_or_404(participant_choices(access), pk=actor_id)
    context = {
        "access": access,
        "coalition": access.coalition,
        "actor": actor,
        "interactions": interactions_of(access, actor),
    }
    return render(request, "networks/interactions/list.html", context)


@login_required
def interaction_deleted(request, coalition_id: int):
    """Where a deletion lands: what was deleted, its undo, and the way back."""
    access = roles.require(request.user, coalition_id, Permission.MAP_EDIT_ALL)
    pending = undo.pending(request, page=UNDO_PAGE, coalition_id=access.coalition.pk)
    context = {"access": access, "coalition": access.coalition, "pending": pending}
    return render(request, "networks/interactions/deleted.html", context)


@login_required
@require_POST
def interaction_undo_delete(request, coalition_id: int):
    access = roles.require(request.user, coalition_id, Permission.MAP_EDIT_ALL)
    pending = undo.posted(request, page=UNDO_PAGE, coalition_id=access.coalition.pk)
    if pending is None:
        messages.error(request, "There is no deleted interaction to bring back (undone already?).")
        return redirect("coalition-map", coalition_id=access.coalition.pk)
    done = attempt(
        request,
        lambda: interaction_restore(
            access=access,
            interaction_id=pending["interaction_id"],
            history_id=pending["history_id"],
            participant_ids=pending["participant_ids"],
        ),
    )
    if done.refused:
        return redirect("interaction-deleted", coalition_id=access.coalition.pk)
    undo.clear(request, page=UNDO_PAGE, coalition_id=access.coalition.pk)
    messages.success(
        request, f"Deletion undone: the interaction of {pending['occurred_on']} is back."
    )
    return redirect(pending["next"])


@login_required
def pair_interactions(request, coalition_id: int, actor_id: int, other_id: int):
    """The interactions two actors both took part in (from a tie's panel or an actor's)."""
    access = roles.require(request.user, coalition_id, Permission.MAP_EDIT_ALL)
    actors = participant_choices(access)
    actor = get_object_or_404(actors, pk=actor_id)
    other = get_object_or_404(actors, pk=other_id)
    context = {
        "access": access,
        "coalition": access.coalition,
        "actor": actor,
        "other": other,
        "interactions": interactions_between(access, actor, other),
        "log_url": reverse("interaction-new", args=[access.coalition.pk])
        + f"?actor={actor.pk}&with={other.pk}",
    }
    return render(request, "networks/interactions/pair.html", context)
