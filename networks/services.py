"""Writes about the relationships: declared ties, the interactions that are evidence of
them, and where a newcomer lands on the map."""

import logging
import math
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.http import Http404

from allies.models import Actor
from coalitions.roles import Access, Permission
from coalitions.services import layout_request_after_edit, metrics_request_after_edit
from networks.models import (
    PARTICIPANT_ELSEWHERE,
    ActorPosition,
    Interaction,
    InteractionParticipant,
    Tie,
)
from weft.errors import ApplicationError
from weft.history import restore_row
from weft.services import apply_changes, delete_as, locked_at, save_as
from weft.validation import require_actor_of, require_dates_in_order
from weft.versions import ANY_VERSION
from weft.vocabulary import Direction, TieKind

logger = logging.getLogger(__name__)


# How far (map units) a new actor lands from the centre of its neighbours.
NEWCOMER_OFFSET = 40.0


# ---------------------------------------------------------------------------------------------
# Ties


def _check_tie(access: Access, tie: Tie) -> None:
    """The rules of a tie as it would be saved: two actors of the coalition, dates in order,
    and the writer allowed to record it (a member: a tie of their own organisation)."""
    require_actor_of(access.coalition, tie.source, field="source")
    require_actor_of(access.coalition, tie.target, field="target")
    if tie.source_id == tie.target_id:
        raise ApplicationError("must be another actor than source.", field="target")
    require_dates_in_order(tie.started_on, tie.ended_on, start="started_on", end="ended_on")
    if tie.is_sensitive and not access.sees_sensitive:
        raise ApplicationError(
            "Your role cannot mark ties sensitive.", field="is_sensitive", status=403
        )
    access.require_edit_tie(tie)


@transaction.atomic
def tie_create(
    *,
    access: Access,
    source: Actor,
    target: Actor,
    kind: str = TieKind.COLLABORATION,
    direction: str = Direction.UNDIRECTED,
    strength: int | None = None,
    started_on=None,
    ended_on=None,
    is_sensitive: bool = False,
    description: str = "",
) -> Tie:
    """Declare a tie between two actors. A new actor has no place on the map until the next
    layout run: it is placed beside its neighbours meanwhile, where a person looks for it."""
    tie = Tie(
        coalition=access.coalition,
        source=source,
        target=target,
        kind=kind,
        direction=direction,
        strength=strength,
        started_on=started_on,
        ended_on=ended_on,
        is_sensitive=is_sensitive,
        description=description,
    )
    _check_tie(access, tie)
    save_as(tie, user=access.user)
    for end in (tie.source, tie.target):
        position_place_beside_neighbours(actor=end)
    layout_request_after_edit(coalition_id=access.coalition.pk)
    metrics_request_after_edit(coalition_id=access.coalition.pk)
    return tie


@transaction.atomic
def tie_update(*, access: Access, tie: Tie, expected_version, **changes) -> Tie:
    """Change a tie the role may edit, into one it may still edit."""
    tie = locked_at(tie, expected_version, what="This tie")
    access.require_edit_tie(tie)
    for name, value in changes.items():
        setattr(tie, name, value)
    _check_tie(access, tie)
    save_as(tie, user=access.user)
    metrics_request_after_edit(coalition_id=access.coalition.pk)
    return tie


@transaction.atomic
def tie_delete(*, access: Access, tie: Tie, expected_version) -> None:
    tie = locked_at(tie, expected_version, what="This tie")
    access.require_edit_tie(tie)
    delete_as(tie, user=access.user)
    layout_request_after_edit(coalition_id=access.coalition.pk)
    metrics_request_after_edit(coalition_id=access.coalition.pk)


@transaction.atomic
def tie_restore(
    *, access: Access, tie_id: int, history_id: int, expected_version=ANY_VERSION
) -> Tie:
    """Bring a tie back to the state a history record holds (organizers, weavers, stewards);
    restoring its deletion record undeletes it, as long as both of its actors still exist."""
    access.require(Permission.MAP_EDIT_ALL)
    try:
        record = Tie.history.get(history_id=history_id, id=tie_id, coalition_id=access.coalition.pk)
    except Tie.history.model.DoesNotExist:
        raise Http404("No such version of this tie.") from None
    if record.is_sensitive and not access.sees_sensitive:
        raise Http404("No such version of this tie.")
    ends = Actor.objects.filter(pk__in=(record.source_id, record.target_id))
    if not access.sees_sensitive:
        ends = ends.filter(is_sensitive=False)
    if ends.count() != 2:
        raise ApplicationError(
            "One end of this tie no longer exists: restore the actor first.",
            field="source",
            status=409,
            code="conflict",
        )
    tie, _ = restore_row(
        record,
        user=access.user,
        reason=f"restored from history {history_id}",
        expected_version=expected_version,
        what="This tie",
    )
    layout_request_after_edit(coalition_id=access.coalition.pk)
    return tie


# ---------------------------------------------------------------------------------------------
# Interactions: the evidence relationship strength is computed from


def _checked_participants(access: Access, participants) -> list[Actor]:
    for actor in participants:
        if actor is None or actor.coalition_id != access.coalition.pk:
            raise ApplicationError(PARTICIPANT_ELSEWHERE, field="participants")
    if len({actor.pk for actor in participants}) != len(participants):
        raise ApplicationError("lists an actor twice.", field="participants")
    if len(participants) < 2:
        raise ApplicationError("An interaction takes at least two actors.", field="participants")
    return list(participants)


def _check_follow_up(occurred_on, follow_up: str, follow_up_on) -> None:
    """A follow-up date needs a follow-up to be due, and comes on or after the interaction."""
    if follow_up_on and not (follow_up or "").strip():
        raise ApplicationError("Say what is to be done by then.", field="follow_up")
    require_dates_in_order(occurred_on, follow_up_on, start="occurred_on", end="follow_up_on")


@transaction.atomic
def interaction_create(
    *,
    access: Access,
    kind: str,
    occurred_on,
    participants,
    summary: str = "",
    follow_up: str = "",
    follow_up_on=None,
    action=None,
    working_group=None,
) -> Interaction:
    """Log an interaction of two or more actors (organizers, weavers, stewards): evidence for
    their relationship strength from the next metric run."""
    access.require(Permission.MAP_EDIT_ALL)
    participants = _checked_participants(access, participants)
    _check_follow_up(occurred_on, follow_up, follow_up_on)
    interaction = Interaction(
        coalition=access.coalition,
        kind=kind,
        occurred_on=occurred_on,
        summary=summary,
        follow_up=(follow_up or "").strip(),
        follow_up_on=follow_up_on,
        action=action,
        working_group=working_group,
        recorded_by=access.user,
    )
    save_as(interaction, user=access.user)
    InteractionParticipant.objects.bulk_create(
        InteractionParticipant(interaction=interaction, actor=actor) for actor in participants
    )
    metrics_request_after_edit(coalition_id=access.coalition.pk)
    return interaction


@transaction.atomic
def interaction_update(
    *, access: Access, interaction: Interaction, expected_version, **changes
) -> Interaction:
    access.require(Permission.MAP_EDIT_ALL)
    interaction = locked_at(interaction, expected_version, what="This interaction")
    participants = changes.pop("participants", None)
    if participants is not None:
        participants = _checked_participants(access, participants)
    if "follow_up" in changes:
        changes["follow_up"] = (changes["follow_up"] or "").strip()
    _check_follow_up(
        changes.get("occurred_on", interaction.occurred_on),
        changes.get("follow_up", interaction.follow_up),
        changes.get("follow_up_on", interaction.follow_up_on),
    )
    apply_changes(interaction, changes, user=access.user)
    if participants is not None:
        interaction.participations.all().delete()
        InteractionParticipant.objects.bulk_create(
            InteractionParticipant(interaction=interaction, actor=actor) for actor in participants
        )
    metrics_request_after_edit(coalition_id=access.coalition.pk)
    return interaction


@dataclass(frozen=True)
class InteractionDeletion:
    """What undoing a deletion needs: the deletion's history record and who took part."""

    interaction_id: int
    history_id: int
    participant_ids: list[int]


@transaction.atomic
def interaction_delete(
    *, access: Access, interaction: Interaction, expected_version
) -> InteractionDeletion:
    """Delete an interaction; what is returned is what ``interaction_restore`` needs to undo
    it (its participants have no history of their own)."""
    access.require(Permission.MAP_EDIT_ALL)
    interaction = locked_at(interaction, expected_version, what="This interaction")
    participant_ids = sorted(interaction.participations.values_list("actor_id", flat=True))
    pk = interaction.pk
    delete_as(interaction, user=access.user)
    record = Interaction.history.filter(id=pk, history_type="-").latest("history_id")
    metrics_request_after_edit(coalition_id=access.coalition.pk)
    return InteractionDeletion(
        interaction_id=pk, history_id=record.history_id, participant_ids=participant_ids
    )


@transaction.atomic
def interaction_restore(
    *, access: Access, interaction_id: int, history_id: int, participant_ids: list[int]
) -> Interaction:
    """Undo the deletion of an interaction: the row as it was deleted, with those of its
    participants still on the coalition's map (at least two)."""
    access.require(Permission.MAP_EDIT_ALL)
    try:
        record = Interaction.history.get(
            history_id=history_id,
            id=interaction_id,
            coalition_id=access.coalition.pk,
            history_type="-",
        )
    except Interaction.history.model.DoesNotExist:
        raise Http404("No such deleted interaction.") from None
    if Interaction.objects.filter(pk=interaction_id).exists():
        raise ApplicationError("This interaction is back already.", status=409, code="conflict")
    actors = list(Actor.objects.filter(coalition=access.coalition, pk__in=participant_ids))
    if len(actors) < 2:
        raise ApplicationError(
            "Fewer than two of its participants are still on the map: it cannot come back.",
            status=409,
            code="conflict",
        )
    interaction, _ = restore_row(
        record, user=access.user, reason=f"deletion undone (history {history_id})"
    )
    InteractionParticipant.objects.bulk_create(
        InteractionParticipant(interaction=interaction, actor=actor) for actor in actors
    )
    metrics_request_after_edit(coalition_id=access.coalition.pk)
    return interaction


# ---------------------------------------------------------------------------------------------
# Places on the map


@transaction.atomic
def position_place_beside_neighbours(*, actor: Actor) -> ActorPosition | None:
    """Place a newcomer beside the actors it is tied to (their centre, nudged aside so it does
    not sit on top of one), until the next layout run places it properly. A newcomer: an
    actor without a position, or with a position nobody pinned and no tie before this one
    (where the person was looking when they added it). Nothing happens otherwise, or when
    none of its neighbours has a place."""
    existing = ActorPosition.objects.filter(actor=actor).first()
    if existing is not None and existing.is_pinned:
        return None
    neighbours = list(
        Tie.objects.filter(Q(source=actor) | Q(target=actor)).values_list("source_id", "target_id")
    )
    if existing is not None and len(neighbours) > 1:
        return None  # already among its ties: the layout run will settle it
    ids = {one for pair in neighbours for one in pair} - {actor.pk}
    placed = list(ActorPosition.objects.filter(actor_id__in=ids).values_list("x", "y"))
    if not placed:
        return None
    x, y = _beside(actor.pk, placed)
    position, _ = ActorPosition.objects.update_or_create(
        actor=actor, defaults={"x": x, "y": y, "is_pinned": False}
    )
    return position


def _beside(actor_id: int, placed: list[tuple[float, float]]) -> tuple[float, float]:
    x = sum(p[0] for p in placed) / len(placed)
    y = sum(p[1] for p in placed) / len(placed)
    # Beside, not on: a small offset that differs per actor so newcomers do not stack.
    angle = (actor_id * 2.399963) % (2 * math.pi)
    return x + NEWCOMER_OFFSET * math.cos(angle), y + NEWCOMER_OFFSET * math.sin(angle)


@transaction.atomic
def positions_place_beside_neighbours(*, actor_ids: list[int]) -> int:
    """:func:`position_place_beside_neighbours` for many actors in turn (a newcomer placed
    counts as placed for the next), reading their ties and positions in two queries rather
    than three per actor: for writes that draw thousands of ties at once. Returns how many
    were placed."""
    ends = set(actor_ids)
    ties = list(
        Tie.objects.filter(Q(source_id__in=ends) | Q(target_id__in=ends)).values_list(
            "source_id", "target_id"
        )
    )
    tie_count: dict[int, int] = {}
    neighbours: dict[int, set[int]] = {}
    for source, target in ties:
        for one, other in ((source, target), (target, source)):
            if one in ends:
                tie_count[one] = tie_count.get(one, 0) + 1
                neighbours.setdefault(one, set()).add(other)
    involved = ends | {other for found in neighbours.values() for other in found}
    positions = {
        actor: (x, y, pinned)
        for actor, x, y, pinned in ActorPosition.objects.filter(actor_id__in=involved).values_list(
            "actor_id", "x", "y", "is_pinned"
        )
    }
    placed_count = 0
    for actor_id in actor_ids:
        existing = positions.get(actor_id)
        if existing is not None and (existing[2] or tie_count.get(actor_id, 0) > 1):
            continue
        placed = [
            positions[other][:2]
            for other in neighbours.get(actor_id, ())
            if other != actor_id and other in positions
        ]
        if not placed:
            continue
        x, y = _beside(actor_id, placed)
        ActorPosition.objects.update_or_create(
            actor_id=actor_id, defaults={"x": x, "y": y, "is_pinned": False}
        )
        positions[actor_id] = (x, y, False)
        placed_count += 1
    return placed_count
