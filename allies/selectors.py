"""Reads of actors and assessments, shared by pages, API and tasks."""

import datetime

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from allies.models import Actor, AllyAssessment, ContactDetail
from coalitions.roles import Access

CURRENT_ASSESSMENT_FIELDS = ("stance", "ally_kind", "influence", "proximity", "commitment")


def latest_assessment(as_of: datetime.date | None = None) -> QuerySet[AllyAssessment]:
    """Correlated subquery: an actor's latest assessment on or before ``as_of``."""
    latest = AllyAssessment.objects.filter(actor_id=OuterRef("pk"))
    if as_of is not None:
        latest = latest.filter(assessed_on__lte=as_of)
    return latest.order_by("-assessed_on", "-created_at", "-id")


def with_current_assessment(
    actors: QuerySet[Actor], as_of: datetime.date | None = None
) -> QuerySet[Actor]:
    """Annotate ``current_<field>`` for the assessment in force on ``as_of`` (today's when
    None), in the same query as the actors: filterable and orderable."""
    latest = latest_assessment(as_of)
    return actors.annotate(
        **{
            f"current_{field}": Subquery(latest.values(field)[:1])
            for field in (*CURRENT_ASSESSMENT_FIELDS, "assessed_on")
        }
    )


def actor_list(access: Access) -> QuerySet[Actor]:
    """Actors the role may see, with tags, current assessment and (for roles that may see
    personal data) contact details: three queries for any page size."""
    actors = Actor.objects.filter(coalition=access.coalition).visible(
        include_sensitive=access.sees_sensitive
    )
    actors = with_current_assessment(actors).prefetch_related("tags")
    if access.sees_contacts:
        actors = actors.prefetch_related(
            Prefetch(
                "contact_details", queryset=ContactDetail.objects.order_by("-is_primary", "id")
            )
        )
    return actors


def assessment_list(access: Access) -> QuerySet[AllyAssessment]:
    return AllyAssessment.objects.filter(
        actor__coalition=access.coalition,
        **({} if access.sees_sensitive else {"actor__is_sensitive": False}),
    ).select_related("assessed_by")


def contact_list(access: Access) -> QuerySet[ContactDetail]:
    return ContactDetail.objects.filter(
        actor__coalition=access.coalition,
        **({} if access.sees_sensitive else {"actor__is_sensitive": False}),
    )


def custom_field_names(coalition) -> list[str]:
    """The custom fields the coalition's actors carry (imported from Kumu and the like, or
    added on an actor's page): what an actor's page offers to fill in."""
    names: set[str] = set()
    for fields in Actor.objects.filter(coalition=coalition).values_list("custom_fields", flat=True):
        names.update((fields or {}).keys())
    return sorted(names)
