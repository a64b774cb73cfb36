"""Reads of relationship surveys, shared by pages, the API and tasks."""

from django.db.models import Count, Prefetch, Q, QuerySet

from coalitions.roles import Access, Permission
from coalitions.surveys.models import (
    RelationshipAnswer,
    SurveyQuestion,
    SurveyRespondent,
    SurveyRound,
)
from weft.tokens import token_hash


def rounds(access: Access) -> QuerySet:
    """The coalition's rounds with their counts of respondents and of answers sent."""
    return SurveyRound.objects.filter(coalition=access.coalition).annotate(
        respondent_count=Count("respondents", distinct=True),
        answered_count=Count(
            "respondents", filter=Q(respondents__submitted_at__isnull=False), distinct=True
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
