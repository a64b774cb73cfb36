"""Reads of the interaction pages, scoped to the coalition and the role."""

from django.db.models import Prefetch

from allies.models import Actor
from networks.models import Interaction, InteractionParticipant


def participant_choices(access):
    """The actors an interaction may name: the coalition's, as the role may see them."""
    return (
        Actor.objects.filter(coalition=access.coalition)
        .visible(include_sensitive=access.sees_sensitive)
        .only("id", "name", "kind")
        .order_by("name", "id")
    )


def _with_participants(rows, access):
    people = InteractionParticipant.objects.select_related("actor").order_by("actor__name")
    if not access.sees_sensitive:
        # A sensitive participant is not named to a role that may not see them.
        people = people.filter(actor__is_sensitive=False)
    return rows.prefetch_related(Prefetch("participations", queryset=people))


def interactions_of(access, actor):
    """The interactions ``actor`` took part in, newest first, with their visible participants
    (two queries)."""
    rows = Interaction.objects.filter(coalition=access.coalition, participations__actor=actor)
    return _with_participants(rows.distinct().order_by("-occurred_on", "-id"), access)


def interaction_for(access, pk: int):
    """One interaction of the coalition, or None."""
    rows = Interaction.objects.filter(coalition=access.coalition, pk=pk)
    return _with_participants(rows, access).first()


def interactions_between(access, actor, other):
    """The interactions both ``actor`` and ``other`` took part in, newest first, with their
    visible participants (two queries)."""
    rows = Interaction.objects.filter(coalition=access.coalition, participations__actor=actor)
    rows = rows.filter(participations__actor=other)
    return _with_participants(rows.distinct().order_by("-occurred_on", "-id"), access)
