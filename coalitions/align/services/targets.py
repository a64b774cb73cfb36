"""Targets: the decision-makers the coalition means to move, and what it demands of them."""

from django.db import transaction

from allies.models import Actor
from coalitions.align.models import Target
from coalitions.models import Coalition
from weft.errors import ApplicationError
from weft.services import apply_changes, delete_as, locked_at, save_as
from weft.validation import require_actor_of


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
def target_delete(*, target: Target, expected_version, deleted_by) -> None:
    target = locked_at(target, expected_version, what="This target")
    delete_as(target, user=deleted_by)
