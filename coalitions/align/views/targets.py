"""The targets page (the decision-makers the coalition means to move) and a target's page
(its pillars of support and how close each actor stands to each pillar). Organizers, weavers
and stewards edit them, as they edit the map; members read them; funders never see them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from allies.models import Actor
from coalitions import roles
from coalitions.align.forms import PillarForm, ProximityForm, TargetForm
from coalitions.align.models import Pillar, PillarProximity
from coalitions.align.selectors import pillars_of, proximity_changes, target_for, targets_of
from coalitions.align.services.targets import (
    pillar_create,
    pillar_delete,
    pillar_restore,
    pillar_update,
    proximity_delete,
    proximity_record,
    proximity_restore,
    proximity_update,
    target_create,
    target_delete,
    target_restore,
    target_update,
)
from coalitions.roles import Permission
from weft import undo
from weft.pages import attempt

# What the last delete on these pages can undo, in the session of who deleted it, behind a
# one-time token (weft/undo.py): {"kind", "history_id", "back"}.
UNDO_PAGE = "targets"
RESTORE = {"target": target_restore, "pillar": pillar_restore, "proximity": proximity_restore}


def _access(request, coalition_id: int):
    """Readers: the roles that see the map; on a POST, the roles that edit all of it."""
    access = roles.require(request.user, coalition_id, Permission.MAP_VIEW)
    if request.method == "POST":
        access.require(Permission.MAP_EDIT_ALL)
    return access


def _actors(access) -> dict:
    """The actors the role may choose, read once per page: id → actor."""
    actors = (
        Actor.objects.filter(coalition=access.coalition)
        .visible(include_sensitive=access.sees_sensitive)
        .only("id", "name", "coalition_id", "is_sensitive")
        .order_by("name", "id")
    )
    return {actor.pk: actor for actor in actors}


def _pending_undo(request, access) -> dict | None:
    return undo.pending(request, page=UNDO_PAGE, coalition_id=access.coalition.pk)


@login_required
def targets(request, coalition_id: int):
    """The coalition's targets; editors add one here."""
    access = _access(request, coalition_id)
    can_edit = access.can(Permission.MAP_EDIT_ALL)
    form = TargetForm(request.POST or None, actors=_actors(access)) if can_edit else None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            done = attempt(
                request,
                lambda: target_create(
                    coalition=access.coalition,
                    actor=data["actor"],
                    demand=data["demand"],
                    is_primary=data["is_primary"],
                    created_by=request.user,
                ),
                form=form,
            )
            if not done.refused:
                messages.success(request, f"{data['actor'].name} added as a target.")
                return redirect(
                    "workflow-target", coalition_id=access.coalition.pk, target_id=done.result.pk
                )
            status = done.status
    context = {
        "access": access,
        "coalition": access.coalition,
        "targets": targets_of(access),
        "form": form,
        "can_edit": can_edit,
        "undo": _pending_undo(request, access) if can_edit else None,
    }
    return render(request, "coalitions/workflow/targets.html", context, status=status)


def _pillar_or_404(target, pk) -> Pillar:
    pillar = Pillar.objects.filter(target=target, pk=pk).first()
    if pillar is None:
        raise Http404("No such pillar.")
    return pillar


def _proximity_or_404(access, target, pk) -> PillarProximity:
    row = (
        PillarProximity.objects.filter(pillar__target=target, pk=pk)
        .select_related("actor", "pillar")
        .first()
    )
    if row is None or (row.actor.is_sensitive and not access.sees_sensitive):
        raise Http404("No such proximity.")
    return row


@login_required
def target_detail(request, coalition_id: int, target_id: int):
    """A target: its demand, its pillars of support and the proximities recorded to each.
    Every form posts here with an ``action``; an invalid one is shown again, in place, with
    its errors next to the fields, and nothing is saved."""
    access = _access(request, coalition_id)
    target = target_for(access, target_id)
    if target is None:
        raise Http404("No such target.")
    can_edit = access.can(Permission.MAP_EDIT_ALL)
    here = reverse("workflow-target", args=[access.coalition.pk, target.pk])
    actors = _actors(access) if can_edit else {}
    bound = {}  # the form posted, by its prefix, shown again with its errors
    status = 200
    if request.method == "POST":
        writes = _Writes(request, access, target, actors, bound, here)
        outcome = writes.run(request.POST.get("action", ""))
        if outcome is not None:
            return outcome
        status = max((f.status for f in bound.values() if hasattr(f, "status")), default=400)
        # Re-read after a refusal: the forms show the rows as they now are.
        target = target_for(access, target_id)
        if target is None:
            raise Http404("No such target.")
    pillars = pillars_of(access, target)
    changes = proximity_changes([p for pillar in pillars for p in pillar.proximities.all()])
    forms = _page_forms(target, pillars, actors, bound) if can_edit else {}
    for pillar in pillars:
        for row in pillar.proximities.all():
            row.moves = changes.get(row.pk, [])[1:]  # the values before the current one
    context = {
        "access": access,
        "coalition": access.coalition,
        "target": target,
        "pillars": pillars,
        "forms": forms,
        "can_edit": can_edit,
        "undo": _pending_undo(request, access) if can_edit else None,
    }
    return render(request, "coalitions/workflow/target.html", context, status=status)


def _page_forms(target, pillars, actors, bound) -> dict:
    """The forms of a target's page for an editor, each the posted one when it failed."""
    forms = {
        "target": bound.get("target")
        or TargetForm(
            prefix="target",
            initial={
                "demand": target.demand,
                "is_primary": target.is_primary,
                "version": target.version,
            },
        ),
        "new_pillar": bound.get("new-pillar")
        or PillarForm(prefix="new-pillar", actors=actors, initial={"sector": "other"}),
    }
    for pillar in pillars:
        key = f"pillar-{pillar.pk}"
        pillar.form = bound.get(key) or PillarForm(
            prefix=key,
            actors=actors,
            initial={
                "name": pillar.name,
                "actor": pillar.actor_id,
                "sector": pillar.sector,
                "note": pillar.note,
                "version": pillar.version,
            },
        )
        key = f"new-proximity-{pillar.pk}"
        pillar.new_proximity = bound.get(key) or ProximityForm(
            prefix=key, actors=actors, initial={"proximity": 3}
        )
        for row in pillar.proximities.all():
            key = f"proximity-{row.pk}"
            row.form = bound.get(key) or ProximityForm(
                prefix=key,
                initial={"proximity": row.proximity, "note": row.note, "version": row.version},
            )
    return forms


class _Writes:
    """The writes of a target's page, one method per ``action``: each returns a redirect
    when done, else None with the form that failed in ``bound``."""

    def __init__(self, request, access, target, actors, bound, here):
        self.request, self.access, self.target = request, access, target
        self.actors, self.bound, self.here = actors, bound, here
        self.post, self.user = request.POST, request.user

    def run(self, action: str):
        write = getattr(self, action.replace("-", "_"), None) if action in ACTIONS else None
        if write is None:
            raise PermissionDenied("Unknown action.")
        return write()

    def _done_or_keep(self, key, form, write, success):
        if not form.is_valid():
            self.bound[key] = form
            return None
        result = attempt(self.request, lambda: write(form.cleaned_data), form=form)
        if result.refused:
            form.status = result.status
            self.bound[key] = form
            return None
        messages.success(self.request, success)
        return redirect(self.here)

    def _delete(self, write, summary, kind, back):
        """A delete posts only the row's version; a refusal (stale) is a message on the
        page, which then shows the row as it now is."""
        result = attempt(self.request, write)
        if result.refused:
            return redirect(self.here)
        undo.offer(
            self.request,
            page=UNDO_PAGE,
            coalition_id=self.access.coalition.pk,
            summary=summary,
            record={"kind": kind, "history_id": result.result, "back": back},
        )
        messages.success(self.request, summary)
        return redirect(back)

    def target_update(self):
        return self._done_or_keep(
            "target",
            TargetForm(self.post, prefix="target"),
            lambda d: target_update(
                target=self.target,
                expected_version=d["version"],
                updated_by=self.user,
                demand=d["demand"],
                is_primary=d["is_primary"],
            ),
            "Target saved.",
        )

    def target_delete(self):
        target = self.target
        return self._delete(
            lambda: target_delete(
                target=target,
                expected_version=self.post.get("target-version"),
                deleted_by=self.user,
            ),
            f"Target {target.actor.name} deleted, with its pillars.",
            "target",
            reverse("workflow-targets", args=[self.access.coalition.pk]),
        )

    def pillar_create(self):
        return self._done_or_keep(
            "new-pillar",
            PillarForm(self.post, prefix="new-pillar", actors=self.actors),
            lambda d: pillar_create(
                target=self.target,
                name=d["name"],
                actor=d["actor"],
                sector=d["sector"],
                note=d["note"],
                created_by=self.user,
            ),
            "Pillar added.",
        )

    def pillar_update(self):
        pillar = _pillar_or_404(self.target, self.post.get("pillar"))
        key = f"pillar-{pillar.pk}"
        return self._done_or_keep(
            key,
            PillarForm(self.post, prefix=key, actors=self.actors),
            lambda d: pillar_update(
                pillar=pillar,
                expected_version=d["version"],
                updated_by=self.user,
                name=d["name"] or (d["actor"].name if d["actor"] else ""),
                actor=d["actor"],
                sector=d["sector"],
                note=d["note"],
            ),
            f"Pillar {pillar.name} saved.",
        )

    def pillar_delete(self):
        pillar = _pillar_or_404(self.target, self.post.get("pillar"))
        return self._delete(
            lambda: pillar_delete(
                pillar=pillar,
                expected_version=self.post.get(f"pillar-{pillar.pk}-version"),
                deleted_by=self.user,
            ),
            f"Pillar {pillar.name} deleted, with the proximities recorded to it.",
            "pillar",
            self.here,
        )

    def proximity_record(self):
        pillar = _pillar_or_404(self.target, self.post.get("pillar"))
        key = f"new-proximity-{pillar.pk}"
        return self._done_or_keep(
            key,
            ProximityForm(self.post, prefix=key, actors=self.actors),
            lambda d: proximity_record(
                pillar=pillar,
                actor=d["actor"],
                proximity=d["proximity"],
                note=d["note"],
                recorded_by=self.user,
            ),
            f"Proximity to {pillar.name} recorded.",
        )

    def proximity_update(self):
        row = _proximity_or_404(self.access, self.target, self.post.get("proximity_id"))
        key = f"proximity-{row.pk}"
        return self._done_or_keep(
            key,
            ProximityForm(self.post, prefix=key),
            lambda d: proximity_update(
                pillar_proximity=row,
                expected_version=d["version"],
                updated_by=self.user,
                proximity=d["proximity"],
                note=d["note"],
            ),
            f"{row.actor.name}'s proximity to {row.pillar.name} saved.",
        )

    def proximity_delete(self):
        row = _proximity_or_404(self.access, self.target, self.post.get("proximity_id"))
        return self._delete(
            lambda: proximity_delete(
                pillar_proximity=row,
                expected_version=self.post.get(f"proximity-{row.pk}-version"),
                deleted_by=self.user,
            ),
            f"{row.actor.name}'s proximity to {row.pillar.name} deleted.",
            "proximity",
            self.here,
        )


ACTIONS = {
    "target-update",
    "target-delete",
    "pillar-create",
    "pillar-update",
    "pillar-delete",
    "proximity-record",
    "proximity-update",
    "proximity-delete",
}


@login_required
@require_POST
def targets_undo(request, coalition_id: int):
    """Undo the last delete made on these pages (kept in the session of who made it)."""
    access = _access(request, coalition_id)
    pending = undo.posted(request, page=UNDO_PAGE, coalition_id=access.coalition.pk)
    fallback = reverse("workflow-targets", args=[access.coalition.pk])
    if pending is None:
        messages.error(request, "Nothing to undo: it was undone already, or replaced.")
        return redirect(fallback)
    restore = RESTORE[pending["kind"]]
    done = attempt(
        request,
        lambda: restore(
            coalition=access.coalition, history_id=pending["history_id"], restored_by=request.user
        ),
    )
    undo.clear(request, page=UNDO_PAGE, coalition_id=access.coalition.pk)
    if done.refused:
        return redirect(pending.get("back") or fallback)
    messages.success(request, "Undone.")
    if pending["kind"] == "target":
        return redirect(
            "workflow-target", coalition_id=access.coalition.pk, target_id=done.result.pk
        )
    return redirect(pending.get("back") or fallback)
