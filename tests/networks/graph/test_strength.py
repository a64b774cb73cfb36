"""Relationship strength (networks/strength.py) on cases worked by hand."""

import math
import random
from datetime import date, timedelta

import pytest

from networks.graph.strength import (
    DEFAULT_WEIGHTS,
    Relationship,
    StrengthSettings,
    relationship_strengths,
)
from weft.vocabulary import InteractionKind

TODAY = date(2026, 6, 1)


def days_ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def test_the_default_weights_cover_exactly_the_interaction_kinds():
    assert set(DEFAULT_WEIGHTS) == set(InteractionKind.values)
    assert StrengthSettings() == StrengthSettings.from_overrides({})
    assert StrengthSettings.from_overrides(None).half_life_days == 180


def test_a_one_to_one_meeting_today_is_evidence_1():
    # E = 1.0 × 0.5^(0/180) = 1; observed 1 − e^−1 = 0.63212…
    result = relationship_strengths([("one_to_one", TODAY, (1, 2))], {}, TODAY)
    assert result == {
        (1, 2): Relationship(
            evidence=1.0,
            observed=pytest.approx(1 - math.exp(-1)),
            declared=None,
            strength=pytest.approx(0.6321205588),
            inferred=True,
        )
    }


def test_the_same_meeting_a_half_life_ago_counts_half():
    # E = 1.0 × 0.5^(180/180) = 0.5; observed 1 − e^−0.5 = 0.39347…
    (relationship,) = relationship_strengths(
        [("one_to_one", days_ago(180), (2, 1))], {}, TODAY
    ).values()
    assert relationship.evidence == pytest.approx(0.5)
    assert relationship.strength == pytest.approx(0.3934693403)


def test_two_half_lives_ago_counts_a_quarter():
    # A joint action 360 days ago: E = 0.8 × 0.5^2 = 0.2.
    (relationship,) = relationship_strengths(
        [("joint_action", days_ago(360), (1, 2))], {}, TODAY
    ).values()
    assert relationship.evidence == pytest.approx(0.2)


def test_a_joint_action_of_four_gives_each_of_its_six_pairs_a_third_of_its_weight():
    # n = 4: each pair gets 0.8 / (4 − 1) = 0.26667; observed 1 − e^−0.26667 = 0.2340717
    result = relationship_strengths([("joint_action", TODAY, (4, 1, 3, 2))], {}, TODAY)
    assert sorted(result) == [(1, 2), (1, 3), (1, 4), (2, 3), (2, 4), (3, 4)]
    for relationship in result.values():
        assert relationship.evidence == pytest.approx(0.8 / 3)
        assert relationship.strength == pytest.approx(0.2340717, abs=1e-7)


def test_evidence_adds_up_over_interactions():
    # One-to-one today (1.0) + working-group session of 3, 180 days ago (0.5 / 2 × 0.5 = 0.125)
    # + communication today (0.2) + co-attended event of 2 today (0.3): E = 1.625,
    # observed 1 − e^−1.625 = 0.8030883
    interactions = [
        ("one_to_one", TODAY, (1, 2)),
        ("working_group_session", days_ago(180), (1, 2, 3)),
        ("communication", TODAY, (1, 2)),
        ("co_attended_event", TODAY, (2, 1)),
    ]
    result = relationship_strengths(interactions, {}, TODAY)
    assert result[(1, 2)].evidence == pytest.approx(1.625)
    assert result[(1, 2)].strength == pytest.approx(0.8030883, abs=1e-7)
    assert result[(1, 3)].evidence == pytest.approx(0.125)
    assert result[(2, 3)].evidence == pytest.approx(0.125)


def test_a_declared_strength_alone_counts_as_a_fifth_of_it():
    # d = 4, no interactions: 4 / 5 = 0.8.
    result = relationship_strengths([], {(2, 1): 4}, TODAY)
    assert result == {
        (1, 2): Relationship(evidence=0.0, observed=0.0, declared=4, strength=0.8, inferred=False)
    }


def test_declared_and_observed_strengths_are_averaged():
    # Observed 1 − e^−1 = 0.63212 (one-to-one today), declared 4 → 0.8: mean 0.71606…
    (relationship,) = relationship_strengths(
        [("one_to_one", TODAY, (1, 2))], {(1, 2): 4}, TODAY
    ).values()
    assert relationship.declared == 4
    assert not relationship.inferred
    assert relationship.strength == pytest.approx((1 - math.exp(-1) + 0.8) / 2)
    assert relationship.strength == pytest.approx(0.7160603)


def test_a_tie_declared_without_a_strength_is_not_inferred_and_takes_the_observed_strength():
    result = relationship_strengths(
        [("one_to_one", TODAY, (1, 2))], {(1, 2): None, (3, 4): None}, TODAY
    )
    assert result[(1, 2)].strength == pytest.approx(1 - math.exp(-1))
    assert not result[(1, 2)].inferred
    assert result[(3, 4)] == Relationship(
        evidence=0.0, observed=0.0, declared=None, strength=0.0, inferred=False
    )


def test_the_strongest_of_several_declared_ties_counts():
    declared = [((1, 2), 2), ((2, 1), 5), ((1, 2), None), ((1, 2), 3)]
    assert relationship_strengths([], declared, TODAY)[(1, 2)].declared == 5
    assert relationship_strengths([], {(1, 2): 2, (2, 1): 5}, TODAY)[(1, 2)].declared == 5


def test_interactions_without_a_declared_tie_make_an_inferred_relationship():
    result = relationship_strengths(
        [("communication", TODAY, (1, 2)), ("communication", TODAY, (2, 3))],
        {(1, 2): 3},
        TODAY,
    )
    assert not result[(1, 2)].inferred
    assert result[(2, 3)].inferred
    assert result[(2, 3)].declared is None


def test_an_interaction_in_the_future_counts_at_full_weight():
    future = relationship_strengths([("one_to_one", TODAY + timedelta(days=30), (1, 2))], {}, TODAY)
    assert future[(1, 2)].evidence == 1.0


def test_a_participant_listed_twice_counts_once_and_a_lone_participant_is_no_evidence():
    result = relationship_strengths(
        [("joint_action", TODAY, (1, 2, 2)), ("one_to_one", TODAY, (3,))], {}, TODAY
    )
    # n = 2 distinct: the pair gets 0.8 / 1.
    assert result == {(1, 2): result[(1, 2)]}
    assert result[(1, 2)].evidence == pytest.approx(0.8)


def test_overrides_change_the_numbers():
    settings = StrengthSettings.from_overrides(
        {"half_life_days": 90, "weights": {"communication": 0.5}}
    )
    assert settings.half_life_days == 90
    assert settings.weights["communication"] == 0.5
    assert settings.weights["one_to_one"] == 1.0  # not named: the default
    # Communication 90 days ago: 0.5 × 0.5^(90/90) = 0.25 (defaults: 0.2 × 0.5^0.5 = 0.14142).
    interactions = [("communication", days_ago(90), (1, 2))]
    assert relationship_strengths(interactions, {}, TODAY, settings)[
        (1, 2)
    ].evidence == pytest.approx(0.25)
    assert relationship_strengths(interactions, {}, TODAY)[(1, 2)].evidence == pytest.approx(
        0.2 * 0.5**0.5
    )


def test_a_kind_weighted_zero_is_no_evidence():
    settings = StrengthSettings.from_overrides({"weights": {"communication": 0}})
    result = relationship_strengths([("communication", TODAY, (1, 2))], {}, TODAY, settings)
    assert result == {}


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"half_life_days": 0}, "half_life_days"),
        ({"half_life_days": -5}, "half_life_days"),
        ({"half_life_days": "180"}, "half_life_days"),
        ({"half_life_days": True}, "half_life_days"),
        ({"half_life_days": float("inf")}, "half_life_days"),
        ({"weights": {"meeting": 1.0}}, "weights.meeting"),
        ({"weights": {"joint_action": 10.5}}, "weights.joint_action"),
        ({"weights": {"joint_action": -0.1}}, "weights.joint_action"),
        ({"weights": {"joint_action": None}}, "weights.joint_action"),
        ({"weights": [1, 2]}, "weights"),
        ({"decay": 0.5}, "decay"),
    ],
)
def test_invalid_overrides_are_refused_naming_the_key(overrides, key):
    with pytest.raises(ValueError, match=f"^{key}:"):
        StrengthSettings.from_overrides(overrides)


def test_the_bounds_of_the_weights_are_allowed():
    settings = StrengthSettings.from_overrides({"weights": {"one_to_one": 10, "communication": 0}})
    assert settings.weights["one_to_one"] == 10.0


@pytest.mark.parametrize(
    ("interactions", "declared", "message"),
    [
        ([("phone_call", TODAY, (1, 2))], {}, "phone_call"),
        ([], {(1, 2): 6}, "1 to 5"),
        ([], {(1, 2): 0}, "1 to 5"),
        ([], {(1, 1): 3}, "two different actors"),
    ],
)
def test_malformed_input_is_refused(interactions, declared, message):
    with pytest.raises(ValueError, match=message):
        relationship_strengths(interactions, declared, TODAY)


def test_the_order_of_the_inputs_does_not_change_the_results():
    draw = random.Random(3)
    kinds = list(DEFAULT_WEIGHTS)
    interactions = [
        (
            draw.choice(kinds),
            days_ago(draw.randrange(-10, 1000)),
            tuple(draw.sample(range(30), draw.randrange(2, 7))),
        )
        for _ in range(2000)
    ]
    declared = [
        ((draw.randrange(30), draw.randrange(30, 40)), draw.randrange(1, 6)) for _ in range(60)
    ]
    first = relationship_strengths(interactions, declared, TODAY)
    for _ in range(3):
        draw.shuffle(interactions)
        draw.shuffle(declared)
        shuffled = [(kind, on, tuple(reversed(ids))) for kind, on, ids in interactions]
        again = relationship_strengths(shuffled, declared, TODAY)
        assert again == first  # equal to the bit, not approximately
        assert list(again) == list(first)  # and in the same (sorted) order
    assert list(first) == sorted(first)


def test_shared_groups_are_evidence_shared_by_their_members_and_counted():
    # A board of three (1, 2, 3) and a campaign of two (1, 2): 1 and 2 share both.
    result = relationship_strengths([], {}, TODAY, affiliations=[(1, 2, 3), (2, 1)])
    assert result[(1, 2)].co_affiliations == 2
    assert result[(1, 2)].evidence == pytest.approx(0.5 / 2 + 0.5 / 1)
    assert result[(1, 3)].co_affiliations == 1
    assert result[(1, 3)].evidence == pytest.approx(0.25)
    assert all(r.inferred for r in result.values())
    # A declared tie keeps its declared strength blended with the shared groups' evidence.
    declared = relationship_strengths([], {(1, 3): 5}, TODAY, affiliations=[(1, 2, 3)])
    assert declared[(1, 3)].strength == pytest.approx((1 - math.exp(-0.25) + 1) / 2)
    assert declared[(1, 3)].co_affiliations == 1 and not declared[(1, 3)].inferred


def test_a_coalition_may_weigh_shared_groups_differently_or_not_at_all():
    heavier = StrengthSettings.from_overrides({"co_affiliation_weight": 2})
    assert relationship_strengths([], {}, TODAY, heavier, [(1, 2)])[(1, 2)].evidence == 2.0
    ignored = StrengthSettings.from_overrides({"co_affiliation_weight": 0})
    assert relationship_strengths([], {}, TODAY, ignored, [(1, 2)]) == {}
    with pytest.raises(ValueError, match="co_affiliation_weight"):
        StrengthSettings.from_overrides({"co_affiliation_weight": -1})
