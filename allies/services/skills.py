"""The coalition's list of skills, and people's levels in them over time (skill levels are
history, like assessments: added, never changed)."""

import datetime
import uuid

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import Http404

from allies.models import Actor, Skill, SkillLevel
from coalitions.roles import Access, Permission
from coalitions.services import metrics_request_after_edit
from weft.errors import ApplicationError
from weft.history import restore_row
from weft.services import apply_changes, delete_as, save_as
from weft.validation import require_actor_of, require_text
from weft.versions import StaleVersion
from weft.vocabulary import ActorKind


def _checked_name(access: Access, name: str, *, skill: Skill | None = None) -> str:
    name = require_text(name, field="name", what="The skill's name")
    # Case-blind: "Facilitation" and "facilitation" are one skill to the people using it.
    named = Skill.objects.filter(coalition=access.coalition, name__iexact=name)
    if skill is not None:
        named = named.exclude(pk=skill.pk)
    if named.exists():
        raise ApplicationError("the coalition already has a skill of this name.", field="name")
    return name


@transaction.atomic
def skill_create(*, access: Access, name: str, description: str = "") -> Skill:
    access.require(Permission.MAP_EDIT_ALL)
    skill = Skill(coalition=access.coalition, name=_checked_name(access, name))
    skill.description = description
    return save_as(skill, user=access.user)


def latest_change_id(skill: Skill) -> int | None:
    """The id of the skill's latest history record: what a form carries to say which state of
    the skill it was opened on (skills keep no version number; their history stands in)."""
    return skill.history.order_by("-history_id").values_list("history_id", flat=True).first()


@transaction.atomic
def skill_update(
    *, access: Access, skill: Skill, seen_change_id: int | None = None, **changes
) -> Skill:
    """Rename or redescribe a skill. Skills keep no version: through the API the last change
    wins (history keeps every one); a page passes ``seen_change_id``, the latest history
    record it showed, and a change made on an older state is refused naming who changed it."""
    access.require(Permission.MAP_EDIT_ALL)
    skill = Skill.objects.select_for_update().get(pk=skill.pk)
    if seen_change_id is not None and latest_change_id(skill) != seen_change_id:
        raise _stale(skill)
    if "name" in changes:
        changes["name"] = _checked_name(access, changes["name"], skill=skill)
    return apply_changes(skill, changes, user=access.user)


def _stale(skill: Skill) -> ApplicationError:
    stale = StaleVersion(skill, what=f"The skill “{skill.name}”")
    fields = " and ".join(stale.change.get("changed_fields") or [])
    message = stale.message
    if fields:
        message = message.replace(" since you opened it", f" ({fields}) since you opened it")
    # A plain refusal: the skill has no version number for the API's 412 body to carry.
    return ApplicationError(message, field="version", status=412, code="stale_version")


# A skill's deletion takes every person's levels in it (they cascade): each is deleted here,
# under one batch mark in history, so that skill_restore brings the skill back with them.
BATCH_PREFIX = "deleted with skill"


@transaction.atomic
def skill_delete(*, access: Access, skill: Skill) -> int:
    """Delete a skill and every level recorded in it; returns how many levels went with it."""
    access.require(Permission.MAP_EDIT_ALL)
    skill = Skill.objects.select_for_update().get(pk=skill.pk)
    batch = f"{BATCH_PREFIX} {skill.pk} ({uuid.uuid4().hex[:12]})"
    levels = list(SkillLevel.objects.filter(skill=skill))
    for level in levels:
        delete_as(level, user=access.user, reason=batch)
    delete_as(skill, user=access.user, reason=batch)
    if levels:
        metrics_request_after_edit(coalition_id=access.coalition.pk)
    return len(levels)


@transaction.atomic
def skill_restore(*, access: Access, skill_id: int, history_id: int) -> Skill:
    """Undo a deletion: the skill as it was deleted, with every level deleted with it (a level
    whose person was deleted since stays deleted)."""
    access.require(Permission.MAP_EDIT_ALL)
    record = Skill.history.filter(
        history_id=history_id, id=skill_id, history_type="-", coalition_id=access.coalition.pk
    ).first()
    if record is None:
        raise Http404("No such deleted skill.")
    if Skill.objects.filter(pk=skill_id).exists():
        raise ApplicationError("This skill is back already.", status=409, code="conflict")
    if Skill.objects.filter(coalition=access.coalition, name__iexact=record.name).exists():
        raise ApplicationError(
            f"A skill named “{record.name}” was added since; rename or delete it, then undo.",
            field="name",
            status=409,
            code="conflict",
        )
    skill, _ = restore_row(record, user=access.user, reason="deletion undone")
    batch = record.history_change_reason or ""
    restored = 0
    if batch.startswith(BATCH_PREFIX):
        deleted = list(
            SkillLevel.history.filter(
                history_type="-", history_change_reason=batch, skill_id=skill_id
            ).order_by("history_id")
        )
        present = set(
            Actor.objects.filter(
                pk__in=[level.actor_id for level in deleted], coalition=access.coalition
            ).values_list("pk", flat=True)
        )
        recorders = set(
            get_user_model()
            .objects.filter(pk__in=[level.recorded_by_id for level in deleted])
            .values_list("pk", flat=True)
        )
        for level in deleted:
            if level.recorded_by_id not in recorders:
                level.recorded_by_id = None  # the account is gone since (SET_NULL, as then)
            if level.actor_id in present and not SkillLevel.objects.filter(pk=level.id).exists():
                restore_row(level, user=access.user, reason=f"restored with skill ({batch})")
                # Saving anew stamps created_at with now; the level was recorded back then.
                SkillLevel.objects.filter(pk=level.id).update(created_at=level.created_at)
                restored += 1
    if restored:
        metrics_request_after_edit(coalition_id=access.coalition.pk)
    return skill


@transaction.atomic
def skill_level_add(
    *,
    access: Access,
    actor: Actor,
    skill: Skill,
    level: int,
    assessed_on: datetime.date,
    note: str = "",
) -> SkillLevel:
    """One observation of a person's level in a skill (1 beginner … 5 can teach it)."""
    access.require(Permission.MAP_EDIT_ALL)
    require_actor_of(access.coalition, actor, field="actor")
    if actor.kind != ActorKind.PERSON:
        raise ApplicationError("must be a person: skills are people's.", field="actor")
    if skill.coalition_id != access.coalition.pk:
        raise ApplicationError("Choose a skill of this coalition.", field="skill")
    observation = SkillLevel(
        actor=actor,
        skill=skill,
        level=level,
        assessed_on=assessed_on,
        note=note,
        recorded_by=access.user,
    )
    save_as(observation, user=access.user)
    metrics_request_after_edit(coalition_id=access.coalition.pk)
    return observation


@transaction.atomic
def skill_level_record(
    *,
    access: Access,
    actor: Actor,
    skill_name: str,
    level: int,
    assessed_on: datetime.date,
    note: str = "",
) -> SkillLevel:
    """A person's level in a skill named as people type it (the actor's page): the
    coalition's skill of that name (case-blind), created when it has none. One transaction:
    a refused level leaves no new skill behind."""
    access.require(Permission.MAP_EDIT_ALL)
    name = require_text(skill_name, field="skill", what="The skill's name")[:120]
    skill = Skill.objects.filter(coalition=access.coalition, name__iexact=name).first()
    if skill is None:
        skill = skill_create(access=access, name=name)
    return skill_level_add(
        access=access, actor=actor, skill=skill, level=level, assessed_on=assessed_on, note=note
    )
