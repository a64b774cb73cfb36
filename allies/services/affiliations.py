"""Affiliations: a person's place in an organisation, group or institution (a lead role
counts towards the coalition's leadership)."""

from django.db import transaction
from django.http import Http404

from allies.models import Actor, Affiliation
from coalitions.roles import Access, Permission
from coalitions.services import metrics_request_after_edit
from weft.errors import ApplicationError
from weft.history import restore_row
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


@transaction.atomic
def affiliation_restore(*, access: Access, affiliation_id: int, history_id: int) -> Affiliation:
    """Undo a deletion: the affiliation as it was deleted, if both of its actors are still
    on the coalition's map."""
    access.require(Permission.MAP_EDIT_ALL)
    record = Affiliation.history.filter(
        history_id=history_id, id=affiliation_id, history_type="-"
    ).first()
    if record is None:
        raise Http404("No such deleted affiliation.")
    ends = Actor.objects.filter(
        coalition=access.coalition, pk__in=(record.person_id, record.organisation_id)
    ).visible(include_sensitive=access.sees_sensitive)
    if ends.count() != 2:
        raise ApplicationError(
            "The person or the organisation is no longer on the map: it cannot come back.",
            status=409,
            code="conflict",
        )
    if Affiliation.objects.filter(pk=affiliation_id).exists():
        raise ApplicationError("This affiliation is back already.", status=409, code="conflict")
    affiliation, _ = restore_row(record, user=access.user, reason="deletion undone")
    metrics_request_after_edit(coalition_id=access.coalition.pk)
    return affiliation
