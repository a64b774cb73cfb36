"""Writes about actors that span several models: deleting an actor with everything that hangs
on it, and restoring it from history."""

import uuid

from django.apps import apps
from django.db import transaction
from django.db.models import Q
from django.http import Http404

from allies.models import Actor
from weft.errors import ApplicationError
from weft.history import restore_row


def _dependents(actor_id: int) -> list[tuple[str, Q]]:
    """What goes with an actor when it is deleted, and comes back when it is restored: every
    row with history that points at it, its place on the map included (rows without history
    cascade and are not restorable: interaction participations, group seats)."""
    return [
        ("networks.Tie", Q(source_id=actor_id) | Q(target_id=actor_id)),
        ("networks.ActorPosition", Q(actor_id=actor_id)),
        ("allies.ContactDetail", Q(actor_id=actor_id)),
        ("allies.AllyAssessment", Q(actor_id=actor_id)),
        ("allies.EngagementPlan", Q(actor_id=actor_id)),
        ("allies.Affiliation", Q(person_id=actor_id) | Q(organisation_id=actor_id)),
        ("coalitions.Membership", Q(organisation_id=actor_id)),
    ]


@transaction.atomic
def actor_delete(*, actor: Actor, user) -> None:
    """Delete an actor and its ties (and its other dependents) in one transaction, each
    deletion recorded in history under one batch mark, so the whole can be restored."""
    batch = f"deleted with actor {actor.pk} ({uuid.uuid4().hex[:12]})"
    for label, condition in _dependents(actor.pk):
        for row in apps.get_model(label).objects.filter(condition):
            row._history_user = user
            row._change_reason = batch
            row.delete()
    actor._history_user = user
    actor._change_reason = batch
    actor.delete()


@transaction.atomic
def actor_restore(*, access, actor_id: int, history_id: int, user) -> Actor:
    """Bring an actor back to the state a history record holds. Restoring its deletion
    record undeletes it, with the ties and other rows deleted with it (a tie whose other end
    is gone since stays deleted)."""
    try:
        record = Actor.history.get(
            history_id=history_id, id=actor_id, coalition_id=access.coalition.pk
        )
    except Actor.history.model.DoesNotExist:
        raise Http404("No such version of this actor.") from None
    if record.is_sensitive and not access.sees_sensitive:
        raise Http404("No such version of this actor.")
    restored, recreated = restore_row(
        record, user=user, reason=f"restored from history {history_id}"
    )
    if recreated and record.history_type == "-" and record.history_change_reason:
        _restore_batch(record.history_change_reason, user)
    return restored


def _restore_batch(batch: str, user) -> None:
    for label, _ in _dependents(0):
        model = apps.get_model(label)
        for record in model.history.filter(history_type="-", history_change_reason=batch):
            if label == "networks.Tie":
                ends = {record.source_id, record.target_id}
                if Actor.objects.filter(pk__in=ends).count() != 2:
                    continue  # the other end was deleted since
            if model.objects.filter(pk=record.id).exists():
                raise ApplicationError(
                    f"Cannot restore {model._meta.verbose_name} {record.id}: it exists again.",
                    status=409,
                    code="conflict",
                )
            restore_row(record, user=user, reason=f"restored with actor ({batch})")
