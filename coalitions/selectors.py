"""Reads about coalitions, shared by pages, API and tasks."""

from django.db.models import QuerySet

from coalitions.models import Coalition
from weft.vocabulary import CoalitionPhase


def coalition_list_for(user) -> QuerySet[Coalition]:
    """The coalitions a user holds a role in, with that role, in one query."""
    return Coalition.objects.for_user(user).order_by("name", "id")


def coalition_phase_history(coalition) -> list[dict]:
    """Each phase the coalition has been in, oldest first, with who moved it there and when:
    read from the coalition's history (one query)."""

    labels = dict(CoalitionPhase.choices)
    rows = (
        Coalition.history.filter(id=coalition.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    changes, previous = [], None
    for record in rows:
        if record.phase != previous:
            changes.append(
                {
                    "phase": record.phase,
                    "label": labels.get(record.phase, record.phase),
                    "from_label": labels.get(previous, "") if previous else "",
                    "when": record.history_date,
                    "who": record.history_user.get_username() if record.history_user else None,
                }
            )
            previous = record.phase
    return changes
