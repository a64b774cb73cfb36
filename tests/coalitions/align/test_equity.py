"""The equity check on hand-built data with known shares, including its warnings."""

import datetime

import pytest
from django.utils import timezone

from coalitions.align.decisions import decision_outcome
from coalitions.align.equity import Ballot, equity_report, objections_that_counted
from coalitions.align.selectors import equity_check
from tests.allies.factories import ActorFactory
from tests.coalitions.factories import (
    ActionFactory,
    GroupMemberFactory,
    MembershipFactory,
    ProposalFactory,
    VoteFactory,
    WorkingGroupFactory,
)
from weft.vocabulary import ActorKind


def test_shares_against_the_membership_and_the_no_lead_warning():
    report = equity_report(
        members=[True, False, False, False],
        designees=[True, False, False],
        leads=[False, False],
        action_leaders=[False, False, False],
        ballots=None,
    )
    assert report["members"] == {"affected": 1, "total": 4, "share": 0.25}
    assert report["designees"]["share"] == 0.333
    assert report["leads"]["share"] == 0.0 and report["votes"] is None
    assert report["warnings"] == [
        "Directly affected members are present but hold no lead role: no group lead and no "
        "action leader."
    ]


def test_no_warning_when_affected_members_lead():
    report = equity_report(
        members=[True, False], designees=[], leads=[True], action_leaders=[], ballots=None
    )
    assert report["warnings"] == []


def test_an_objection_that_changed_the_outcome_counts():
    # Consensus: the affected block stopped proposal 1 (without it, it passes).
    ballots = [Ballot(1, True, "block"), Ballot(1, False, "agree"), Ballot(1, False, "agree")]
    assert objections_that_counted(ballots, {1: ("consensus", "rejected")}, decision_outcome) == (
        1,
        1,
    )


def test_objections_that_never_changed_an_outcome_are_warned_about():
    # Majority: the affected member disagreed twice; it was outvoted both times.
    ballots = [
        Ballot(1, True, "disagree"),
        Ballot(1, False, "agree"),
        Ballot(1, False, "agree"),
        Ballot(2, True, "disagree"),
        Ballot(2, False, "agree"),
        Ballot(2, False, "agree"),
    ]
    report = equity_report(
        members=[True, False, False],
        designees=[],
        leads=[True],
        action_leaders=[],
        ballots=ballots,
        proposals={1: ("majority", "adopted"), 2: ("majority", "adopted")},
        outcome_of=decision_outcome,
    )
    assert report["votes"] == {"affected": 2, "total": 6, "share": 0.333}
    assert report["objections"] == {"raised": 2, "changed_outcome": 0}
    assert report["warnings"] == [
        "Directly affected members objected 2 time(s), and none of their blocks or objections "
        "ever changed an outcome."
    ]


@pytest.mark.django_db
def test_the_coalition_and_each_group_from_the_database(coalition):
    def actor(name, kind=ActorKind.ORGANISATION, affected=False):
        return ActorFactory(
            coalition=coalition, name=name, kind=kind, is_directly_affected=affected
        )

    tenants = actor("Tenants", affected=True)
    union, church, trust = actor("Union"), actor("Church"), actor("Trust")
    rosa = actor("Rosa", ActorKind.PERSON, affected=True)
    sam = actor("Sam", ActorKind.PERSON)
    for org, designee in ((tenants, rosa), (union, sam), (church, None), (trust, None)):
        MembershipFactory(coalition=coalition, organisation=org, phase="align", designee=designee)
    group = WorkingGroupFactory(coalition=coalition, name="Research")
    GroupMemberFactory(group=group, actor=rosa)
    GroupMemberFactory(group=group, actor=sam, is_lead=True)
    march = ActionFactory(
        coalition=coalition,
        title="March",
        starts_on=datetime.date(2026, 5, 1),
        working_group=group,
    )
    march.leaders.add(union)
    proposal = ProposalFactory(
        coalition=coalition,
        title="P",
        rule="majority",
        closes_at=timezone.now(),
        outcome="adopted",
        decided_at=timezone.now(),
    )
    for org, designee, choice in ((tenants, rosa, "disagree"), (union, sam, "agree")):
        VoteFactory(
            proposal=proposal,
            organisation=org,
            designee=designee,
            choice=choice,
            cast_at=timezone.now(),
        )
    VoteFactory(
        proposal=proposal,
        organisation=church,
        designee=sam,
        choice="agree",
        cast_at=timezone.now(),
    )
    check = equity_check(coalition)
    whole = check["coalition"]
    assert whole["members"] == {"affected": 1, "total": 4, "share": 0.25}
    assert whole["designees"] == {"affected": 1, "total": 2, "share": 0.5}
    assert whole["leads"]["affected"] == 0 and whole["action_leaders"]["affected"] == 0
    assert whole["votes"] == {"affected": 1, "total": 3, "share": 0.333}
    assert len(whole["warnings"]) == 2
    research = check["groups"][0]
    assert research["group"] == group
    assert research["members"] == {"affected": 1, "total": 2, "share": 0.5}
    assert research["leads"] == {"affected": 0, "total": 1, "share": 0.0}
    assert research["votes"] is None
    assert research["warnings"][0].startswith("Directly affected members are present")
