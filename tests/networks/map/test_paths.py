"""Who can reach an actor: the strongest paths from the coalition's members, on networks
whose answer is known by hand, and through the API for each role."""

import datetime

import pytest

from networks.graph.paths import strongest_paths
from tests.allies.factories import ActorFactory
from tests.api_helpers import url
from tests.coalitions.factories import MembershipFactory
from tests.networks.factories import TieFactory
from weft.vocabulary import ActorKind

# The pure function: ties as (id, one end, other end, strength).


def test_two_strong_ties_beat_one_weak_direct_tie():
    ties = [(1, 10, 99, 1), (2, 10, 20, 5), (3, 20, 99, 5)]
    (path,) = strongest_paths(99, ties, sources=[10])
    assert path.actors == (10, 20, 99)
    assert path.ties == (2, 3)
    assert path.strength == 1.0


def test_a_direct_strong_tie_beats_an_equally_strong_chain():
    ties = [(1, 10, 99, 5), (2, 10, 20, 5), (3, 20, 99, 5)]
    (path,) = strongest_paths(99, ties, sources=[10])
    assert path.actors == (10, 99)


def test_members_are_ranked_by_the_strength_of_their_best_path():
    # 10 reaches 99 at 4/5 = 0.8; 11 at 3/5 * 5/5 = 0.6; 12 not at all.
    ties = [(1, 10, 99, 4), (2, 11, 30, 3), (3, 30, 99, 5), (4, 12, 40, 5)]
    paths = strongest_paths(99, ties, sources=[11, 12, 10])
    assert [(p.source, p.strength) for p in paths] == [(10, 0.8), (11, 0.6)]


def test_an_undeclared_strength_counts_as_a_middling_tie():
    (path,) = strongest_paths(99, [(1, 10, 99, None)], sources=[10])
    assert path.strength == 0.6


def test_the_target_is_not_its_own_messenger_and_the_limit_holds():
    ties = [(i, i, 99, 5) for i in range(1, 10)]
    paths = strongest_paths(99, ties, sources=[99, *range(1, 10)], limit=3)
    assert [p.source for p in paths] == [1, 2, 3]


# Through the API.


@pytest.fixture
def reach(coalition, personas, member_org):
    def actor(name, kind=ActorKind.ORGANISATION, **extra):
        return ActorFactory(coalition=coalition, name=name, kind=kind, **extra)

    faith, clerk, mayor = actor("Faith"), actor("Clerk", ActorKind.PERSON), actor("Mayor")
    secret = actor("Secret ally", is_sensitive=True)
    for org in (member_org, faith):
        MembershipFactory(coalition=coalition, organisation=org)
    TieFactory(coalition=coalition, source=faith, target=mayor, strength=1)
    TieFactory(coalition=coalition, source=faith, target=clerk, strength=5)
    TieFactory(coalition=coalition, source=clerk, target=mayor, strength=5)
    # The union's only way in runs through a sensitive actor, and an ended tie.
    TieFactory(coalition=coalition, source=member_org, target=secret, strength=5)
    TieFactory(coalition=coalition, source=secret, target=mayor, strength=5)
    TieFactory(
        coalition=coalition,
        source=member_org,
        target=clerk,
        strength=5,
        ended_on=datetime.date(2020, 1, 1),
    )
    return {"faith": faith, "clerk": clerk, "mayor": mayor, "union": member_org, "secret": secret}


def test_an_organizer_gets_the_strongest_paths_ranked(client_for, coalition, reach):
    response = client_for("organizer").get(url(coalition, "paths") + f"?to={reach['mayor'].pk}")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert paths[0]["actors"] == [reach["union"].pk, reach["secret"].pk, reach["mayor"].pk]
    assert paths[1]["actors"] == [reach["faith"].pk, reach["clerk"].pk, reach["mayor"].pk]
    assert paths[1]["strength"] == 1.0


def test_a_member_gets_no_path_through_a_sensitive_actor_and_none_over_ended_ties(
    client_for, coalition, reach
):
    response = client_for("member").get(url(coalition, "paths") + f"?to={reach['mayor'].pk}")
    paths = response.json()["paths"]
    assert [p["source"] for p in paths] == [reach["faith"].pk]
    assert reach["secret"].pk not in {a for p in paths for a in p["actors"]}


def test_paths_to_a_sensitive_actor_are_a_404_for_a_member(client_for, coalition, reach):
    response = client_for("member").get(url(coalition, "paths") + f"?to={reach['secret'].pk}")
    assert response.status_code == 404


def test_a_missing_or_wrong_target_is_a_400_naming_it(client_for, coalition, reach):
    client = client_for("organizer")
    for query in ("", "?to=abc", "?to=0"):
        response = client.get(url(coalition, "paths") + query)
        assert response.status_code == 400
        assert "to" in response.json()


def test_paths_to_an_actor_of_another_coalition_are_a_404(client_for, coalition, reach, make_user):
    from coalitions.services import coalition_create

    other = coalition_create(name="Elsewhere", created_by=make_user("someone"))
    stranger = ActorFactory(coalition=other, name="Stranger", kind=ActorKind.PERSON)
    response = client_for("organizer").get(url(coalition, "paths") + f"?to={stranger.pk}")
    assert response.status_code == 404


def test_paths_take_a_fixed_number_of_queries(
    client_for, coalition, reach, django_assert_num_queries
):
    client = client_for("organizer")
    # session, user, role (access), the target's visibility, ties, members, stances
    with django_assert_num_queries(7):
        client.get(url(coalition, "paths") + f"?to={reach['mayor'].pk}")


def test_no_path_runs_through_a_blocked_actor_but_the_target_may_be_one():
    # The strongest route from 10 to 99 is through 20 (5, 5); 20 is an opponent, so the weak
    # direct tie is all there is. The target 99 is itself an opponent: it is still reached.
    ties = [(1, 10, 99, 1), (2, 10, 20, 5), (3, 20, 99, 5)]
    (path,) = strongest_paths(99, ties, sources=[10], blocked={20, 99})
    assert path.actors == (10, 99)
    assert strongest_paths(99, ties[1:], sources=[10], blocked={20}) == []


@pytest.mark.django_db
def test_who_can_reach_them_avoids_opponents_and_conflict_ties_and_explains_each_step(
    client_for, coalition, member_org
):
    """Hand-built: the union reaches the Mayor most strongly through the Landlord (5, 5),
    who is in active opposition; through a conflict tie to the Developer (5) and on (5);
    the right answer is the weaker chain through the neutral Clerk (4, 4)."""
    from tests.allies.factories import AllyAssessmentFactory

    def actor(name, stance=None):
        row = ActorFactory(coalition=coalition, name=name, kind=ActorKind.ORGANISATION)
        if stance:
            AllyAssessmentFactory(
                actor=row,
                stance=stance,
                ally_kind="strategic",
                assessed_on=datetime.date(2026, 1, 1),
            )
        return row

    MembershipFactory(coalition=coalition, organisation=member_org)
    landlord = actor("Landlord", "active_opposition")
    developer = actor("Developer", "passive_ally")
    clerk = actor("Clerk", "neutral")
    mayor = actor("Mayor", "passive_opposition")
    TieFactory(coalition=coalition, source=member_org, target=landlord, strength=5)
    TieFactory(coalition=coalition, source=landlord, target=mayor, strength=5)
    TieFactory(
        coalition=coalition, source=member_org, target=developer, strength=5, kind="conflict"
    )
    TieFactory(coalition=coalition, source=developer, target=mayor, strength=5)
    first = TieFactory(coalition=coalition, source=member_org, target=clerk, strength=4)
    second = TieFactory(
        coalition=coalition, source=clerk, target=mayor, strength=4, kind="communication"
    )

    response = client_for("organizer").get(url(coalition, "paths") + f"?to={mayor.pk}")
    assert response.status_code == 200
    (path,) = response.json()["paths"]
    assert path["actors"] == [member_org.pk, clerk.pk, mayor.pk]
    assert path["strength"] == 0.64
    assert path["steps"] == [
        {
            "tie": first.pk,
            "source": member_org.pk,
            "target": clerk.pk,
            "kind": first.kind,
            "strength": 4,
        },
        {
            "tie": second.pk,
            "source": clerk.pk,
            "target": mayor.pk,
            "kind": "communication",
            "strength": 4,
        },
    ]
    assert path["neutrals"] == [clerk.pk]
