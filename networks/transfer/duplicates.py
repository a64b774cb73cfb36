"""Likely duplicates already in a coalition, found by the import's matcher."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce

from allies.models import Actor, AllyAssessment, Tag
from coalitions.connect.models import Membership
from networks.models import InteractionParticipant, Tie
from networks.transfer.names import match_within, normalise_name

MAX_LISTED = 200


def coalition_duplicates(access) -> list[dict]:
    """Pairs of visible actors whose normalised names match, best first (one query)."""
    actors = dict(
        Actor.objects.filter(coalition=access.coalition)
        .visible(include_sensitive=access.sees_sensitive)
        .order_by("pk")
        .values_list("pk", "name")
    )
    matches = match_within({pk: normalise_name(name) for pk, name in actors.items()})
    return [
        {
            "actor": m.left,
            "actor_name": actors[m.left],
            "other": m.right,
            "other_name": actors[m.right],
            "score": m.score,
        }
        for m in matches[:MAX_LISTED]
    ]


def _count_of(model, field: str):
    """How many ``model`` rows point at the actor: one correlated subquery."""
    rows = (
        model._default_manager.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(rows), 0)


def actor_facts(access, actor_ids) -> dict[int, Actor]:
    """The actors of a duplicates page with what tells two of them apart: ties, interactions,
    assessments, the current stance, tags, membership. A fixed number of queries (three)
    however many actors the page shows."""
    actors = (
        Actor.objects.filter(coalition=access.coalition, pk__in=list(actor_ids))
        .visible(include_sensitive=access.sees_sensitive)
        .with_current_assessment_id()
        .annotate(
            ties_out_count=_count_of(Tie, "source"),
            ties_in_count=_count_of(Tie, "target"),
            interactions_count=_count_of(InteractionParticipant, "actor"),
            assessments_count=_count_of(AllyAssessment, "actor"),
            is_member=Exists(Membership.objects.filter(organisation=OuterRef("pk"))),
        )
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
    )
    found = {actor.pk: actor for actor in actors}
    current = AllyAssessment.objects.in_bulk(
        [a.current_assessment_id for a in found.values() if a.current_assessment_id]
    )
    for actor in found.values():
        actor.ties_count = actor.ties_out_count + actor.ties_in_count
        actor.current_assessment = current.get(actor.current_assessment_id)
    return found
