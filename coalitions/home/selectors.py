"""Reads for the coalition's home page."""

from allies.models import Actor
from coalitions.align.models import UnityStatement
from coalitions.connect.selectors import member_count
from coalitions.models import Coalition, Role
from coalitions.stewardship.models import Invitation
from networks.models import Tie


def coalition_overview(coalition: Coalition, *, include_sensitive: bool) -> dict:
    """Headline counts for a coalition's home page: one count per table (three queries), never
    a join of the coalition's actors with its memberships, which grows with their product."""
    actors = Actor.objects.filter(coalition=coalition)
    if not include_sensitive:
        actors = actors.filter(is_sensitive=False)
    return {
        "actors": actors.count(),
        "members": member_count(coalition, include_sensitive=include_sensitive),
        "ties": Tie.objects.filter(coalition=coalition)
        .visible(include_sensitive=include_sensitive)
        .count(),
    }


def first_steps(coalition: Coalition) -> list[dict]:
    """What a new coalition's steward does first, each step marked done when it is."""
    invited = (
        Invitation.objects.filter(coalition=coalition).exists()
        or Role.objects.current().filter(coalition=coalition).count() > 1
    )
    return [
        {
            "key": "invite",
            "title": "Invite the people you organise with",
            "why": "Organizers and weavers to map and run the coalition, members to speak for "
            "their organisations.",
            "url_name": "settings-members",
            "done": invited,
        },
        {
            "key": "actors",
            "title": "Add or import the actors",
            "why": "Organisations and people, your allies and the decision-makers: from a Kumu "
            "or Gephi file, a spreadsheet, or one by one on the map.",
            "url_name": "transfer-import",
            "done": Actor.objects.filter(coalition=coalition).exists(),
        },
        {
            "key": "statement",
            "title": "Write the unity statement",
            "why": "What the coalition stands for, in words every member can sign.",
            "url_name": "workflow-statements",
            "done": UnityStatement.objects.filter(coalition=coalition).exists(),
        },
    ]
