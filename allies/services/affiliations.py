"""Affiliations: a person's place in an organisation, group or institution (a lead role
counts towards the coalition's leadership)."""

from django.db import transaction

from allies.models import Actor, Affiliation
from coalitions.roles import Access, Permission
from coalitions.services import metrics_request_after_edit
from weft.errors import ApplicationError
from weft.services import apply_changes, delete_as, locked_at, save_as
from weft.validation import require_actor_of, require_dates_in_order
from weft.vocabulary import ActorKind


def _check(access: Access, person: Actor, organisation: Actor, started_on, ended_on) -> None:
    require_actor_of(access.coalition, person, field="person")
    require_actor_of(access.coalition, organisation, field="organisation")
    if person.kind != ActorKind.PERSON:
        raise ApplicationError("must be a person.", field="person")
    if organisation.kind == ActorKind.PERSON:
        raise ApplicationError(
            "must be an organisation, group or institution.", field="organisation"
        )
    require_dates_in_order(started_on, ended_on, start="started_on", end="ended_on")


@transaction.atomic
def affiliation_create(
    *,
    access: Access,
    person: Actor,
    organisation: Actor,
    role_title: str = "",
    is_lead: bool = False,
    started_on=None,
    ended_on=None,
) -> Affiliation:
    access.require(Permission.MAP_EDIT_ALL)
    _check(access, person, organisation, started_on, ended_on)
    affiliation = Affiliation(
        person=person,
        organisation=organisation,
        role_title=role_title,
        is_lead=is_lead,
        started_on=started_on,
        ended_on=ended_on,
    )
    save_as(affiliation, user=access.user)
    metrics_request_after_edit(coalition_id=access.coalition.pk)
    return affiliation


@transaction.atomic
def affiliation_update(
    *, access: Access, affiliation: Affiliation, expected_version, **changes
) -> Affiliation:
    access.require(Permission.MAP_EDIT_ALL)
    affiliation = locked_at(affiliation, expected_version, what="This affiliation")
    after = {
        name: changes.get(name, getattr(affiliation, name))
        for name in ("person", "organisation", "started_on", "ended_on")
    }
    _check(access, **after)
    apply_changes(affiliation, changes, user=access.user)
    metrics_request_after_edit(coalition_id=access.coalition.pk)
    return affiliation


@transaction.atomic
def affiliation_delete(*, access: Access, affiliation: Affiliation, expected_version) -> None:
    access.require(Permission.MAP_EDIT_ALL)
    affiliation = locked_at(affiliation, expected_version, what="This affiliation")
    delete_as(affiliation, user=access.user)
    metrics_request_after_edit(coalition_id=access.coalition.pk)
