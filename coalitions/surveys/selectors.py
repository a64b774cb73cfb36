"""Reads of relationship surveys, shared by pages, the API and tasks."""

from collections import Counter

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from allies.models import Actor
from coalitions.roles import Access, Permission
from coalitions.surveys import figures
from coalitions.surveys.models import (
    QuestionKind,
    RelationshipAnswer,
    RoundStatus,
    SurveyAnswer,
    SurveyQuestion,
    SurveyRespondent,
    SurveyRound,
)
from networks.models import Tie
from weft.tokens import token_hash
from weft.vocabulary import SURVEY_ANSWER_DEFINITION


# Survey answers: one definition, used by the rounds and results pages and the reports.
def answered_respondents(*, include_sensitive: bool) -> QuerySet:
    """The respondents whose answers count (SURVEY_ANSWER_DEFINITION): they sent them.
    Without ``include_sensitive``, sensitive respondents are left out, as if they had not
    answered (members, funders, the reports)."""
    rows = SurveyRespondent.objects.filter(submitted_at__isnull=False)
    if not include_sensitive:
        rows = rows.exclude(
            Q(organisation__is_sensitive=True)
            | Q(organisation__isnull=True, person__is_sensitive=True)
        )
    return rows


def rounds(access: Access) -> QuerySet:
    """The coalition's rounds with their counts of respondents and of answers sent
    (SURVEY_ANSWER_DEFINITION)."""
    answered = (
        answered_respondents(include_sensitive=access.sees_sensitive)
        .filter(round_id=OuterRef("pk"))
        .order_by()
        .values("round_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return SurveyRound.objects.filter(coalition=access.coalition).annotate(
        respondent_count=Count("respondents", distinct=True),
        answered_count=Coalesce(
            Subquery(answered, output_field=IntegerField()), 0, output_field=IntegerField()
        ),
    )


def round_for_weaver(access: Access, round_id: int) -> SurveyRound | None:
    access.require(Permission.WORKFLOW_EDIT)
    return (
        SurveyRound.objects.filter(coalition=access.coalition, pk=round_id)
        .prefetch_related(
            Prefetch("questions", queryset=SurveyQuestion.objects.order_by("position", "id")),
            Prefetch(
                "respondents",
                queryset=SurveyRespondent.objects.select_related("organisation", "person"),
            ),
        )
        .first()
    )


def respondent_by_link_hash(hashed: str) -> SurveyRespondent | None:
    if not hashed:
        return None
    return (
        SurveyRespondent.objects.select_related("round__coalition", "organisation", "person")
        .filter(token_hash=hashed)
        .first()
    )


def link_hash(token: str) -> str:
    return token_hash(token)


def respondent_for_user(access: Access, round_id: int) -> SurveyRespondent | None:
    """The respondent a signed-in user answers as: the person they are on the map, or the
    organisation they speak for as its designee."""
    if access.person_id is None:
        return None
    rows = SurveyRespondent.objects.select_related(
        "round__coalition", "organisation", "person"
    ).filter(round_id=round_id, round__coalition=access.coalition, person_id=access.person_id)
    return rows.first()


def open_rounds_for_user(access: Access) -> QuerySet:
    """Rounds the signed-in user is a respondent of (for the home page)."""
    if access.person_id is None:
        return SurveyRespondent.objects.none()
    return SurveyRespondent.objects.select_related("round").filter(
        round__coalition=access.coalition, person_id=access.person_id, round__status="open"
    )


def relationship_rows(respondent: SurveyRespondent, question: SurveyQuestion) -> QuerySet:
    return (
        RelationshipAnswer.objects.filter(respondent=respondent, question=question)
        .select_related("actor", "introduce_to")
        .order_by("id")
    )


def round_results(access: Access, survey_round: SurveyRound) -> dict:
    """Everything the results page shows, from answers that were sent (a few queries)."""
    respondents = list(survey_round.respondents.all())
    sent = list(
        answered_respondents(include_sensitive=access.sees_sensitive).filter(round=survey_round)
    )
    answered = {r.actor_id for r in sent}
    rows = RelationshipAnswer.objects.filter(
        respondent__round=survey_round,
        respondent__submitted_at__isnull=False,
        actor__isnull=False,
    ).select_related("respondent")
    if not access.sees_sensitive:
        rows = rows.exclude(actor__is_sensitive=True)
    reports = [(row.respondent.actor_id, row.actor_id, row.strength) for row in rows]
    reciprocity = figures.reciprocity(reports, answered)
    ties = Tie.objects.filter(coalition=access.coalition).current(timezone.localdate())
    if not access.sees_sensitive:
        ties = ties.filter(is_sensitive=False)
    comparison = figures.reported_against_drawn(
        [(a, b) for a, b, _ in reports], ties.values_list("source_id", "target_id"), answered
    )
    names = dict(
        Actor.objects.filter(coalition=access.coalition)
        .visible(include_sensitive=access.sees_sensitive)
        .values_list("pk", "name")
    )
    threshold = access.coalition.reports_small_count_threshold
    tallies = []
    answers = SurveyAnswer.objects.filter(
        respondent__round=survey_round, respondent__submitted_at__isnull=False
    )
    for question in survey_round.questions.exclude(
        kind__in=[QuestionKind.RELATIONSHIP_GRID, QuestionKind.FREE_TEXT]
    ):
        counts: Counter = Counter()
        for answer in answers:
            if answer.question_id != question.pk:
                continue
            for choice in answer.choices:
                counts[choice] += 1
            if answer.scale:
                counts[str(answer.scale)] += 1
        options = question.choices or [str(n) for n in range(1, 6)]
        tallies.append(
            {
                "question": question,
                "counts": [(o, figures.small_count(counts[o], threshold)) for o in options],
                # For the chart: a count under the rule is no bar at all (None), not its value.
                "chart_counts": [None if 0 < counts[o] < threshold else counts[o] for o in options],
            }
        )
    return {
        "respondent_count": len(respondents),
        "answered_count": len(sent),
        "answer_definition": SURVEY_ANSWER_DEFINITION,
        "over_time": figures.response_over_time(
            [r.submitted_at.date() for r in sent], len(respondents)
        ),
        "reciprocity": reciprocity,
        "comparison": comparison,
        "names": names,
        "tallies": tallies,
        "threshold": threshold,
    }


# -- A round against the one before ---------------------------------------------------------


def finished_rounds(coalition_id: int, today=None) -> QuerySet:
    """Rounds with a relationship grid that are over (closed, or past their closing day),
    oldest first: the rounds compared one with the next."""
    today = today or timezone.localdate()
    return (
        SurveyRound.objects.filter(
            coalition_id=coalition_id,
            questions__kind=QuestionKind.RELATIONSHIP_GRID,
        )
        .exclude(status=RoundStatus.DRAFT)
        .filter(Q(status=RoundStatus.CLOSED) | Q(closes_on__lt=today))
        .distinct()
        .order_by("closes_on", "id")
    )


def previous_round(survey_round: SurveyRound) -> SurveyRound | None:
    """The finished round that closed before this one (the latest such)."""
    return (
        finished_rounds(survey_round.coalition_id)
        .exclude(pk=survey_round.pk)
        .filter(
            Q(closes_on__lt=survey_round.closes_on)
            | Q(closes_on=survey_round.closes_on, pk__lt=survey_round.pk)
        )
        .last()
    )


def round_network(survey_round: SurveyRound, *, include_sensitive: bool) -> figures.RoundNetwork:
    """What the respondents who sent their answers reported (two queries). Without
    ``include_sensitive``, sensitive respondents and answers naming a sensitive actor are
    left out, as if never given."""
    respondents = answered_respondents(include_sensitive=include_sensitive).filter(
        round=survey_round
    )
    rows = RelationshipAnswer.objects.filter(
        respondent__round=survey_round,
        respondent__submitted_at__isnull=False,
        actor__isnull=False,
    )
    if not include_sensitive:
        rows = rows.exclude(actor__is_sensitive=True).exclude(
            Q(respondent__organisation__is_sensitive=True)
            | Q(respondent__organisation__isnull=True, respondent__person__is_sensitive=True)
        )
    answered = {
        org or person for org, person in respondents.values_list("organisation_id", "person_id")
    }
    reports = [
        (org or person, named, strength)
        for org, person, named, strength in rows.values_list(
            "respondent__organisation_id", "respondent__person_id", "actor_id", "strength"
        )
    ]
    return figures.round_network(reports, answered)


def round_comparison(
    survey_round: SurveyRound, *, include_sensitive: bool
) -> tuple[figures.RoundComparison, SurveyRound | None]:
    """The round against the finished round before it (five queries at most)."""
    before = previous_round(survey_round)
    comparison = figures.RoundComparison(
        current=round_network(survey_round, include_sensitive=include_sensitive),
        previous=(round_network(before, include_sensitive=include_sensitive) if before else None),
    )
    return comparison, before


def latest_comparison(
    coalition_id: int, *, include_sensitive: bool, since=None, until=None
) -> tuple[figures.RoundComparison | None, SurveyRound | None, SurveyRound | None]:
    """The latest finished round (that closed from ``since`` to ``until``, when given) against
    the one before it: (comparison, the round, the round before), or Nones."""
    rounds = finished_rounds(coalition_id)
    if since is not None:
        rounds = rounds.filter(closes_on__gte=since)
    if until is not None:
        rounds = rounds.filter(closes_on__lte=until)
    latest = rounds.last()
    if latest is None:
        return None, None, None
    comparison, before = round_comparison(latest, include_sensitive=include_sensitive)
    return comparison, latest, before
