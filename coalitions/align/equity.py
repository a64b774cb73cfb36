"""The equity check: are the groups most affected by the issue included with real influence,
or only present (tokenism, as the seeds warn)? Plain functions over plain inputs; the
selector gathers them from the database.

Each measure is the share of a kind of seat held by directly affected organisations or
people, set against their share of the membership:

- members: member organisations marked directly affected;
- designees: the people who speak and vote for member organisations;
- leads: leads of working groups, hubs and caucuses;
- action leaders: people and organisations who led actions;
- votes: votes cast on proposals by affected member organisations.

Two warnings: affected members are present but hold no lead role (no group lead and no
action leader); and affected members objected (a block, or a disagreement) at least once but
none of their objections ever changed an outcome, that is, in no proposal would the outcome
have been different without their votes.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Ballot:
    proposal: int
    affected: bool
    choice: str


def share(flags: Iterable[bool]) -> dict:
    """{"affected": n, "total": n, "share": fraction or None}"""
    flags = list(flags)
    affected = sum(1 for flag in flags if flag)
    return {
        "affected": affected,
        "total": len(flags),
        "share": round(affected / len(flags), 3) if flags else None,
    }


def objections_that_counted(
    ballots: Iterable[Ballot],
    proposals: dict[int, tuple[str, str]],
    outcome_of: Callable[[str, dict[str, int]], str],
) -> tuple[int, int]:
    """(objections by affected members, proposals whose outcome their votes changed).

    ``proposals`` maps a decided proposal to (rule, outcome); ``outcome_of(rule, counts)`` is
    the decision rule. A proposal counts when leaving out the affected members' votes gives
    another outcome than the recorded one."""
    by_proposal: dict[int, list[Ballot]] = {}
    for ballot in ballots:
        by_proposal.setdefault(ballot.proposal, []).append(ballot)
    objections = 0
    changed = 0
    for proposal, rows in by_proposal.items():
        objections += sum(1 for b in rows if b.affected and b.choice in ("block", "disagree"))
        if proposal not in proposals:
            continue
        rule, outcome = proposals[proposal]
        objected = any(b.affected and b.choice in ("block", "disagree") for b in rows)
        without: dict[str, int] = {}
        for ballot in rows:
            if not ballot.affected:
                without[ballot.choice] = without.get(ballot.choice, 0) + 1
        if objected and outcome_of(rule, without) != outcome:
            changed += 1
    return objections, changed


def equity_report(
    *,
    members: Iterable[bool],
    designees: Iterable[bool],
    leads: Iterable[bool],
    action_leaders: Iterable[bool],
    ballots: Iterable[Ballot] | None,
    proposals: dict[int, tuple[str, str]] | None = None,
    outcome_of: Callable[[str, dict[str, int]], str] | None = None,
) -> dict:
    """Shares and warnings for one scope (the coalition, or one working group). ``ballots``
    is None where decisions are not taken at that scope."""
    ballots = list(ballots) if ballots is not None else None
    report = {
        "members": share(members),
        "designees": share(designees),
        "leads": share(leads),
        "action_leaders": share(action_leaders),
        "votes": share(b.affected for b in ballots) if ballots is not None else None,
        "warnings": [],
    }
    present = report["members"]["affected"] > 0
    leading = report["leads"]["affected"] + report["action_leaders"]["affected"]
    if present and leading == 0:
        report["warnings"].append(
            "Directly affected members are present but hold no lead role: no group lead "
            "and no action leader."
        )
    if ballots and proposals is not None and outcome_of is not None:
        objections, changed = objections_that_counted(ballots, proposals, outcome_of)
        report["objections"] = {"raised": objections, "changed_outcome": changed}
        if objections and not changed:
            report["warnings"].append(
                f"Directly affected members objected {objections} time(s), and none of "
                "their blocks or objections ever changed an outcome."
            )
    return report
