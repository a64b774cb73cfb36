"""The coalition's list of skills, and people's levels in them over time (skill levels are
history, like assessments: added, never changed)."""

import datetime

from django.db import transaction

from allies.models import Actor, Skill, SkillLevel
from coalitions.roles import Access, Permission
from coalitions.services import metrics_request_after_edit
from weft.errors import ApplicationError
from weft.services import apply_changes, delete_as, save_as
from weft.validation import require_actor_of, require_text
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


@transaction.atomic
def skill_update(*, access: Access, skill: Skill, **changes) -> Skill:
    """Rename or redescribe a skill (skills keep no version: the last change wins, and
    history keeps every one)."""
    access.require(Permission.MAP_EDIT_ALL)
    skill = Skill.objects.select_for_update().get(pk=skill.pk)
    if "name" in changes:
        changes["name"] = _checked_name(access, changes["name"], skill=skill)
    return apply_changes(skill, changes, user=access.user)


@transaction.atomic
def skill_delete(*, access: Access, skill: Skill) -> None:
    access.require(Permission.MAP_EDIT_ALL)
    delete_as(skill, user=access.user)


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
