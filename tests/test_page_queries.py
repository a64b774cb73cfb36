"""No page quietly grows (issue #24): each main page runs the same number of queries for a
coalition of 10 actors as for one of 1,000 (with assessments, ties, interactions, members
and tags alike), so a query per row shows up here at once.

The Connect page is left out while issue #17 rewrites it; the API lists and the map endpoint
are pinned in tests/test_api_core.py."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from allies.models import Actor, AllyAssessment, Tag
from coalitions.connect.models import Membership
from networks.models import ActorPosition, Interaction, InteractionParticipant, Tie
from weft.vocabulary import MemberPhase

DAY = datetime.date(2026, 1, 5)

# (URL under /coalitions/<id>/, the persona who reads it)
PAGES = [
    ("", "steward"),
    ("", "member"),
    ("map/", "organizer"),
    ("map/table/", "organizer"),
    ("map/table/", "member"),
    ("dashboard/", "organizer"),
    ("skills/", "organizer"),
    ("pipeline/", "organizer"),
    ("statements/", "organizer"),
    ("proposals/", "organizer"),
    ("health/", "organizer"),
    ("equity/", "organizer"),
    ("principles/", "organizer"),
    ("targets/", "organizer"),
    ("targets/", "member"),
    ("produce/", "organizer"),
    ("activity/", "organizer"),
    ("reports/", "organizer"),
    ("surveys/", "organizer"),
    ("import/", "organizer"),
    ("duplicates/", "organizer"),
    ("settings/members/", "steward"),
    ("settings/privacy/", "steward"),
    ("settings/audit/", "steward"),
    ("voting/", "member"),
    ("health-check/", "member"),
]


def grow(coalition, total: int) -> None:
    """Bring the coalition to ``total`` actors (more are added to those there), each with two
    assessments, a position and a tag; a tie and an interaction per actor; every fifth an
    organisation that is a member."""
    start = Actor.objects.filter(coalition=coalition).count()
    actors = Actor.objects.bulk_create(
        [
            Actor(
                coalition=coalition,
                name=f"Org {start + i}",
                kind="organisation",
                is_sensitive=i % 10 == 0,
            )
            for i in range(total - start)
        ]
    )
    AllyAssessment.objects.bulk_create(
        [
            AllyAssessment(
                actor=actor,
                stance=stance,
                ally_kind="natural",
                influence=2,
                proximity=3,
                commitment=2,
                assessed_on=DAY + datetime.timedelta(days=k),
            )
            for actor in actors
            for k, stance in enumerate(("neutral", "passive_ally"))
        ]
    )
    ActorPosition.objects.bulk_create(
        [ActorPosition(actor=actor, x=float(i), y=float(-i)) for i, actor in enumerate(actors)]
    )
    tag = Tag.objects.get_or_create(coalition=coalition, name="housing")[0]
    tag.actors.add(*actors)
    Tie.objects.bulk_create(
        [
            Tie(coalition=coalition, source=a, target=b, strength=3, started_on=DAY)
            for a, b in zip(actors, actors[1:], strict=False)
        ]
    )
    meetings = Interaction.objects.bulk_create(
        [Interaction(coalition=coalition, kind="one_to_one", occurred_on=DAY) for _ in actors[1:]]
    )
    InteractionParticipant.objects.bulk_create(
        [
            InteractionParticipant(interaction=meeting, actor=actor)
            for meeting, a, b in zip(meetings, actors, actors[1:], strict=False)
            for actor in (a, b)
        ]
    )
    Membership.objects.bulk_create(
        [
            Membership(coalition=coalition, organisation=actor, phase=MemberPhase.CONNECT)
            for actor in actors[::5]
        ]
    )


@pytest.mark.parametrize(("path", "persona"), PAGES)
def test_a_page_runs_as_many_queries_for_1000_actors_as_for_10(
    client_for, coalition, path, persona
):
    client = client_for(persona)
    url = f"/coalitions/{coalition.pk}/{path}"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return len(captured)

    grow(coalition, 10)
    queries()  # once first: what a session caches on its first page is not counted
    at_10 = queries()
    grow(coalition, 1000)
    at_1000 = queries()
    assert at_1000 == at_10, f"{url} as {persona}: {at_10} queries at 10 actors, {at_1000} at 1,000"
