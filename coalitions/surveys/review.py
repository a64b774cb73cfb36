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

from collections import defaultdict
from statistics import mean

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from allies.models import Actor
from allies.services.actors import actor_create
from coalitions.connect.services import membership_create
from coalitions.roles import Access, Permission
from coalitions.surveys.models import RelationshipAnswer, Review, SurveyRound
from networks.models import Suggestion, SuggestionKind, SuggestionStatus, Tie
from networks.services import interaction_create, tie_create
from networks.transfer.names import NameIndex, normalise_name
from weft.errors import ApplicationError
from weft.vocabulary import ActorKind, InteractionKind, MemberPhase

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
    actor). Returns how many answers were accepted. All or nothing."""
    survey_round = _round_for_review(access, round_id)
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
    changed = (
        pending_rows(survey_round)
        .filter(pk=relationship_id)
        .update(review=Review.REJECTED, reviewed_by=access.user, reviewed_at=timezone.now())
    )
    if not changed:
        raise ApplicationError(
            "This answer was already reviewed.", status=409, code="already_reviewed"
        )
