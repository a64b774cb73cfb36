"""Into the map: a weaver reviews what a round's respondents reported, and what is accepted
becomes part of the map in one transaction, through the map's own services.

* Each relationship answer becomes dated evidence on the tie between the respondent and the
  named actor: an interaction of kind ``survey_report`` (its own weight in the strength
  formula, networks/graph/strength.py), dated the day the answers were sent. A tie is created
  when none exists, described "Reported by survey", with the strength the respondents
  reported (their mean) as its declared strength; a tie that exists keeps the strength people
  declared on it, and the report counts as evidence.
* A name not on the map becomes an actor (an organisation also a prospect member), unless
  the weaver recognises it as an actor already on the map (the import's duplicate matcher
  proposes candidates).
* "Would introduce to" becomes an introduction suggestion on the Connect page.
"""

import datetime
from collections import defaultdict
from statistics import mean
from typing import NamedTuple

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone

from allies.models import Actor
from allies.services.actors import actor_create
from coalitions.connect.services import membership_create
from coalitions.roles import Access, Permission, access_for
from coalitions.services import layout_request_after_edit, metrics_request_after_edit
from coalitions.surveys.models import (
    AcceptanceStatus,
    RelationshipAnswer,
    Review,
    SurveyAcceptance,
    SurveyRound,
)
from networks.models import (
    Interaction,
    InteractionParticipant,
    Suggestion,
    SuggestionKind,
    SuggestionStatus,
    Tie,
)
from networks.services import (
    interaction_create,
    positions_place_beside_neighbours,
    tie_create,
)
from networks.transfer.names import NameIndex, normalise_name
from weft.bulk import copy_rows, create_with_history
from weft.errors import ApplicationError
from weft.leases import heartbeat, lease_until
from weft.queue import queue_after_commit
from weft.vocabulary import ActorKind, Direction, InteractionKind, MemberPhase, TieKind

# Rows written (and answers updated) per statement on the bulk path: bounds the memory of
# the objects built and the parameters of one UPDATE (SQLite allows 32,766).
BULK_BATCH = 5000

ACCEPT_TASK = "coalitions.survey_accept_all"
UNDER_WAY = (AcceptanceStatus.QUEUED, AcceptanceStatus.APPLYING)

INTRODUCTION_SCORE = 1.0  # above the metric runs' scores of common partners: a member's word


def pending_rows(survey_round: SurveyRound):
    """Answers waiting for review: those of respondents who sent them."""
    return (
        RelationshipAnswer.objects.filter(
            respondent__round=survey_round,
            respondent__submitted_at__isnull=False,
            review=Review.PENDING,
        )
        .select_related("respondent__organisation", "respondent__person", "actor", "introduce_to")
        .order_by("respondent_id", "id")
    )


def prospect_candidates(access: Access, rows) -> dict[int, list[tuple[Actor, float]]]:
    """For each answer naming someone not on the map, the actors the duplicate matcher finds
    alike, best first."""
    named = [row for row in rows if row.actor_id is None]
    if not named:
        return {}
    actors = {
        actor.pk: actor
        for actor in Actor.objects.filter(coalition=access.coalition).visible(
            include_sensitive=access.sees_sensitive
        )
    }
    index = NameIndex()
    for pk, actor in actors.items():
        index.add(pk, normalise_name(actor.name))
    return {
        row.pk: [(actors[pk], score) for pk, score in index.search(normalise_name(row.other_name))][
            :5
        ]
        for row in named
    }


def _round_for_review(access: Access, round_id: int) -> SurveyRound:
    access.require(Permission.WORKFLOW_EDIT)
    access.require(Permission.MAP_EDIT_ALL)
    survey_round = (
        SurveyRound.objects.select_for_update()
        .filter(coalition=access.coalition, pk=round_id)
        .first()
    )
    if survey_round is None:
        raise ApplicationError("No such survey round.", status=404, code="not_found")
    return survey_round


def existing_tie(access: Access, a: int, b: int) -> Tie | None:
    rows = Tie.objects.filter(coalition=access.coalition).filter(
        Q(source_id=a, target_id=b) | Q(source_id=b, target_id=a)
    )
    if not access.sees_sensitive:
        rows = rows.filter(is_sensitive=False)
    return rows.order_by("id").first()


def _targets(access: Access, survey_round, rows, same_as: dict) -> dict[int, Actor]:
    """The actor each answer names: on the map already, recognised by the weaver, or new
    (one new actor for a name several respondents gave)."""
    visible = Actor.objects.filter(coalition=access.coalition).visible(
        include_sensitive=access.sees_sensitive
    )
    created: dict[tuple[str, str], Actor] = {}
    targets: dict[int, Actor] = {}
    for row in rows:
        if row.actor_id is not None:
            targets[row.pk] = row.actor
            continue
        recognised = same_as.get(row.pk)
        if recognised:
            actor = visible.filter(pk=recognised).first()
            if actor is None:
                raise ApplicationError("Choose an actor of this map.", field=f"same_as-{row.pk}")
            targets[row.pk] = actor
            continue
        key = (normalise_name(row.other_name), row.other_kind)
        if key not in created:
            created[key] = _new_prospect(access, row, survey_round)
        targets[row.pk] = created[key]
    return targets


@transaction.atomic
def review_accept(
    *,
    access: Access,
    round_id: int,
    relationship_ids: list[int] | None = None,
    same_as: dict[int, int | None] | None = None,
) -> int:
    """Accept answers into the map: those listed, or every pending one. ``same_as`` maps an
    answer naming someone not on the map to the actor the weaver recognised (None: a new
    actor). Returns how many answers were accepted. All or nothing.

    Accepting every pending answer ("accept all") takes the bulk path (:func:`_accept_all`),
    which writes the same map in a few statements per thousand answers; a list of answers
    goes one by one through the map's services."""
    survey_round = _round_for_review(access, round_id)
    if relationship_ids is None:
        return _accept_all(access, survey_round, same_as or {})
    _refuse_while_accepting(survey_round)
    rows = pending_rows(survey_round).select_for_update(of=("self",))
    if relationship_ids is not None:
        rows = rows.filter(pk__in=relationship_ids)
    rows = list(rows)
    if relationship_ids is not None and len(rows) != len(set(relationship_ids)):
        raise ApplicationError(
            "Some of these answers were already reviewed.", status=409, code="already_reviewed"
        )
    targets = _targets(access, survey_round, rows, same_as or {})
    # The declared strength of a new tie: the mean of what both sides reported in this batch.
    reported: defaultdict[tuple[int, int], list[int]] = defaultdict(list)
    for row in rows:
        pair = tuple(sorted((row.respondent.actor_id, targets[row.pk].pk)))
        if row.strength is not None:
            reported[pair].append(row.strength)
    ties: dict[tuple[int, int], Tie] = {}
    now = timezone.now()
    description = f"Reported by survey “{survey_round.title}”."
    for row in rows:
        source, target = row.respondent.actor, targets[row.pk]
        if source.pk == target.pk:
            raise ApplicationError(
                "An answer names the respondent itself.", field=f"same_as-{row.pk}"
            )
        pair = tuple(sorted((source.pk, target.pk)))
        if pair not in ties:
            ties[pair] = existing_tie(access, *pair) or tie_create(
                access=access,
                source=source,
                target=target,
                strength=round(mean(reported[pair])) if reported[pair] else None,
                description=description,
            )
        interaction_create(
            access=access,
            kind=InteractionKind.SURVEY_REPORT,
            occurred_on=timezone.localdate(row.respondent.submitted_at),
            participants=[source, target],
            summary=description,
        )
        if row.introduce_to_id and row.introduce_to_id != target.pk:
            _suggest_introduction(access, row, target, survey_round)
        row.review = Review.ACCEPTED
        row.reviewed_by = access.user
        row.reviewed_at = now
        row.tie = ties[pair]
        row.mapped_actor = target if row.actor_id is None else None
        row.save(update_fields=["review", "reviewed_by", "reviewed_at", "tie", "mapped_actor"])
    return len(rows)


def _new_prospect(access: Access, row: RelationshipAnswer, survey_round) -> Actor:
    kind = row.other_kind if row.other_kind in ActorKind.values else ActorKind.ORGANISATION
    actor = actor_create(
        access=access,
        name=row.other_name,
        kind=kind,
        description=f"Named in survey “{survey_round.title}”: a prospect to review.",
    )
    if kind == ActorKind.ORGANISATION:
        membership_create(
            coalition=access.coalition,
            created_by=access.user,
            organisation=actor,
            phase=MemberPhase.PROSPECT,
        )
    return actor


def _suggest_introduction(access: Access, row, target: Actor, survey_round) -> None:
    other = row.introduce_to
    if other.is_sensitive and not access.sees_sensitive:
        return
    reason = f"{row.respondent.actor.name} would introduce them (survey “{survey_round.title}”)."
    actor_id, other_id = Suggestion.pair(target.pk, other.pk)
    # One suggestion per pair: a pair already suggested keeps its decision (a dismissed one
    # opens again, for this new reason).
    already = (
        Suggestion.objects.select_for_update()
        .filter(
            coalition=access.coalition,
            kind=SuggestionKind.INTRODUCTION,
            actor_id=actor_id,
            other_id=other_id,
        )
        .first()
    )
    if already is not None:
        if already.status == SuggestionStatus.OPEN:
            return
        if already.found_again(reason=reason, score=INTRODUCTION_SCORE, run_id=None):
            already.save(
                update_fields=[
                    "score",
                    "reason",
                    "status",
                    "decided_by",
                    "decided_at",
                    "dismissed_reason",
                ]
            )
        return
    Suggestion.objects.create(
        coalition=access.coalition,
        kind=SuggestionKind.INTRODUCTION,
        actor_id=actor_id,
        other_id=other_id,
        score=INTRODUCTION_SCORE,
        reason=reason[:300],
    )


@transaction.atomic
def review_reject(*, access: Access, round_id: int, relationship_id: int) -> None:
    survey_round = _round_for_review(access, round_id)
    _refuse_while_accepting(survey_round)
    changed = (
        pending_rows(survey_round)
        .filter(pk=relationship_id)
        .update(review=Review.REJECTED, reviewed_by=access.user, reviewed_at=timezone.now())
    )
    if not changed:
        raise ApplicationError(
            "This answer was already reviewed.", status=409, code="already_reviewed"
        )


# -- Accept all: the bulk path --------------------------------------------------------------


class _Answer(NamedTuple):
    """A pending answer as the bulk path reads it: plain values, no model instances (a round
    of 100,000 answers would otherwise hold half a million of them)."""

    pk: int
    source_id: int  # the respondent's actor: its organisation, else the person
    submitted_at: object
    actor_id: int | None
    other_name: str
    other_kind: str
    strength: int | None
    introduce_to_id: int | None


def _pending_answers(survey_round: SurveyRound) -> list[_Answer]:
    """Every pending answer of the round, locked, in the order the per-answer path takes
    them (respondent, then answer)."""
    rows = (
        RelationshipAnswer.objects.filter(
            respondent__round=survey_round,
            respondent__submitted_at__isnull=False,
            review=Review.PENDING,
        )
        .order_by("respondent_id", "id")
        .select_for_update(of=("self",))
        .values_list(
            "pk",
            "respondent__organisation_id",
            "respondent__person_id",
            "respondent__submitted_at",
            "actor_id",
            "other_name",
            "other_kind",
            "strength",
            "introduce_to_id",
        )
    )
    return [
        _Answer(pk, org or person, sent, actor, name, kind, strength, introduce)
        for pk, org, person, sent, actor, name, kind, strength, introduce in rows
    ]


def _target_ids(access: Access, survey_round, answers: list[_Answer], same_as) -> dict[int, int]:
    """As :func:`_targets`, by id: the actor each answer names (recognised actors read in one
    query, one new prospect per name not on the map)."""
    recognised = {same_as[a.pk] for a in answers if a.actor_id is None and same_as.get(a.pk)}
    visible = set(
        Actor.objects.filter(coalition=access.coalition, pk__in=recognised)
        .visible(include_sensitive=access.sees_sensitive)
        .values_list("pk", flat=True)
    )
    created: dict[tuple[str, str], int] = {}
    targets: dict[int, int] = {}
    for answer in answers:
        if answer.actor_id is not None:
            targets[answer.pk] = answer.actor_id
            continue
        chosen = same_as.get(answer.pk)
        if chosen:
            if chosen not in visible:
                raise ApplicationError("Choose an actor of this map.", field=f"same_as-{answer.pk}")
            targets[answer.pk] = chosen
            continue
        key = (normalise_name(answer.other_name), answer.other_kind)
        if key not in created:
            created[key] = _new_prospect(access, answer, survey_round).pk
        targets[answer.pk] = created[key]
    return targets


def _existing_ties(access: Access) -> dict[tuple[int, int], int]:
    """The coalition's ties the reviewer sees, by unordered pair: the oldest of a pair, as
    :func:`existing_tie` picks it (one query)."""
    rows = Tie.objects.filter(coalition=access.coalition)
    if not access.sees_sensitive:
        rows = rows.filter(is_sensitive=False)
    found: dict[tuple[int, int], int] = {}
    for pk, source, target in rows.order_by("-id").values_list("pk", "source_id", "target_id"):
        found[(min(source, target), max(source, target))] = pk  # the oldest is written last
    return found


def _batches(items: list, size: int = BULK_BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _accept_all(access: Access, survey_round: SurveyRound, same_as: dict) -> int:
    """Every pending answer into the map in one transaction, writing what the per-answer path
    writes (ties with their history, one survey-report interaction per answer with its two
    participants and history, prospects, introduction suggestions, the answers' review) in
    statements of :data:`BULK_BATCH` rows (COPY on PostgreSQL, weft/bulk.py). A newcomer is
    placed once, beside all its new neighbours, rather than after each tie."""
    answers = _pending_answers(survey_round)
    if not answers:
        return 0
    targets = _target_ids(access, survey_round, answers, same_as)
    description = f"Reported by survey “{survey_round.title}”."
    ties, newcomers = _draw_ties(access, answers, targets, description)
    for batch in _batches(answers):
        _write_evidence(access, batch, targets, description)
    _suggest_introductions(access, answers, targets, survey_round)
    _mark_accepted(access, answers, targets, ties)
    if newcomers:
        positions_place_beside_neighbours(actor_ids=sorted(newcomers))
        layout_request_after_edit(coalition_id=access.coalition.pk)
    metrics_request_after_edit(coalition_id=access.coalition.pk)
    return len(answers)


def _draw_ties(access: Access, answers, targets, description: str):
    """The tie each answer's evidence goes on: the one the map has, or a new one drawn by the
    first answer naming the pair, declared at the mean strength both sides reported (as
    :func:`review_accept` does). Returns the ties by pair and the actors of new ties."""
    reported: defaultdict[tuple[int, int], list[int]] = defaultdict(list)
    for answer in answers:
        if answer.source_id == targets[answer.pk]:
            raise ApplicationError(
                "An answer names the respondent itself.", field=f"same_as-{answer.pk}"
            )
        if answer.strength is not None:
            reported[_pair(answer.source_id, targets[answer.pk])].append(answer.strength)
    ties = _existing_ties(access)
    drawn: list[tuple[tuple[int, int], int, int]] = []
    for answer in answers:
        pair = _pair(answer.source_id, targets[answer.pk])
        if pair not in ties:
            ties[pair] = 0  # claimed: the first answer naming the pair draws the tie
            drawn.append((pair, answer.source_id, targets[answer.pk]))
    newcomers: dict[int, None] = {}
    for batch in _batches(drawn):
        created = create_with_history(
            Tie,
            [
                Tie(
                    coalition_id=access.coalition.pk,
                    source_id=source,
                    target_id=target,
                    kind=TieKind.COLLABORATION,
                    direction=Direction.UNDIRECTED,
                    strength=round(mean(reported[pair])) if reported[pair] else None,
                    description=description,
                )
                for pair, source, target in batch
            ],
            user=access.user,
        )
        for (pair, source, target), tie in zip(batch, created, strict=True):
            ties[pair] = tie.pk
            newcomers.setdefault(source)
            newcomers.setdefault(target)
    return ties, newcomers


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _write_evidence(access: Access, answers: list[_Answer], targets, description: str) -> None:
    """One survey-report interaction per answer, dated the day the answers were sent, and its
    two participants (as interaction_create writes them)."""
    interactions = create_with_history(
        Interaction,
        [
            Interaction(
                coalition_id=access.coalition.pk,
                kind=InteractionKind.SURVEY_REPORT,
                occurred_on=timezone.localdate(answer.submitted_at),
                summary=description,
                recorded_by=access.user,
            )
            for answer in answers
        ],
        user=access.user,
    )
    participants = [
        (interaction.pk, end)
        for interaction, answer in zip(interactions, answers, strict=True)
        for end in (answer.source_id, targets[answer.pk])
    ]
    if connection.vendor == "postgresql":
        copy_rows(
            InteractionParticipant._meta.db_table, ("interaction_id", "actor_id"), participants
        )
    else:
        InteractionParticipant.objects.bulk_create(
            InteractionParticipant(interaction_id=interaction, actor_id=actor)
            for interaction, actor in participants
        )


def _suggest_introductions(access: Access, answers, targets, survey_round) -> None:
    """What :func:`_suggest_introduction` does answer by answer, with the coalition's
    introduction suggestions read (and locked) once and written at the end."""
    wanted = [a for a in answers if a.introduce_to_id and a.introduce_to_id != targets[a.pk]]
    if not wanted:
        return
    ids = {a.introduce_to_id for a in wanted} | {a.source_id for a in wanted}
    actors = {
        pk: (name, sensitive)
        for pk, name, sensitive in Actor.objects.filter(pk__in=ids).values_list(
            "pk", "name", "is_sensitive"
        )
    }
    suggestions = {
        (s.actor_id, s.other_id): s
        for s in Suggestion.objects.select_for_update().filter(
            coalition=access.coalition, kind=SuggestionKind.INTRODUCTION, other__isnull=False
        )
    }
    new, changed = [], {}
    for answer in wanted:
        if actors[answer.introduce_to_id][1] and not access.sees_sensitive:
            continue
        source_name = actors[answer.source_id][0]
        reason = f"{source_name} would introduce them (survey “{survey_round.title}”)."
        pair = Suggestion.pair(targets[answer.pk], answer.introduce_to_id)
        already = suggestions.get(pair)
        if already is None:
            suggestion = Suggestion(
                coalition=access.coalition,
                kind=SuggestionKind.INTRODUCTION,
                actor_id=pair[0],
                other_id=pair[1],
                score=INTRODUCTION_SCORE,
                reason=reason[:300],
            )
            suggestions[pair] = suggestion
            new.append(suggestion)
        elif already.status != SuggestionStatus.OPEN:
            # The per-answer path saves only a suggestion that opened again; the next answer
            # reads the row as stored, so an unsaved change is undone here.
            kept = (already.reason, already.score)
            if already.found_again(reason=reason, score=INTRODUCTION_SCORE, run_id=None):
                changed[already.pk] = already
            else:
                already.reason, already.score = kept
    for suggestion in changed.values():
        suggestion.save(
            update_fields=[
                "score",
                "reason",
                "status",
                "decided_by",
                "decided_at",
                "dismissed_reason",
            ]
        )
    Suggestion.objects.bulk_create(new, batch_size=BULK_BATCH)


def _mark_accepted(access: Access, answers, targets, ties) -> None:
    """The answers accepted: who, when, the tie their evidence is on, and the actor a name
    not on the map became; one UPDATE … FROM a list of VALUES per batch (PostgreSQL, and
    SQLite since 3.33), where bulk_update's CASE per row grows with the square of a batch."""
    table = connection.ops.quote_name(RelationshipAnswer._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    user_id = getattr(access.user, "pk", None)
    row = "(CAST(%s AS BIGINT), CAST(%s AS BIGINT), CAST(%s AS BIGINT))"
    for batch in _batches(answers, 2000):
        params: list = []
        for answer in batch:
            target = targets[answer.pk]
            mapped = target if answer.actor_id is None else None
            params += [answer.pk, ties[_pair(answer.source_id, target)], mapped]
        params += [str(Review.ACCEPTED), user_id, now]
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH accepted (id, tie_id, mapped_actor_id) AS (VALUES {', '.join([row] * len(batch))}) "  # noqa: E501, S608
                f"UPDATE {table} SET review = %s, reviewed_by_id = %s, reviewed_at = %s, "
                "tie_id = accepted.tie_id, mapped_actor_id = accepted.mapped_actor_id "
                f"FROM accepted WHERE {table}.id = accepted.id",
                params,
            )


# -- Accept all of a large round: on a worker -----------------------------------------------


def acceptance_under_way(survey_round: SurveyRound) -> SurveyAcceptance | None:
    return survey_round.acceptances.filter(status__in=UNDER_WAY).first()


def _refuse_while_accepting(survey_round: SurveyRound) -> None:
    if acceptance_under_way(survey_round) is not None:
        raise ApplicationError(
            "Every answer of this round is being accepted into the map: wait until it is done.",
            status=409,
            code="accepting",
        )


def review_accept_queue(
    *, access: Access, round_id: int, same_as: dict[int, int | None] | None = None
) -> SurveyAcceptance:
    """ "Accept all" handed to a worker (a round too large for a page's request): the same
    accept in one transaction there (:func:`acceptance_apply`), one at a time per round."""
    survey_round = _round_for_review(access, round_id)
    pending = pending_rows(survey_round).count()
    if not pending:
        raise ApplicationError("Nothing is waiting for review.", status=409, code="nothing_pending")
    _refuse_while_accepting(survey_round)
    try:
        with transaction.atomic():
            acceptance = SurveyAcceptance.objects.create(
                survey_round=survey_round,
                requested_by=access.user,
                same_as={str(answer): actor for answer, actor in (same_as or {}).items()},
                pending=pending,
                lease_expires_at=lease_until(),
            )
    except IntegrityError:  # another weaver asked at the same moment
        _refuse_while_accepting(survey_round)
        raise
    queue_after_commit(ACCEPT_TASK, acceptance.pk)
    return acceptance


def _acceptance_end(acceptance_id: int, status: str, **fields) -> int:
    return SurveyAcceptance.objects.filter(pk=acceptance_id, status__in=UNDER_WAY).update(
        status=status, finished_at=timezone.now(), lease_expires_at=None, **fields
    )


class _ClaimLost(Exception):
    """The reaper gave this acceptance to another worker meanwhile: roll back."""


def acceptance_apply(*, acceptance_id: int, task_id: str = "") -> str:
    """On a worker: claim the acceptance, accept every pending answer as the weaver who asked
    (their role as it is now) in one transaction, and mark it applied in that transaction;
    a refusal fails it saying why, nothing written. Returns its status."""
    mine = Q(status=AcceptanceStatus.QUEUED)
    if task_id:  # a message redelivered after its worker died takes its own claim back
        mine |= Q(status=AcceptanceStatus.APPLYING, task_id=task_id)
    claimed = SurveyAcceptance.objects.filter(mine, pk=acceptance_id).update(
        status=AcceptanceStatus.APPLYING,
        task_id=task_id,
        attempts=F("attempts") + 1,
        lease_expires_at=lease_until(),
    )
    if not claimed:
        return "not claimed"
    acceptance = SurveyAcceptance.objects.select_related("survey_round", "requested_by").get(
        pk=acceptance_id
    )
    owned = SurveyAcceptance.objects.filter(
        pk=acceptance_id, status=AcceptanceStatus.APPLYING, task_id=task_id
    )

    def renew() -> None:
        owned.update(lease_expires_at=lease_until())

    try:
        if acceptance.requested_by is None or not acceptance.requested_by.is_active:
            raise ApplicationError("the weaver who asked for it no longer has an account")
        access = access_for(acceptance.requested_by, acceptance.survey_round.coalition_id)
        same_as = {int(answer): actor for answer, actor in acceptance.same_as.items()}
        with heartbeat(renew), transaction.atomic():
            accepted = review_accept(
                access=access, round_id=acceptance.survey_round_id, same_as=same_as
            )
            if not owned.update(
                status=AcceptanceStatus.APPLIED,
                accepted=accepted,
                finished_at=timezone.now(),
                lease_expires_at=None,
            ):
                raise _ClaimLost
    except _ClaimLost:
        return "claim lost"
    except (ApplicationError, Http404) as error:
        message = getattr(error, "message", "") or "the weaver who asked may no longer review"
        _acceptance_end(acceptance_id, AcceptanceStatus.FAILED, error=str(message)[:300])
        return AcceptanceStatus.FAILED
    return AcceptanceStatus.APPLIED


def acceptances_reap() -> dict[str, int]:
    """Acceptances whose lease is over (a worker that died, a message lost): queued again up
    to WEFT_RUN_MAX_ATTEMPTS claims, then failed saying so; one no worker took for
    WEFT_RUN_PENDING_MAX_SECONDS fails too. Nothing was written by a worker that died: its
    transaction never committed."""
    now = timezone.now()
    too_old = now - datetime.timedelta(seconds=settings.WEFT_RUN_PENDING_MAX_SECONDS)
    counts = {"requeued": 0, "failed": 0}
    expired = SurveyAcceptance.objects.filter(status__in=UNDER_WAY, lease_expires_at__lt=now)
    for pk in list(expired.values_list("pk", flat=True)):
        with transaction.atomic():
            acceptance = expired.select_for_update(skip_locked=True).filter(pk=pk).first()
            if acceptance is None:
                continue
            if (
                acceptance.attempts >= settings.WEFT_RUN_MAX_ATTEMPTS
                or acceptance.created_at < too_old
            ):
                message = (
                    f"the worker accepting this round stopped ({acceptance.attempts} attempts); "
                    "nothing was accepted: try again"
                    if acceptance.attempts
                    else "no worker took this in time; nothing was accepted: try again later"
                )
                counts["failed"] += _acceptance_end(pk, AcceptanceStatus.FAILED, error=message)
                continue
            SurveyAcceptance.objects.filter(pk=pk).update(
                status=AcceptanceStatus.QUEUED, task_id="", lease_expires_at=lease_until()
            )
            queue_after_commit(ACCEPT_TASK, pk)
            counts["requeued"] += 1
    return counts
