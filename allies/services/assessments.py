"""Ally assessments: where an actor stands. Never changed: each new assessment is a new row,
which is what lets a map show who moved, and when."""

import datetime

from django.db import transaction

from allies.models import Actor, AllyAssessment
from coalitions.roles import Access, Permission
from coalitions.services import metrics_request_after_edit
from weft.services import save_as
from weft.validation import require_actor_of


@transaction.atomic
def assessment_add(
    *,
    access: Access,
    actor: Actor,
    stance: str,
    ally_kind: str,
    influence: int,
    proximity: int,
    commitment: int,
    assessed_on: datetime.date,
    note: str = "",
) -> AllyAssessment:
    """A new assessment of an actor (organizers, weavers, stewards; members do not assess,
    their own organisation included)."""
    access.require(Permission.MAP_EDIT_ALL)
    require_actor_of(access.coalition, actor, field="actor")
    assessment = AllyAssessment(
        actor=actor,
        stance=stance,
        ally_kind=ally_kind,
        influence=influence,
        proximity=proximity,
        commitment=commitment,
        assessed_on=assessed_on,
        assessed_by=access.user,
        note=note,
    )
    save_as(assessment, user=access.user)
    metrics_request_after_edit(coalition_id=access.coalition.pk)
    return assessment
