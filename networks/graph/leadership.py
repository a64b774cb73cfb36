"""Leadership figures of a network for one period, on plain records (no Django).

Tattersall (*Power in Coalition*): a coalition builds social power when it grows "more leaders
with more skills", ideally volunteer leaders distributed across the network, and the people most
affected by the issue should be among them (seeds 001 and 003). So, for a period:

* **leaders**: people who led an action dated in the period, or held a lead role (a lead
  affiliation with an organisation, or a lead seat in a working group, hub or caucus) at any
  time in it. A role with no start date held from the beginning; with no end date, still held.
* **new leaders**: leaders of the period who had led nothing before it started.
* **mean skill level**: over every (leader, skill) pair with a level assessed by the period's
  end, the latest such level, averaged. Its **change** is against the previous period's leaders
  at that period's end (``None`` when either side has no level).
* **skill growth**: for the leaders with a level of the same skill at both period ends, the mean
  of (level at this end − level at the previous end): are the leaders themselves growing?
* **lead roles held by the directly affected**: lead roles in the period (each action led counts
  once per leader, each lead role once) and the share held by actors marked as directly affected.

The distributed-leadership index is a network figure (networks/metrics.py).
"""

import datetime
import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass

# A period is a quarter, as funder reports compare by default (issue 8).
PERIOD_DAYS = 91


@dataclass(frozen=True)
class LeadRole:
    """``actor`` held a lead role from ``started_on`` to ``ended_on`` (None: open)."""

    actor: int
    started_on: datetime.date | None
    ended_on: datetime.date | None

    def overlaps(self, start: datetime.date, end: datetime.date) -> bool:
        return (self.started_on is None or self.started_on <= end) and (
            self.ended_on is None or self.ended_on >= start
        )

    def began_before(self, day: datetime.date) -> bool:
        return self.started_on is None or self.started_on < day


@dataclass(frozen=True)
class SkillRecord:
    actor: int
    skill: int
    level: int
    assessed_on: datetime.date


@dataclass(frozen=True)
class LeadershipFigures:
    period_start: str
    period_end: str
    leaders: int
    new_leaders: int
    mean_skill_level: float | None
    mean_skill_level_change: float | None
    mean_skill_growth: float | None
    lead_roles: int
    lead_roles_directly_affected: int
    directly_affected_share: float | None
    leader_ids: tuple[int, ...]

    def as_json(self) -> dict:
        return asdict(self) | {"leader_ids": list(self.leader_ids)}


def period_ending(
    day: datetime.date, days: int = PERIOD_DAYS
) -> tuple[datetime.date, datetime.date]:
    """The period of ``days`` days that ends on ``day`` (both ends included)."""
    return day - datetime.timedelta(days=days - 1), day


def leadership(
    *,
    people: Iterable[int],
    actions_led: Iterable[tuple[int, datetime.date]],
    lead_roles: Iterable[LeadRole],
    skills: Iterable[SkillRecord],
    directly_affected: Iterable[int],
    period_end: datetime.date,
    period_days: int = PERIOD_DAYS,
) -> LeadershipFigures:
    """The leadership figures of the period of ``period_days`` ending on ``period_end``.

    ``people`` are the actor ids that are persons: only people are counted as leaders (an
    organisation named as an action's leader is not a person who grew). ``actions_led`` are
    ``(actor, action date)`` pairs.
    """
    people = set(people)
    affected = set(directly_affected)
    start, end = period_ending(period_end, period_days)
    previous_start, previous_end = period_ending(start - datetime.timedelta(days=1), period_days)
    led = [(a, day) for a, day in actions_led if a in people]
    roles = [r for r in lead_roles if r.actor in people]

    def leaders_in(first: datetime.date, last: datetime.date) -> set[int]:
        return {a for a, day in led if first <= day <= last} | {
            r.actor for r in roles if r.overlaps(first, last)
        }

    leaders = leaders_in(start, end)
    led_before = {a for a, day in led if day < start} | {
        r.actor for r in roles if r.began_before(start)
    }
    previous_leaders = leaders_in(previous_start, previous_end)

    levels = _levels_by_actor_skill(skills)
    now = _levels_on(levels, leaders, end)
    before = _levels_on(levels, previous_leaders, previous_end)
    mean_now = _mean(now.values())
    mean_before = _mean(before.values())
    own_before = _levels_on(levels, leaders, previous_end)
    growth = _mean(now[key] - own_before[key] for key in now.keys() & own_before.keys())

    role_holders = [a for a, day in led if start <= day <= end] + [
        r.actor for r in roles if r.overlaps(start, end)
    ]
    held_by_affected = sum(1 for a in role_holders if a in affected)
    return LeadershipFigures(
        period_start=start.isoformat(),
        period_end=end.isoformat(),
        leaders=len(leaders),
        new_leaders=len(leaders - led_before),
        mean_skill_level=mean_now,
        mean_skill_level_change=(
            None if mean_now is None or mean_before is None else mean_now - mean_before
        ),
        mean_skill_growth=growth,
        lead_roles=len(role_holders),
        lead_roles_directly_affected=held_by_affected,
        directly_affected_share=held_by_affected / len(role_holders) if role_holders else None,
        leader_ids=tuple(sorted(leaders)),
    )


def _levels_by_actor_skill(
    skills: Iterable[SkillRecord],
) -> dict[tuple[int, int], list[tuple[datetime.date, int]]]:
    by_key: dict[tuple[int, int], list[tuple[datetime.date, int]]] = {}
    for record in skills:
        by_key.setdefault((record.actor, record.skill), []).append(
            (record.assessed_on, record.level)
        )
    for history in by_key.values():
        history.sort()
    return by_key


def _levels_on(
    levels: dict[tuple[int, int], list[tuple[datetime.date, int]]],
    actors: set[int],
    day: datetime.date,
) -> dict[tuple[int, int], int]:
    """The latest level on or before ``day`` of every skill of ``actors``. On two levels
    recorded the same day, the higher: the sort puts it last."""
    found: dict[tuple[int, int], int] = {}
    for (actor, skill), history in levels.items():
        if actor not in actors:
            continue
        latest = [level for assessed_on, level in history if assessed_on <= day]
        if latest:
            found[(actor, skill)] = latest[-1]
    return found


def _mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return math.fsum(values) / len(values) if values else None
