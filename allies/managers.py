"""QuerySets for actors and assessments: the scoping every read goes through."""

import datetime

from django.db import models
from django.db.models import OuterRef, Subquery


class ActorQuerySet(models.QuerySet):
    def in_coalition(self, coalition_id: int) -> "ActorQuerySet":
        return self.filter(coalition_id=coalition_id)

    def visible(self, *, include_sensitive: bool) -> "ActorQuerySet":
        """Sensitive actors exist only for the roles allowed to see them (roles module)."""
        return self if include_sensitive else self.filter(is_sensitive=False)

    def with_current_assessment_id(self, as_of: datetime.date | None = None) -> "ActorQuerySet":
        """Annotate ``current_assessment_id``: the latest assessment on or before ``as_of``
        (today's when None). One correlated subquery, so a page of actors stays one query."""
        # The assessments' model through the relation: it is defined after this QuerySet.
        assessments = self.model._meta.get_field("assessments").related_model
        latest = assessments.objects.filter(actor_id=OuterRef("pk"))
        if as_of is not None:
            latest = latest.filter(assessed_on__lte=as_of)
        latest = latest.order_by("-assessed_on", "-created_at", "-id").values("id")[:1]
        return self.annotate(current_assessment_id=Subquery(latest))


class AssessmentQuerySet(models.QuerySet):
    def current(self, as_of: datetime.date | None = None) -> "AssessmentQuerySet":
        """The one assessment per actor that was in force on ``as_of`` (latest otherwise)."""
        # The actors' model through the relation: it is defined after this QuerySet.
        actor_model = self.model._meta.get_field("actor").related_model
        actors = actor_model.objects.filter(pk=OuterRef("actor_id")).with_current_assessment_id(
            as_of
        )
        return self.filter(pk=Subquery(actors.values("current_assessment_id")[:1]))
