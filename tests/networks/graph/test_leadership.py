"""Leadership figures (networks/leadership.py) on hand-built records with known answers."""

import datetime

import pytest

from networks.graph.leadership import LeadRole, SkillRecord, leadership, period_ending

END = datetime.date(2026, 6, 30)  # the period: 2026-04-01 .. 2026-06-30 (91 days)
START = datetime.date(2026, 4, 1)
BEFORE = datetime.date(2026, 3, 15)  # in the previous period (2025-12-31 .. 2026-03-31)


def figures(**records):
    defaults = {
        "people": {1, 2, 3, 4, 5},
        "actions_led": [],
        "lead_roles": [],
        "skills": [],
        "directly_affected": set(),
    }
    return leadership(**(defaults | records), period_end=END)


def test_the_period_is_the_91_days_ending_on_its_last_day():
    assert period_ending(END) == (START, END)


def test_leaders_led_an_action_in_the_period_or_held_a_lead_role_in_it():
    result = figures(
        actions_led=[(1, datetime.date(2026, 5, 1)), (2, BEFORE), (9, datetime.date(2026, 5, 1))],
        lead_roles=[
            LeadRole(3, None, None),  # held from the beginning, still held
            LeadRole(4, datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)),  # ended before
            LeadRole(5, datetime.date(2026, 6, 30), None),  # began on the period's last day
        ],
    )
    # 2 led only before; 4's role ended the day before; 9 is an organisation, not a person.
    assert result.leader_ids == (1, 3, 5)
    assert result.leaders == 3


def test_new_leaders_had_led_nothing_before_the_period():
    result = figures(
        actions_led=[(1, BEFORE), (1, datetime.date(2026, 5, 1)), (2, datetime.date(2026, 5, 2))],
        lead_roles=[LeadRole(3, None, None), LeadRole(4, datetime.date(2026, 4, 10), None)],
    )
    assert result.leader_ids == (1, 2, 3, 4)
    # 1 led before; 3's role has no start, so it is as old as the map.
    assert result.new_leaders == 2


def test_mean_skill_level_of_leaders_its_change_and_the_leaders_own_growth():
    skills = [
        # leader 1: facilitation 2 → 4, media 3 (before only: still 3 now)
        SkillRecord(1, 10, 2, BEFORE),
        SkillRecord(1, 10, 4, datetime.date(2026, 5, 1)),
        SkillRecord(1, 11, 3, BEFORE),
        # leader 2: a level recorded after the period does not count yet
        SkillRecord(2, 10, 5, datetime.date(2026, 7, 2)),
        # not a leader now, a leader in the previous period: level 1
        SkillRecord(3, 10, 1, BEFORE),
    ]
    result = figures(
        actions_led=[
            (1, datetime.date(2026, 5, 1)),
            (2, datetime.date(2026, 5, 1)),
            (1, BEFORE),
            (3, BEFORE),
        ],
        skills=skills,
    )
    assert result.mean_skill_level == pytest.approx((4 + 3) / 2)
    # Previous period's leaders (1 and 3) at its end: 2, 3 and 1.
    assert result.mean_skill_level_change == pytest.approx(3.5 - 2.0)
    # Leader 1's own skills at both ends: facilitation +2, media +0.
    assert result.mean_skill_growth == pytest.approx(1.0)


def test_without_levels_the_skill_figures_are_none_not_zero():
    result = figures(actions_led=[(1, datetime.date(2026, 5, 1))])
    assert result.mean_skill_level is None
    assert result.mean_skill_level_change is None
    assert result.mean_skill_growth is None


def test_share_of_lead_roles_held_by_the_directly_affected():
    result = figures(
        actions_led=[(1, datetime.date(2026, 5, 1)), (1, datetime.date(2026, 6, 1))],
        lead_roles=[LeadRole(2, None, None), LeadRole(3, None, None)],
        directly_affected={1, 3},
    )
    # Four lead roles: two actions led by 1 (affected), 2's role, 3's role (affected).
    assert (result.lead_roles, result.lead_roles_directly_affected) == (4, 3)
    assert result.directly_affected_share == pytest.approx(0.75)


def test_no_lead_roles_leaves_the_share_undefined():
    assert figures().directly_affected_share is None
    assert figures().leaders == 0
