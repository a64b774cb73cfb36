"""Targets: the decision-makers the coalition means to move, what it demands of them, the
pillars of support that hold each one up, and how close each actor stands to a pillar.

Every delete records its rows in history under one batch mark (the target or pillar and what
went with it), and the matching restore brings the batch back: the pages' "Undo"."""

import uuid

from django.db import transaction
from django.http import Http404

from allies.models import Actor
from coalitions.align.models import Pillar, PillarProximity, Target
from coalitions.models import Coalition
from weft.errors import ApplicationError
from weft.history import restore_row
from weft.services import apply_changes, delete_as, locked_at, save_as
from weft.validation import require_actor_of, require_text
from weft.vocabulary import PillarSector

PROXIMITY_RANGE = (1, 5)


def _require_not_targeted(actor: Actor, *, target: Target | None = None) -> None:
    others = Target.objects.filter(actor=actor)
    if target is not None:
        others = others.exclude(pk=target.pk)
    if others.exists():
        raise ApplicationError("is already a target of this coalition.", field="actor")


@transaction.atomic
def target_create(
    *, coalition: Coalition, actor: Actor, created_by, demand: str = "", is_primary: bool = False
) -> Target:
    require_actor_of(coalition, actor, field="actor")
    _require_not_targeted(actor)
    target = Target(coalition=coalition, actor=actor, demand=demand, is_primary=is_primary)
    return save_as(target, user=created_by)


@transaction.atomic
def target_update(*, target: Target, expected_version, updated_by, **changes) -> Target:
    target = locked_at(target, expected_version, what="This target")
    if "actor" in changes:
        require_actor_of(target.coalition, changes["actor"], field="actor")
        _require_not_targeted(changes["actor"], target=target)
    return apply_changes(target, changes, user=updated_by)


@transaction.atomic
def target_delete(*, target: Target, expected_version, deleted_by) -> int:
    """Delete a target with its pillars and their proximities, one batch in history; returns
    the history id of the target's deletion, which ``target_restore`` takes."""
    target = locked_at(target, expected_version, what="This target")
    batch = f"deleted with target {target.pk} ({uuid.uuid4().hex[:12]})"
    pillars = list(Pillar.objects.filter(target=target))
    for proximity in PillarProximity.objects.filter(pillar__in=pillars):
        delete_as(proximity, user=deleted_by, reason=batch)
    for pillar in pillars:
        delete_as(pillar, user=deleted_by, reason=batch)
    target_id = target.pk
    delete_as(target, user=deleted_by, reason=batch)
    return _deletion_of(Target, target_id)


@transaction.atomic
def target_restore(*, coalition: Coalition, history_id, restored_by) -> Target:
    """Undo a target's deletion: the target, its pillars and their proximities come back
    (a proximity whose actor was deleted since stays deleted)."""
    record = _deleted_record(Target, history_id, coalition_id=coalition.pk)
    if Target.objects.filter(actor_id=record.actor_id).exists():
        raise ApplicationError(
            "Cannot undo: this actor is a target again since.", status=409, code="conflict"
        )
    target, _ = restore_row(record, user=restored_by, reason=f"undone ({history_id})")
    _restore_batch(record.history_change_reason, restored_by, models=(Pillar, PillarProximity))
    return target


# ---------------------------------------------------------------------------------------------
# Pillars of support
def _require_pillar_actor(target: Target, actor: Actor | None) -> None:
    if actor is None:
        return
    if actor.coalition_id != target.coalition_id:
        raise ApplicationError(
            "Actor: choose an actor of this coalition; this one belongs to another.",
            field="actor",
        )
    if actor.pk == target.actor_id:
        raise ApplicationError(
            "Actor: a target cannot be its own pillar of support.", field="actor"
        )


def _require_sector(sector: str) -> str:
    if sector not in PillarSector:
        raise ApplicationError("Sector: choose one from the list.", field="sector")
    return sector


def _require_name_free(target: Target, name: str, *, pillar: Pillar | None = None) -> None:
    others = Pillar.objects.filter(target=target, name__iexact=name)
    if pillar is not None:
        others = others.exclude(pk=pillar.pk)
    if others.exists():
        raise ApplicationError(f"{name} is already a pillar of this target.", field="name")


@transaction.atomic
def pillar_create(
    *,
    target: Target,
    created_by,
    name: str = "",
    actor: Actor | None = None,
    sector: str = PillarSector.OTHER,
    note: str = "",
) -> Pillar:
    """Add a pillar of support to a target: by name, or as an actor of the map (its name
    then is the actor's unless another is given)."""
    _require_pillar_actor(target, actor)
    if not (name or "").strip() and actor is not None:
        name = actor.name
    name = require_text(name, field="name", what="The pillar's name")
    _require_name_free(target, name)
    pillar = Pillar(
        target=target, name=name, actor=actor, sector=_require_sector(sector), note=note
    )
    return save_as(pillar, user=created_by)


@transaction.atomic
def pillar_update(*, pillar: Pillar, expected_version, updated_by, **changes) -> Pillar:
    pillar = locked_at(pillar, expected_version, what="This pillar")
    if "actor" in changes:
        _require_pillar_actor(pillar.target, changes["actor"])
    if "name" in changes:
        changes["name"] = require_text(changes["name"], field="name", what="The pillar's name")
        _require_name_free(pillar.target, changes["name"], pillar=pillar)
    if "sector" in changes:
        _require_sector(changes["sector"])
    return apply_changes(pillar, changes, user=updated_by)


@transaction.atomic
def pillar_delete(*, pillar: Pillar, expected_version, deleted_by) -> int:
    """Delete a pillar with the proximities recorded to it, one batch in history; returns the
    history id of the pillar's deletion, which ``pillar_restore`` takes."""
    pillar = locked_at(pillar, expected_version, what="This pillar")
    batch = f"deleted with pillar {pillar.pk} ({uuid.uuid4().hex[:12]})"
    for proximity in PillarProximity.objects.filter(pillar=pillar):
        delete_as(proximity, user=deleted_by, reason=batch)
    pillar_id = pillar.pk
    delete_as(pillar, user=deleted_by, reason=batch)
    return _deletion_of(Pillar, pillar_id)


@transaction.atomic
def pillar_restore(*, coalition: Coalition, history_id, restored_by) -> Pillar:
    """Undo a pillar's deletion, with the proximities deleted with it."""
    record = _deleted_record(Pillar, history_id, coalition_id=coalition.pk)
    if not Target.objects.filter(pk=record.target_id).exists():
        raise ApplicationError(
            "Cannot undo: the pillar's target was deleted since.", status=409, code="conflict"
        )
    if Pillar.objects.filter(target_id=record.target_id, name__iexact=record.name).exists():
        raise ApplicationError(
            f"Cannot undo: the target has a pillar named {record.name} again.",
            status=409,
            code="conflict",
        )
    if record.actor_id and not Actor.objects.filter(pk=record.actor_id).exists():
        record.actor_id = None  # its actor left the map since: the pillar comes back by name
    pillar, _ = restore_row(record, user=restored_by, reason=f"undone ({history_id})")
    _restore_batch(record.history_change_reason, restored_by, models=(PillarProximity,))
    return pillar


# ---------------------------------------------------------------------------------------------
# Proximities: how close an actor stands to a pillar
def _require_proximity(value) -> int:
    low, high = PROXIMITY_RANGE
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if number is None or not low <= number <= high:
        raise ApplicationError(
            f"Proximity: a number from {low} (far) to {high} (inside the pillar).",
            field="proximity",
        )
    return number


def _require_proximity_actor(pillar: Pillar, actor: Actor | None) -> None:
    if actor is None or actor.coalition_id != pillar.target.coalition_id:
        raise ApplicationError(
            "Actor: choose an actor of this coalition; this one belongs to another.",
            field="actor",
        )


@transaction.atomic
def proximity_record(
    *, pillar: Pillar, actor: Actor, proximity, recorded_by, note: str = ""
) -> PillarProximity:
    """Record how close ``actor`` stands to ``pillar``, 1–5. An actor has one proximity per
    pillar: a change is an edit (kept in its history), not a second row."""
    _require_proximity_actor(pillar, actor)
    proximity = _require_proximity(proximity)
    if PillarProximity.objects.filter(pillar=pillar, actor=actor).exists():
        raise ApplicationError(
            f"Actor: {actor.name}'s proximity to {pillar.name} is already recorded; "
            "change it instead.",
            field="actor",
        )
    row = PillarProximity(pillar=pillar, actor=actor, proximity=proximity, note=note)
    return save_as(row, user=recorded_by)


@transaction.atomic
def proximity_update(
    *, pillar_proximity: PillarProximity, expected_version, updated_by, **changes
) -> PillarProximity:
    proximity = locked_at(pillar_proximity, expected_version, what="This proximity")
    if "proximity" in changes:
        changes["proximity"] = _require_proximity(changes["proximity"])
    if "actor" in changes and changes["actor"].pk != proximity.actor_id:
        raise ApplicationError(
            "Actor: a recorded proximity stays with its actor; record one for the other actor.",
            field="actor",
        )
    changes.pop("actor", None)
    if "pillar" in changes and changes["pillar"].pk != proximity.pillar_id:
        raise ApplicationError(
            "Pillar: a recorded proximity stays with its pillar.", field="pillar"
        )
    changes.pop("pillar", None)
    return apply_changes(proximity, changes, user=updated_by)


@transaction.atomic
def proximity_delete(*, pillar_proximity: PillarProximity, expected_version, deleted_by) -> int:
    proximity = locked_at(pillar_proximity, expected_version, what="This proximity")
    proximity_id = proximity.pk
    delete_as(proximity, user=deleted_by, reason=f"deleted ({uuid.uuid4().hex[:12]})")
    return _deletion_of(PillarProximity, proximity_id)


@transaction.atomic
def proximity_restore(*, coalition: Coalition, history_id, restored_by) -> PillarProximity:
    record = _deleted_record(PillarProximity, history_id, coalition_id=coalition.pk)
    if not Pillar.objects.filter(pk=record.pillar_id).exists():
        raise ApplicationError(
            "Cannot undo: the pillar was deleted since.", status=409, code="conflict"
        )
    if not Actor.objects.filter(pk=record.actor_id).exists():
        raise ApplicationError(
            "Cannot undo: the actor was deleted since.", status=409, code="conflict"
        )
    if PillarProximity.objects.filter(pillar_id=record.pillar_id, actor_id=record.actor_id):
        raise ApplicationError(
            "Cannot undo: a proximity of this actor to this pillar was recorded since.",
            status=409,
            code="conflict",
        )
    row, _ = restore_row(record, user=restored_by, reason=f"undone ({history_id})")
    return row


# ---------------------------------------------------------------------------------------------
# Deletions and their undo
def _deletion_of(model, row_id: int) -> int:
    return (
        model.history.filter(id=row_id, history_type="-")
        .order_by("-history_id")
        .values_list("history_id", flat=True)
        .first()
    )


def _coalition_of(model, record) -> int | None:
    if model is Target:
        return record.coalition_id
    if model is Pillar:
        target_id = record.target_id
    else:
        pillar = Pillar.history.filter(id=record.pillar_id).order_by("-history_id").first()
        target_id = pillar.target_id if pillar else None
    target = Target.history.filter(id=target_id).order_by("-history_id").first()
    return target.coalition_id if target else None


def _deleted_record(model, history_id, *, coalition_id: int):
    """The deletion record ``history_id`` of ``model`` in this coalition, if its row is still
    gone; a record of another coalition is as if it did not exist."""
    try:
        record = model.history.get(history_id=int(history_id), history_type="-")
    except (TypeError, ValueError, model.history.model.DoesNotExist):
        raise Http404("Nothing to undo.") from None
    if _coalition_of(model, record) != coalition_id:
        raise Http404("Nothing to undo.")
    if model.objects.filter(pk=record.id).exists():
        raise ApplicationError("Already undone.", status=409, code="conflict")
    return record


def _restore_batch(batch: str, user, *, models) -> None:
    """The rows deleted under ``batch`` mark, pillars before their proximities."""
    for model in models:
        for record in model.history.filter(history_type="-", history_change_reason=batch):
            if model.objects.filter(pk=record.id).exists():
                continue
            gone = not Actor.objects.filter(pk=record.actor_id).exists()
            if model is Pillar and record.actor_id and gone:
                record.actor_id = None
            if model is PillarProximity and gone:
                continue  # its actor was deleted since
            restore_row(record, user=user, reason=f"undone with ({batch})")
