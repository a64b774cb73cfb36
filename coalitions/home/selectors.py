"""Reads for the coalition's home page."""

from django.db.models import Count, Q

from coalitions.models import Coalition


def coalition_overview(coalition: Coalition, *, include_sensitive: bool) -> dict:
    """Headline counts for a coalition's home page (two queries)."""
    actor_filter = Q() if include_sensitive else Q(actors__is_sensitive=False)
    counts = Coalition.objects.filter(pk=coalition.pk).aggregate(
        actors=Count("actors", filter=actor_filter, distinct=True),
        members=Count("memberships", filter=Q(memberships__left_on__isnull=True), distinct=True),
    )
    from networks.models import Tie

    counts["ties"] = (
        Tie.objects.filter(coalition=coalition).visible(include_sensitive=include_sensitive).count()
    )
    return counts
