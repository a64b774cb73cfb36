"""Bulk edit from the map's table: one change (a stance, a tag, a working group, sensitive or
not) made to many actors in one transaction, through the per-actor and per-seat services (so
history and permissions are theirs), and undone in one step.

The change returns what it did as plain data (an undo record) that the page keeps for the
person who made it; ``actors_bulk_undo`` puts every actor back from it: tags and sensitive to
their previous values (a change of the actor recorded in its history, as any edit), the seats
in the working group taken away again, and the assessments the change added deleted again
(recorded in the assessments' history, as deleting an actor records its assessments). If any
one actor is refused, nothing is written."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from allies.models import Actor, AllyAssessment
from allies.services.actors import actor_update
from allies.services.assessments import assessment_add
from coalitions.produce.models import GroupMember, WorkingGroup
from coalitions.produce.services import group_seat_add, group_seat_remove
from coalitions.roles import Access, Permission
from coalitions.services import metrics_request_after_edit
from weft.errors import ApplicationError
from weft.services import delete_as, locked_at
from weft.versions import ANY_VERSION
from weft.vocabulary import AllyKind, Stance

BULK_NOTE = "Set by a bulk edit from the table."
# An actor never assessed gets the stance with middling scores, said so in its note.
UNASSESSED_SCORES = {"ally_kind": AllyKind.NATURAL, "influence": 3, "proximity": 3, "commitment": 3}
BULK_LIMIT = 500


def _refused_for(actor: Actor, error: Exception) -> ApplicationError:
    message = error.message if isinstance(error, ApplicationError) else "your role may not."
    status = error.status if isinstance(error, ApplicationError) else 403
    return ApplicationError(
        f"{actor.name}: {message} Nothing was changed.", field="actor_ids", status=status
    )


def _selected(access: Access, actor_ids) -> list[Actor]:
    try:
        ids = sorted({int(i) for i in actor_ids})
    except (TypeError, ValueError):
        raise ApplicationError("The selection holds an invalid actor.", field="actor_ids") from None
    if not ids:
        raise ApplicationError("Select at least one actor.", field="actor_ids")
    if len(ids) > BULK_LIMIT:
        raise ApplicationError(f"Select at most {BULK_LIMIT} actors at once.", field="actor_ids")
    visible = Actor.objects.filter(coalition=access.coalition, pk__in=ids).visible(
        include_sensitive=access.sees_sensitive
    )
    actors = list(visible.order_by("pk"))
    if len(actors) != len(ids):
        missing = sorted(set(ids) - {a.pk for a in actors})
        raise ApplicationError(
            f"Actor {missing[0]} is not on this coalition's map. Nothing was changed.",
            field="actor_ids",
            status=404,
        )
    return actors


@transaction.atomic
def actors_bulk_update(
    *,
    access: Access,
    actor_ids,
    versions: dict | None = None,
    stance: str = "",
    add_tag: str = "",
    is_sensitive: bool | None = None,
    working_group_id: int | None = None,
    assessed_on: datetime.date | None = None,
) -> dict:
    """Set ``stance`` (a new assessment, where it differs), add the tag ``add_tag``, seat in
    the working group ``working_group_id`` and set ``is_sensitive`` for every actor of
    ``actor_ids`` (organizers, weavers, stewards; only organizers and stewards for sensitive).
    ``versions`` ({actor id: version}) refuses an actor changed since the page showed it.
    Returns the undo record."""
    access.require(Permission.MAP_EDIT_ALL)
    add_tag = (add_tag or "").strip()
    if stance and stance not in Stance.values:
        raise ApplicationError("Choose a stance from the list.", field="stance")
    if len(add_tag) > 80:
        raise ApplicationError("A tag has at most 80 characters.", field="add_tag")
    group = None
    if working_group_id:
        access.require(Permission.WORKFLOW_EDIT)
        group = WorkingGroup.objects.filter(coalition=access.coalition, pk=working_group_id).first()
        if group is None:
            raise ApplicationError(
                "Choose a working group of this coalition.", field="working_group"
            )
    if not stance and not add_tag and is_sensitive is None and group is None:
        raise ApplicationError(
            "Choose a change to make: a stance, a tag, a working group or sensitive."
        )
    versions = versions or {}
    assessed_on = assessed_on or timezone.localdate()
    entries = []
    for actor in _selected(access, actor_ids):
        try:
            entries.append(
                _update_one(
                    access, actor, versions, stance, add_tag, is_sensitive, group, assessed_on
                )
            )
        except (ApplicationError, PermissionDenied) as error:
            raise _refused_for(actor, error) from error
    return {"coalition": access.coalition.pk, "actors": [e for e in entries if len(e) > 1]}


def _update_one(  # noqa: PLR0913
    access, actor, versions, stance, add_tag, is_sensitive, group, assessed_on
) -> dict:
    expected = versions.get(actor.pk, versions.get(str(actor.pk), ANY_VERSION))
    actor = locked_at(actor, expected, what=f"{actor.name}")
    access.require_edit_actor(actor)
    entry: dict = {"id": actor.pk}
    changes: dict = {}
    if add_tag:
        names = sorted(actor.tags.values_list("name", flat=True))
        if add_tag not in names:
            changes["tags"] = [*names, add_tag]
            entry["tags"] = names
    if is_sensitive is not None and actor.is_sensitive != is_sensitive:
        changes["is_sensitive"] = is_sensitive
        entry["is_sensitive"] = actor.is_sensitive
    if changes:
        actor = actor_update(access=access, actor=actor, expected_version=ANY_VERSION, **changes)
        entry["version"] = actor.version
    if group is not None and not GroupMember.objects.filter(group=group, actor=actor).exists():
        entry["seat"] = group_seat_add(group=group, actor=actor, added_by=access.user).pk
    if stance:
        latest = actor.assessments.order_by("-assessed_on", "-created_at", "-id").first()
        if latest is None or latest.stance != stance:
            scores = UNASSESSED_SCORES
            if latest is not None:
                scores = {
                    "ally_kind": latest.ally_kind,
                    "influence": latest.influence,
                    "proximity": latest.proximity,
                    "commitment": latest.commitment,
                }
            added = assessment_add(
                access=access,
                actor=actor,
                stance=stance,
                assessed_on=assessed_on,
                note=BULK_NOTE,
                **scores,
            )
            entry["assessment"] = added.pk
    return entry


@transaction.atomic
def actors_bulk_undo(*, access: Access, record: dict) -> int:
    """Put back every actor a bulk change changed (``record``, as ``actors_bulk_update``
    returned it). An actor changed again since is refused, naming who changed it, and nothing
    is undone. Returns how many actors were put back."""
    access.require(Permission.MAP_EDIT_ALL)
    if record.get("coalition") != access.coalition.pk:
        raise ApplicationError("There is no bulk change of this coalition to undo.", status=404)
    for entry in record["actors"]:
        actor = Actor.objects.filter(coalition=access.coalition, pk=entry["id"]).first()
        if actor is None:
            raise ApplicationError(
                f"Actor {entry['id']} was deleted since: the bulk change cannot be undone.",
                status=409,
                code="conflict",
            )
        try:
            _undo_one(access, actor, entry)
        except (ApplicationError, PermissionDenied) as error:
            raise _refused_for(actor, error) from error
    metrics_request_after_edit(coalition_id=access.coalition.pk)
    return len(record["actors"])


def _undo_one(access, actor, entry) -> None:
    changes = {name: entry[name] for name in ("tags", "is_sensitive") if name in entry}
    if changes:
        actor_update(access=access, actor=actor, expected_version=entry["version"], **changes)
    if "seat" in entry:
        access.require(Permission.WORKFLOW_EDIT)
        seat = GroupMember.objects.filter(pk=entry["seat"], actor=actor).first()
        if seat is not None:
            group_seat_remove(seat=seat, removed_by=access.user)
    if "assessment" in entry:
        access.require_edit_actor(actor)
        added = AllyAssessment.objects.filter(pk=entry["assessment"], actor=actor).first()
        if added is not None:
            delete_as(added, user=access.user, reason="bulk edit undone")
