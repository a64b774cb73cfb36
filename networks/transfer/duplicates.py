"""Likely duplicates already in a coalition, found by the import's matcher."""

from allies.models import Actor
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
