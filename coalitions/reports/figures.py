"""The figures of a funder report, built from plain inputs (no Django): Tattersall's four
measures of coalition success (Power in Coalition, 2010) for a period against the one before.

Social change: wins, and shifts in the political climate (the recorded shifts, and how actors
moved along the ally spectrum). Social power: stronger relationships between partners (from
the metric runs closest to the two period ends), and more leaders with more skills.

The report is what a funder reads, so it is private by construction:

- it holds aggregates only: counts, means, shares, and the titles of wins, actions and
  shifts, never who moved, who leads or who is tied to whom;
- a count of people or organisations below the coalition's threshold is shown as "fewer than
  N" (its value is not stored at all), and so is a mean or share taken over fewer than N;
- organisation names appear only when the coalition's privacy setting allows it;
- free text written by organizers (titles) has every withheld name replaced, whatever the
  text says: names of people, of sensitive actors, contact details, and organisation names
  when they are not shown.

The selectors gather :class:`PeriodRecords` from the database; :func:`build_report` turns
them into the snapshot that pages, the PDF, the CSV and the API all show.
"""

import csv
import datetime
import functools
import io
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from coalitions.reports import suppression
from weft.vocabulary import (
    HEALTH_ANSWER_DEFINITION,
    MEMBER_DEFINITION,
    SIGNATORY_DEFINITION,
    HealthArea,
    MemberPhase,
    Stance,
)

WITHHELD = "[name withheld]"
STRONG_TIE_THRESHOLD_DEFAULT = 0.6
TREND_PERIODS = 8  # how many periods back the trend charts reach at most

# The ally spectrum's order and its labels, as a report's sentences use them ("moved from
# neutral to passive ally").
STANCE_POSITION = {stance.value: position for position, stance in enumerate(Stance)}
STANCE_LABEL = {stance.value: stance.label.lower() for stance in Stance}


# ---------------------------------------------------------------------------------------------
# Inputs


@dataclass(frozen=True)
class Privacy:
    small_count_threshold: int = 3
    show_organisation_names: bool = True
    # Every string that must never appear in a report: replaced in free text.
    withheld: frozenset[str] = frozenset()


@dataclass(frozen=True)
class RunFigures:
    """The two JSON documents of one succeeded metric run, and the day it was computed for."""

    computed_for: datetime.date
    network: Mapping
    leadership: Mapping


@dataclass(frozen=True)
class Win:
    title: str
    won_on: datetime.date
    action_titles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Shift:
    title: str
    recorded_on: datetime.date
    direction: str  # favourable, unfavourable, mixed


@dataclass
class PeriodRecords:
    """What happened in one period, gathered from the database (sensitive rows left out)."""

    start: datetime.date
    end: datetime.date
    run: RunFigures | None = None
    wins: list[Win] = field(default_factory=list)
    shifts: list[Shift] = field(default_factory=list)
    # (from stance, to stance) -> how many actors moved so between the period's two ends
    stance_moves: Mapping[tuple[str, str], int] = field(default_factory=dict)
    new_ties: int = 0
    actions: int = 0
    convergences: int = 0
    turnout: int | None = None  # the actual turnout of the period's actions, summed
    # phase -> names of member organisations in it at the end of the period
    members_by_phase: Mapping[str, list[str]] = field(default_factory=dict)
    signatories: list[str] = field(default_factory=list)  # names that may be listed
    signatory_count: int = 0
    # The network health check: answers in the rounds that closed in the period (sensitive
    # organisations' left out), and their mean score per area (None for no answer).
    health_answers: int = 0
    health: Mapping[str, float | None] = field(default_factory=dict)
    # The latest relationship survey that closed in the period, against the one before it
    # (coalitions/surveys/figures.py; sensitive respondents and actors left out): who
    # answered, density and reciprocity of what they reported, relationships newly named.
    # None: no survey closed in the period.
    survey_answered: int | None = None
    survey_density: float | None = None
    survey_reciprocity: float | None = None
    survey_new_ties: int | None = None


# ---------------------------------------------------------------------------------------------
# Periods


def quarter_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = datetime.date(day.year, first_month, 1)
    return start, _next_quarter(start) - datetime.timedelta(days=1)


def _next_quarter(start: datetime.date) -> datetime.date:
    month = start.month + 3
    return datetime.date(start.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def last_full_quarter(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    start, _ = quarter_of(today)
    return quarter_of(start - datetime.timedelta(days=1))


def is_quarter(start: datetime.date, end: datetime.date) -> bool:
    return quarter_of(start) == (start, end)


def previous_period(
    start: datetime.date, end: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """The period before: the previous calendar quarter for a quarter, else as many days
    ending the day before ``start``."""
    if is_quarter(start, end):
        return quarter_of(start - datetime.timedelta(days=1))
    days = end - start
    previous_end = start - datetime.timedelta(days=1)
    return previous_end - days, previous_end


def period_label(start: datetime.date, end: datetime.date) -> str:
    if is_quarter(start, end):
        return f"Q{(start.month - 1) // 3 + 1} {start.year}"
    return f"{start.isoformat()} – {end.isoformat()}"


def trend_periods(
    start: datetime.date, end: datetime.date, *, count: int = TREND_PERIODS
) -> list[tuple[datetime.date, datetime.date]]:
    """This period and up to ``count - 1`` before it, oldest first."""
    periods = [(start, end)]
    for _ in range(count - 1):
        periods.append(previous_period(*periods[-1]))
    return periods[::-1]


def closest_run(runs: Iterable[RunFigures], day: datetime.date) -> RunFigures | None:
    """The run computed for the latest day on or before ``day`` (None if there is none)."""
    before = [run for run in runs if run.computed_for <= day]
    return max(before, key=lambda run: run.computed_for, default=None)


# ---------------------------------------------------------------------------------------------
# Stance moves


def stance_moves(
    assessments: Iterable[tuple[int, datetime.date, str]],
    start: datetime.date,
    end: datetime.date,
) -> Counter:
    """How actors moved along the ally spectrum over a period: for each actor, their stance on
    the day before ``start`` against their stance on ``end`` (the latest assessment on or
    before each day), counted by (from, to). Actors first assessed within the period did not
    move: there is nowhere they moved from. ``assessments`` are (actor, day, stance) in the
    order they were recorded."""
    before_day = start - datetime.timedelta(days=1)
    at_start: dict[int, str] = {}
    at_end: dict[int, str] = {}
    for actor, day, stance in sorted(assessments, key=lambda row: row[1]):
        if day <= before_day:
            at_start[actor] = stance
        if day <= end:
            at_end[actor] = stance
    return Counter(
        (at_start[actor], at_end[actor])
        for actor in at_start
        if actor in at_end and at_start[actor] != at_end[actor]
    )


# ---------------------------------------------------------------------------------------------
# Privacy


def _pattern(term: str) -> re.Pattern:
    """``term`` as a whole word or phrase, case-insensitively: "Sam" is withheld, "Samuel"
    and "same" are other words."""
    return re.compile(rf"(?<!\w){re.escape(term)}(?!\w)", re.IGNORECASE)


def _terms(withheld: Iterable[str]) -> frozenset[str]:
    if isinstance(withheld, frozenset):
        return _kept_terms(withheld)  # a privacy's set: filtered once, not once per text
    return frozenset(term for term in withheld if term and term.strip())


@functools.lru_cache(maxsize=32)
def _kept_terms(withheld: frozenset[str]) -> frozenset[str]:
    return frozenset(term for term in withheld if term and term.strip())


def _trie(terms: Iterable[str]) -> str:
    """One regular expression matching exactly the given literal strings, as a trie: at each
    character only the branches that can still match are tried, so a search costs about the
    length of the text, not the text times the number of terms."""
    root: dict = {}
    for term in terms:
        node = root
        for char in term:
            node = node.setdefault(char, {})
        node[""] = {}  # a term ends here

    def alternatives(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(char) + alternatives(child) for char, child in node.items() if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return alternatives(root)


@functools.lru_cache(maxsize=32)
def _any_pattern(terms: frozenset[str]) -> re.Pattern | None:
    """One compiled pattern that finds any of ``terms`` as a whole word or phrase (what
    :func:`_pattern` finds for each), compiled once per set of withheld names rather than once
    per name per text."""
    if not terms:
        return None
    return re.compile(rf"(?<!\w){_trie(sorted(terms))}(?!\w)", re.IGNORECASE)


@functools.lru_cache(maxsize=4096)
def _cached_pattern(term: str) -> re.Pattern:
    return _pattern(term)


def contains_withheld(text: str, withheld: Iterable[str]) -> bool:
    """Whether ``text`` contains any withheld string: one search of one compiled pattern."""
    pattern = _any_pattern(_terms(withheld))
    return pattern is not None and pattern.search(text) is not None


def _may_match(term: str, text: str, lowered: str) -> bool:
    """False only when ``term`` cannot be found in ``text``: for ASCII text and an ASCII term,
    a case-insensitive match is a substring of the lower-cased text. Anything else (where
    Unicode case folding could match otherwise) is left to the pattern."""
    return not (text.isascii() and term.isascii()) or term.lower() in lowered


def redact(text: str, withheld: Iterable[str]) -> str:
    """``text`` with every withheld string replaced, longest first so that a full name goes
    before a part of it. Text that holds none of them (the common case) is returned after one
    search; text that does is replaced term by term as before (skipping, by a substring test,
    the terms it cannot hold), so the result is the same."""
    terms = _terms(withheld)
    if not contains_withheld(text, terms):
        return text
    lowered = text.lower()
    for term in _longest_first(terms):
        if _may_match(term, text, lowered):
            replaced = _cached_pattern(term).sub(WITHHELD, text)
            if replaced != text:
                text, lowered = replaced, replaced.lower()
    return text


@functools.lru_cache(maxsize=32)
def _longest_first(terms: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(terms, key=len, reverse=True))


def withheld_in(text: str, withheld: Iterable[str]) -> list[str]:
    """The withheld strings that ``text`` contains."""
    terms = _terms(withheld)
    if not contains_withheld(text, terms):
        return []
    lowered = text.lower()
    return sorted(
        {
            term
            for term in terms
            if _may_match(term, text, lowered) and _cached_pattern(term).search(text)
        }
    )


def small(value: int | None, threshold: int) -> bool:
    """Whether a count of people or organisations could identify someone."""
    return value is not None and 0 < value < threshold


def fewer_than(threshold: int) -> str:
    return f"fewer than {threshold}"


# ---------------------------------------------------------------------------------------------
# The network health check


def health_of(
    answers: Iterable[tuple[datetime.date, Mapping[str, int]]],
    start: datetime.date,
    end: datetime.date,
) -> tuple[int, dict[str, float | None]]:
    """The answers of the rounds that closed in the period: how many, and the mean score per
    area and overall (the mean of the five areas' means). ``answers`` are (the round's closing
    day, the scores by area)."""
    inside = [scores for closes_on, scores in answers if start <= closes_on <= end]
    means: dict[str, float | None] = {}
    for area in HealthArea.values:
        values = [scores[area] for scores in inside]
        means[area] = sum(values) / len(values) if values else None
    known = [value for value in means.values() if value is not None]
    means["overall"] = sum(known) / len(known) if known else None
    return len(inside), means


# ---------------------------------------------------------------------------------------------
# Figures


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    explains: str
    kind: str = "count"  # count | ratio | level | share | change
    people: bool = False  # a count of people or organisations: small counts are withheld
    basis: str | None = None  # a mean or share over this count: withheld when it is small


MEASURES = {
    m.key: m
    for m in (
        # Social change
        Measure("wins", "Wins", "Wins recorded in the period: concrete changes the coalition won."),
        Measure(
            "climate_shifts",
            "Shifts in the political climate",
            "Recorded shifts in what decision-makers and the public think is possible.",
        ),
        Measure(
            "favourable_shifts",
            "Favourable shifts",
            "Of the recorded shifts, those favourable to the cause.",
        ),
        Measure(
            "moved_towards",
            "Actors moved towards the cause",
            "Actors whose stance on the ally spectrum moved towards the cause over the period.",
            people=True,
        ),
        Measure(
            "moved_away",
            "Actors moved away from the cause",
            "Actors whose stance on the ally spectrum moved away from the cause.",
            people=True,
        ),
        # Stronger relationships
        Measure(
            "member_mean_strength",
            "Mean strength between member organisations",
            "Average strength (0 to 1) of the relationships between member organisations, "
            "from their interactions and declared ties.",
            kind="ratio",
        ),
        Measure(
            "strong_ties",
            "Strong ties",
            "Relationships at or above the strong-tie threshold.",
        ),
        Measure(
            "density",
            "Network density",
            "Share of all possible ties between actors that exist (0 to 1).",
            kind="ratio",
        ),
        Measure("new_ties", "New ties", "Ties that began in the period."),
        Measure(
            "at_risk",
            "Ties at risk",
            "Relationships whose strength fell by a third or more since the run before.",
        ),
        Measure(
            "survey_answered",
            "Relationship survey: respondents",
            "Member organisations and people who sent their answers to the latest relationship "
            "survey that closed in the period.",
            people=True,
        ),
        Measure(
            "survey_density",
            "Relationship survey: density",
            "Share of the pairs of respondents where at least one named a relationship with the "
            "other (0 to 1).",
            kind="ratio",
            basis="survey_answered",
        ),
        Measure(
            "survey_reciprocity",
            "Relationship survey: reciprocity",
            "Share of the relationships named between respondents that both sides named.",
            kind="share",
            basis="survey_answered",
        ),
        Measure(
            "survey_new_ties",
            "Relationship survey: new relationships",
            "Relationships named in the survey that were not named in the survey before it "
            "(counted where one of the two answered both).",
            basis="survey_answered",
        ),
        # More leaders with more skills
        Measure("leaders", "Leaders", "People who led an action or hold a lead role.", people=True),
        Measure(
            "new_leaders",
            "New leaders",
            "Leaders who were not leading in the period before.",
            people=True,
        ),
        Measure(
            "mean_skill_level",
            "Mean skill level of leaders",
            "Leaders' average assessed skill level (1 beginner to 5 can teach it).",
            kind="level",
            basis="leaders",
        ),
        Measure(
            "mean_skill_level_change",
            "Change in leaders' skill level",
            "How far the same leaders' mean skill level moved since the run before.",
            kind="change",
            basis="leaders",
        ),
        Measure(
            "distributed_leadership",
            "Distributed-leadership index",
            "One minus the network's betweenness centralization: 0 is a star around one "
            "leader, 1 is leadership spread evenly.",
            kind="ratio",
        ),
        Measure(
            "directly_affected_share",
            "Lead roles held by those most affected",
            "Share of lead roles held by people directly affected by the issue.",
            kind="share",
            basis="lead_roles",
        ),
        # The coalition's own work
        Measure(
            "members",
            "Member organisations",
            f"Member organisations at the period's end. {MEMBER_DEFINITION}",
            people=True,
        ),
        Measure(
            "signatories",
            "Unity-statement signatories",
            "Organisations whose signature on a unity statement stood at the period's end. "
            + SIGNATORY_DEFINITION,
            people=True,
        ),
        Measure("actions", "Actions", "Joint actions held in the period."),
        Measure(
            "convergences",
            "Moments of convergence",
            "Actions where the whole network acted together.",
        ),
        Measure("turnout", "Turnout", "People who turned out to the period's actions, in all."),
        # The network health check
        Measure(
            "health_answers",
            "Organisations that answered",
            "Answers to the health-check rounds that closed in the period. "
            + HEALTH_ANSWER_DEFINITION,
            people=True,
        ),
        Measure(
            "health_overall",
            "Overall health score",
            "The mean of the five areas below, 1 (poor) to 5 (strong).",
            kind="level",
            basis="health_answers",
        ),
        *(
            Measure(
                f"health_{area}",
                label,
                f"Members' mean score for {label.lower()}, 1 (poor) to 5 (strong).",
                kind="level",
                basis="health_answers",
            )
            for area, label in HealthArea.choices
        ),
    )
}

SECTIONS = (
    (
        "wins",
        "Wins",
        "Social change: what the coalition won.",
        ("wins",),
    ),
    (
        "climate",
        "Political climate",
        "Social change: how the climate around the issue moved.",
        ("climate_shifts", "favourable_shifts", "moved_towards", "moved_away"),
    ),
    (
        "relationships",
        "Stronger relationships",
        "Social power: the ties between partners.",
        (
            *("member_mean_strength", "strong_ties", "density", "new_ties", "at_risk"),
            *("survey_answered", "survey_density", "survey_reciprocity", "survey_new_ties"),
        ),
    ),
    (
        "leadership",
        "More leaders with more skills",
        "Social power: who leads, and how they grow.",
        (
            "leaders",
            "new_leaders",
            "mean_skill_level",
            "mean_skill_level_change",
            "distributed_leadership",
            "directly_affected_share",
        ),
    ),
    (
        "work",
        "Membership and action",
        "The coalition's work: members, signatories, actions and turnout.",
        ("members", "signatories", "actions", "convergences", "turnout"),
    ),
    (
        "health",
        "Network health check",
        "How member organisations score the coalition, in the health-check rounds that "
        "closed in the period: averages only, never one organisation's answers.",
        ("health_answers", "health_overall", *(f"health_{area}" for area in HealthArea.values)),
    ),
)
# Charted over every period with data.
TREND_KEYS = (
    "wins",
    "member_mean_strength",
    "strong_ties",
    "density",
    "leaders",
    "distributed_leadership",
    "health_overall",
)


def raw_values(records: PeriodRecords) -> dict[str, float | int | None]:
    """Every measure's value for one period, before any privacy rule (None: no data)."""
    run = records.run
    # A run's ``public`` figures leave sensitive actors and ties out (networks/compute.py);
    # a run without them (computed before they existed) gives no data rather than figures
    # that count what a funder may not see.
    public = dict(run.network.get("public") or {}) if run else {}
    network = leadership = public
    towards = sum(
        n
        for (before, after), n in records.stance_moves.items()
        if STANCE_POSITION.get(after, 0) > STANCE_POSITION.get(before, 0)
    )
    away = sum(
        n
        for (before, after), n in records.stance_moves.items()
        if STANCE_POSITION.get(after, 0) < STANCE_POSITION.get(before, 0)
    )
    return {
        "wins": len(records.wins),
        "climate_shifts": len(records.shifts),
        "favourable_shifts": sum(s.direction == "favourable" for s in records.shifts),
        "moved_towards": towards,
        "moved_away": away,
        "member_mean_strength": network.get("member_mean_strength"),
        "strong_ties": network.get("strong_ties"),
        "density": network.get("density"),
        "new_ties": records.new_ties,
        "at_risk": network.get("at_risk"),
        "survey_answered": records.survey_answered,
        "survey_density": records.survey_density,
        "survey_reciprocity": records.survey_reciprocity,
        "survey_new_ties": records.survey_new_ties,
        "leaders": leadership.get("leaders"),
        "new_leaders": leadership.get("new_leaders"),
        "mean_skill_level": leadership.get("mean_skill_level"),
        "mean_skill_level_change": leadership.get("mean_skill_level_change"),
        "distributed_leadership": network.get("distributed_leadership"),
        "directly_affected_share": leadership.get("directly_affected_share"),
        "lead_roles": leadership.get("lead_roles"),
        # Prospects are not members (MEMBER_DEFINITION), though the phase table lists them.
        "members": sum(
            len(names)
            for phase, names in records.members_by_phase.items()
            if phase != MemberPhase.PROSPECT
        ),
        "signatories": records.signatory_count,
        "actions": records.actions,
        "convergences": records.convergences,
        "turnout": records.turnout,
        "health_answers": records.health_answers,
        "health_overall": records.health.get("overall"),
        **{f"health_{area}": records.health.get(area) for area in HealthArea.values},
    }


def _withheld(measure: Measure, values: Mapping, threshold: int) -> bool:
    if measure.people and small(values.get(measure.key), threshold):
        return True
    if measure.basis is not None:
        basis = values.get(measure.basis)
        return basis is not None and basis < threshold and values.get(measure.key) is not None
    return False


def _shown(measure: Measure, values: Mapping, threshold: int) -> float | int | None:
    if _withheld(measure, values, threshold):
        return None
    value = values.get(measure.key)
    if value is None:
        return None
    if measure.kind in ("ratio", "level", "change", "share"):
        return round(float(value), 3)
    return int(value)


def display(measure: Measure, value, *, withheld: bool, threshold: int) -> str:
    if withheld:
        return fewer_than(threshold) if measure.people else f"withheld (fewer than {threshold})"
    if value is None:
        return "no data"
    if measure.kind == "share":
        return f"{value * 100:.0f}%"
    if measure.kind in ("ratio", "level"):
        return f"{value:.2f}"
    if measure.kind == "change":
        return f"{value:+.2f}"
    return f"{value:,}"


def change_display(measure: Measure, change) -> str:
    if change is None:
        return "—"
    if change == 0:
        return "no change"
    if measure.kind == "share":
        return f"{change * 100:+.0f} points"
    if measure.kind in ("ratio", "level", "change"):
        return f"{change:+.2f}"
    return f"{change:+,}"


def figure(measure: Measure, current: Mapping, previous: Mapping, threshold: int) -> dict:
    """One figure: its value, the previous period's, the change, and what it measures."""
    now_withheld = _withheld(measure, current, threshold)
    before_withheld = _withheld(measure, previous, threshold)
    value = _shown(measure, current, threshold)
    before = _shown(measure, previous, threshold)
    change = None
    if value is not None and before is not None:
        change = round(value - before, 3) if isinstance(value, float) else value - before
    return {
        "key": measure.key,
        "label": measure.label,
        "explains": measure.explains,
        "kind": measure.kind,
        "value": value,
        "previous": before,
        "change": change,
        "withheld": now_withheld,
        "previous_withheld": before_withheld,
        "display": display(measure, value, withheld=now_withheld, threshold=threshold),
        "previous_display": display(measure, before, withheld=before_withheld, threshold=threshold),
        "change_display": change_display(measure, change),
    }


def _count_display(count: int, threshold: int) -> str:
    return fewer_than(threshold) if small(count, threshold) else f"{count:,}"


def _names(names: Iterable[str], privacy: Privacy, *, count: int | None = None) -> list[str]:
    """Organisation names to list: none unless the coalition shows them, none where their
    count is withheld as small (the names would give it away), and never a name that is
    withheld for another reason (a person's, a sensitive actor's)."""
    names = list(names)
    count = len(names) if count is None else count
    if not privacy.show_organisation_names or small(count, privacy.small_count_threshold):
        return []
    return sorted({name for name in names if not contains_withheld(name, privacy.withheld)})


def build_report(
    current: PeriodRecords,
    previous: PeriodRecords,
    *,
    privacy: Privacy,
    trend: Iterable[PeriodRecords] = (),
) -> dict:
    """The report's snapshot: JSON-ready, privacy rules applied, nothing withheld left in."""
    threshold = privacy.small_count_threshold
    now, before = raw_values(current), raw_values(previous)
    figures = {key: figure(measure, now, before, threshold) for key, measure in MEASURES.items()}
    sections = [
        {
            "key": key,
            "title": title,
            "explains": explains,
            "figures": [figures[k] for k in keys],
        }
        for key, title, explains, keys in SECTIONS
    ]
    withheld = privacy.withheld
    phases = [
        {
            "phase": phase,
            "label": label,
            "count": _count_display(len(current.members_by_phase.get(phase, [])), threshold),
            "previous": _count_display(len(previous.members_by_phase.get(phase, [])), threshold),
            "organisations": _names(current.members_by_phase.get(phase, []), privacy),
        }
        for phase, label in MemberPhase.choices
    ]
    moves = [
        {
            "from": STANCE_LABEL.get(before_stance, before_stance),
            "to": STANCE_LABEL.get(after_stance, after_stance),
            "towards_cause": STANCE_POSITION.get(after_stance, 0)
            > STANCE_POSITION.get(before_stance, 0),
            "count": _count_display(n, threshold),
        }
        for (before_stance, after_stance), n in sorted(
            current.stance_moves.items(),
            key=lambda item: (
                STANCE_POSITION.get(item[0][0], 0),
                STANCE_POSITION.get(item[0][1], 0),
            ),
        )
        if n > 0
    ]
    run = current.run
    strong_threshold = (
        run.network.get("strong_tie_threshold", STRONG_TIE_THRESHOLD_DEFAULT)
        if run
        else STRONG_TIE_THRESHOLD_DEFAULT
    )
    snapshot = {
        "period": {
            "start": current.start.isoformat(),
            "end": current.end.isoformat(),
            "label": period_label(current.start, current.end),
        },
        "previous_period": {
            "start": previous.start.isoformat(),
            "end": previous.end.isoformat(),
            "label": period_label(previous.start, previous.end),
        },
        "runs": {
            "current": run.computed_for.isoformat() if run else None,
            "previous": previous.run.computed_for.isoformat() if previous.run else None,
        },
        "privacy": {
            "small_count_threshold": threshold,
            "organisation_names_shown": privacy.show_organisation_names,
        },
        "strong_tie_threshold": strong_threshold,
        "sections": sections,
        "wins": [
            {
                "title": redact(win.title, withheld),
                "won_on": win.won_on.isoformat(),
                "actions": [redact(title, withheld) for title in win.action_titles],
            }
            for win in sorted(current.wins, key=lambda w: w.won_on)
        ],
        "shifts": [
            {
                "title": redact(shift.title, withheld),
                "recorded_on": shift.recorded_on.isoformat(),
                "direction": shift.direction,
            }
            for shift in sorted(current.shifts, key=lambda s: s.recorded_on)
        ],
        "stance_moves": moves,
        "phases": phases,
        "signatories": {
            "count": _count_display(current.signatory_count, threshold),
            "organisations": _names(current.signatories, privacy, count=current.signatory_count),
        },
        "trend": build_trend(trend, privacy=privacy),
    }
    return protect_tables(snapshot, threshold)


# ---------------------------------------------------------------------------------------------
# Complementary suppression: what the report's tables must not give away by arithmetic

COMPLEMENTARY_DISPLAY = "withheld (it would give a small count away)"
PERIOD_COLUMNS = (("value", "count"), ("previous", "previous"))  # figure's key, phase row's


def reason_of(display: str) -> str | None:
    """Why a shown figure is withheld, read from what it says (None: it is not)."""
    if display.startswith("fewer than"):
        return suppression.SMALL
    if display.startswith("withheld"):
        return suppression.COMPLEMENTARY
    return None


def count_of(display: str) -> int | None:
    """The count a shown display holds ("1,234"), or None when it holds none."""
    digits = display.replace(",", "")
    return int(digits) if digits.isdigit() else None


def _withheld_display(reason: str, threshold: int) -> str:
    return fewer_than(threshold) if reason == suppression.SMALL else COMPLEMENTARY_DISPLAY


def protect_tables(snapshot: dict, threshold: int) -> dict:
    """Withhold whatever a reader could work a small count out from: the members by phase
    (Connect, Align, Produce) against the member total (each period alone), the stance moves
    against the actors moved towards and away from the cause. Works on a snapshot (a report
    being built, or a published one shown again under a stricter threshold), so that its
    cells and totals are read from what it shows: a count withheld before stays withheld."""
    figures = {fig["key"]: fig for section in snapshot["sections"] for fig in section["figures"]}
    if not figures.keys() >= TABLE_TOTALS:
        return snapshot  # a report published before these figures existed shows no totals
    cells = _TableCells()
    tables = []
    for column, phase_column in PERIOD_COLUMNS:
        members = figures["members"]
        cells.read(("members", column), members[_DISPLAY[column]], members[column])
        for phase in snapshot["phases"]:
            cells.read(("phase", phase["phase"], column), phase[phase_column])
        # The member total is the sum of the member phases: prospects are listed in the
        # table but are not members (MEMBER_DEFINITION), so their cell is in no sum.
        row = tuple(
            ("phase", phase["phase"], column)
            for phase in snapshot["phases"]
            if phase["phase"] != MemberPhase.PROSPECT
        )
        tables.append(suppression.Table(("members", column), row))
    for direction, towards in (("moved_towards", True), ("moved_away", False)):
        fig = figures[direction]
        cells.read((direction, "value"), fig["display"], fig["value"])
        row = []
        for index, move in enumerate(snapshot["stance_moves"]):
            if move["towards_cause"] == towards:
                cells.read(("move", index), move["count"])
                row.append(("move", index))
        tables.append(suppression.Table((direction, "value"), tuple(row)))
    reasons = suppression.suppress(cells.values, tables, threshold=threshold, hidden=cells.hidden)
    for key in sorted(TABLE_TOTALS):
        _withhold_figure(figures[key], reasons, threshold)
    _withhold_phases(snapshot, reasons, threshold)
    _withhold_moves(snapshot, reasons, threshold)
    return snapshot


def _withhold_phases(snapshot: dict, reasons: dict, threshold: int) -> None:
    for phase in snapshot["phases"]:
        for column, phase_column in PERIOD_COLUMNS:
            reason = reasons.get(("phase", phase["phase"], column))
            if reason is not None:
                phase[phase_column] = _withheld_display(reason, threshold)
                if column == "value":
                    phase["organisations"] = []  # the names would count them


_DISPLAY = {"value": "display", "previous": "previous_display"}
TABLE_TOTALS = {"members", "moved_towards", "moved_away"}


class _TableCells:
    """The counts of a snapshot's tables as it shows them: a value, or withheld and why."""

    def __init__(self):
        self.values: dict = {}
        self.hidden: dict = {}

    def read(self, key, display: str, value=None) -> None:
        reason = reason_of(display)
        if reason is not None:
            self.hidden[key] = reason
            self.values[key] = None
        else:
            self.values[key] = value if value is not None else count_of(display)


def _withhold_figure(fig: dict, reasons: dict, threshold: int) -> None:
    for column, display in _DISPLAY.items():
        reason = reasons.get((fig["key"], column))
        if reason is not None:
            fig[column] = None
            fig["withheld" if column == "value" else "previous_withheld"] = True
            fig[display] = _withheld_display(reason, threshold)
    if fig["value"] is None or fig["previous"] is None:
        fig["change"] = None
        fig["change_display"] = change_display(MEASURES[fig["key"]], None)


def _withhold_moves(snapshot: dict, reasons: dict, threshold: int) -> None:
    """A direction whose total is small lists no moves: rows of "fewer than N" adding up to
    fewer than N would say how many each is. The page says that some moved, not how."""
    kept, folded = [], set(snapshot.get("stance_moves_withheld", []))
    for index, move in enumerate(snapshot["stance_moves"]):
        direction = "moved_towards" if move["towards_cause"] else "moved_away"
        if reasons.get((direction, "value")) == suppression.SMALL:
            folded.add(direction)
            continue
        reason = reasons.get(("move", index))
        if reason is not None:
            move = {**move, "count": _withheld_display(reason, threshold)}
        kept.append(move)
    snapshot["stance_moves"] = kept
    snapshot["stance_moves_withheld"] = sorted(folded)


def build_trend(periods: Iterable[PeriodRecords], *, privacy: Privacy) -> dict:
    """Series for the trend charts, over every period with a metric run or health-check
    answers (oldest first); withheld values are gaps (null)."""
    threshold = privacy.small_count_threshold
    labels, series = [], {key: [] for key in TREND_KEYS}
    for records in periods:
        if records.run is None and not records.health_answers:
            continue
        values = raw_values(records)
        labels.append(period_label(records.start, records.end))
        for key in TREND_KEYS:
            series[key].append(_shown(MEASURES[key], values, threshold))
    return {
        "labels": labels,
        "series": [
            {
                "key": key,
                "label": MEASURES[key].label,
                "kind": MEASURES[key].kind,
                "values": series[key],
            }
            for key in TREND_KEYS
        ],
    }


# ---------------------------------------------------------------------------------------------
# Policy follows the report


def follow_policy(snapshot: Mapping, privacy: Privacy) -> dict:
    """A published report as it may be shown now: its figures stay as they were frozen, but
    names and small counts follow the stricter of the policy it was published under and the
    one in force (a higher threshold withholds more, names hidden since are hidden, names
    withheld since are redacted). A looser policy now shows nothing that was withheld."""
    import copy

    shown = copy.deepcopy(dict(snapshot))
    then = shown.get("privacy", {})
    before = then.get("small_count_threshold", privacy.small_count_threshold)
    threshold = max(before, privacy.small_count_threshold)
    names = then.get("organisation_names_shown", True) and privacy.show_organisation_names
    shown["privacy"] = {"small_count_threshold": threshold, "organisation_names_shown": names}
    stricter = threshold > before
    if "sections" not in shown:  # no figures were frozen with it: only its text to redact
        _redact_texts(shown, privacy.withheld)
        return shown
    figures = {fig["key"]: fig for section in shown["sections"] for fig in section["figures"]}
    for fig in figures.values():
        _refigure(fig, figures, threshold, stricter=stricter)
    for phase in shown["phases"]:
        phase["count"] = _recount(phase["count"], threshold)
        phase["previous"] = _recount(phase["previous"], threshold)
        if not names or reason_of(phase["count"]):
            phase["organisations"] = []
        phase["organisations"] = _listable(phase["organisations"], privacy)
    for move in shown["stance_moves"]:
        move["count"] = _recount(move["count"], threshold)
    signatories = shown["signatories"]
    signatories["count"] = _recount(signatories["count"], threshold)
    if not names or reason_of(signatories["count"]):
        signatories["organisations"] = []
    signatories["organisations"] = _listable(signatories["organisations"], privacy)
    _retrend(shown, figures, threshold, stricter=stricter)
    if stricter:
        _unknown_complements(shown, figures)
    _redact_texts(shown, privacy.withheld)
    return protect_tables(shown, threshold)


def _redact_texts(shown: dict, withheld) -> None:
    """Names withheld now are redacted from a report's titles and narrative."""
    for win in shown.get("wins", []):
        win["title"] = redact(win["title"], withheld)
        win["actions"] = [redact(title, withheld) for title in win["actions"]]
    for shift in shown.get("shifts", []):
        shift["title"] = redact(shift["title"], withheld)
    if "narrative" in shown:
        shown["narrative"] = redact(shown["narrative"], withheld)


def _unknown_complements(shown: dict, figures: Mapping) -> None:
    """A cell withheld to protect another under the old threshold is N or more for that
    threshold, but may be small for the new one, and its value was never kept: a reader
    cannot take it for N or more any longer, so its table's total is withheld too, and the
    total can no longer be subtracted from."""
    if not figures.keys() >= TABLE_TOTALS:
        return
    for column, phase_column in PERIOD_COLUMNS:
        if any(reason_of(p[phase_column]) == suppression.COMPLEMENTARY for p in shown["phases"]):
            _withhold_total(figures["members"], column)
    for direction, towards in (("moved_towards", True), ("moved_away", False)):
        moves = [m for m in shown["stance_moves"] if m["towards_cause"] == towards]
        if any(reason_of(m["count"]) == suppression.COMPLEMENTARY for m in moves):
            _withhold_total(figures[direction], "value")


def _withhold_total(fig: dict, column: str) -> None:
    if reason_of(fig[_DISPLAY[column]]) == suppression.SMALL:
        return
    fig[column] = None
    fig["withheld" if column == "value" else "previous_withheld"] = True
    fig[_DISPLAY[column]] = COMPLEMENTARY_DISPLAY
    fig["change"] = None
    fig["change_display"] = change_display(MEASURES[fig["key"]], None)


def _recount(display: str, threshold: int) -> str:
    """A count's display under ``threshold``: a shown count now small is withheld, and a
    count withheld as small says the threshold in force."""
    reason = reason_of(display)
    if reason == suppression.SMALL:
        return fewer_than(threshold)
    count = count_of(display)
    if count is not None and small(count, threshold):
        return fewer_than(threshold)
    return display


def _listable(names: list[str], privacy: Privacy) -> list[str]:
    return [name for name in names if not contains_withheld(name, privacy.withheld)]


def _refigure(fig: dict, figures: Mapping, threshold: int, *, stricter: bool) -> None:
    measure = MEASURES.get(fig["key"])
    if measure is None:
        return
    for column, display in _DISPLAY.items():
        flag = "withheld" if column == "value" else "previous_withheld"
        value = fig.get(column)
        withheld = bool(fig.get(flag))
        if measure.people and value is not None and small(value, threshold):
            withheld = True
        if measure.basis is not None and value is not None:
            basis = figures.get(measure.basis)
            if basis is None:
                withheld = withheld or stricter  # its basis is not in the report: unknown
            else:
                count = basis.get(column)
                withheld = withheld or bool(basis.get(flag)) or small(count, threshold)
        if not withheld:
            continue
        fig[flag] = True
        if reason_of(fig[display]) == suppression.COMPLEMENTARY:
            continue
        fig[column] = None
        fig[display] = display_text(measure, threshold)
    if fig.get("value") is None or fig.get("previous") is None:
        fig["change"] = None
        fig["change_display"] = change_display(measure, None)


def display_text(measure: Measure, threshold: int) -> str:
    return display(measure, None, withheld=True, threshold=threshold)


def _retrend(shown: dict, figures: Mapping, threshold: int, *, stricter: bool) -> None:
    """The trend's gaps under ``threshold``: counts of people now small, and means over
    answers that may now be too few (known for this period and the one before only)."""
    answers = {
        shown["period"]["label"]: figures.get("health_answers", {}).get("value"),
        shown["previous_period"]["label"]: figures.get("health_answers", {}).get("previous"),
    }
    labels = shown["trend"]["labels"]
    for series in shown["trend"]["series"]:
        measure = MEASURES.get(series["key"])
        if measure is None:
            continue
        values = series["values"]
        for i, value in enumerate(values):
            if value is None:
                continue
            if measure.people and small(value, threshold):
                values[i] = None
            elif measure.basis is not None and stricter:
                count = answers.get(labels[i]) if measure.basis == "health_answers" else None
                if count is None or count < threshold:
                    values[i] = None


# ---------------------------------------------------------------------------------------------
# Formats


def figures_csv(snapshot: Mapping) -> str:
    """The figures as CSV: one row per figure (display values, so that what is withheld on
    the page is withheld here), then the stance moves and the wins."""
    out = io.StringIO()
    writer = csv.writer(out)
    period = snapshot["period"]["label"]
    previous = snapshot["previous_period"]["label"]
    writer.writerow(["section", "figure", period, previous, "change", "what it measures"])
    for section in snapshot["sections"]:
        for fig in section["figures"]:
            writer.writerow(
                _cells(
                    section["title"],
                    fig["label"],
                    fig["display"],
                    fig["previous_display"],
                    fig["change_display"],
                    fig["explains"],
                )
            )
    for move in snapshot["stance_moves"]:
        figure = f"Moved from {move['from']} to {move['to']}"
        explains = "Actors whose stance moved so over the period."
        writer.writerow(_cells("Political climate", figure, move["count"], "", "", explains))
    for direction in snapshot.get("stance_moves_withheld", []):
        way = "towards" if direction == "moved_towards" else "away from"
        threshold = snapshot["privacy"]["small_count_threshold"]
        explains = "Which moves is withheld: it would give the counts away."
        writer.writerow(
            _cells(
                "Political climate",
                f"Moved {way} the cause",
                fewer_than(threshold),
                "",
                "",
                explains,
            )
        )
    for phase in snapshot["phases"]:
        figure = f"Members in {phase['label']}"
        explains = "Member organisations in this phase at the period's end."
        writer.writerow(
            _cells("Membership and action", figure, phase["count"], phase["previous"], "", explains)
        )
    for win in snapshot["wins"]:
        writer.writerow(
            _cells("Wins", win["title"], win["won_on"], "", "", "; ".join(win["actions"]))
        )
    return out.getvalue()


def _cells(*values) -> list[str]:
    """Cells safe to open in a spreadsheet: text that a spreadsheet would run as a formula
    (=, +, -, @ first) is prefixed with an apostrophe, unless it is a plain number."""
    safe = []
    for value in values:
        text = str(value)
        if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(text):
            text = "'" + text
        safe.append(text)
    return safe


def _is_number(text: str) -> bool:
    return re.fullmatch(r"[+-]?[\d,]*\.?\d+( points)?%?", text) is not None


def trend_svg(values: list, labels: list[str], *, width: int = 240, height: int = 64) -> str:
    """A small line chart as SVG, for the PDF (WeasyPrint runs no JavaScript). Gaps (None)
    break the line. Pure string building from numbers and escaped labels."""
    from html import escape

    points = [(i, v) for i, v in enumerate(values) if v is not None]
    if not points:
        return ""
    low = min(v for _, v in points)
    high = max(v for _, v in points)
    span = (high - low) or 1
    pad = 12
    left = 30  # room for the scale's two values
    step = (width - left - pad) / max(len(values) - 1, 1)

    def xy(i, v):
        return left + i * step, height - pad - (v - low) / span * (height - 2 * pad)

    segments, current = [], []
    for i, v in enumerate(values):
        if v is None:
            if current:
                segments.append(current)
            current = []
        else:
            current.append(xy(i, v))
    if current:
        segments.append(current)
    lines = "".join(
        '<polyline fill="none" stroke="#2f6f5e" stroke-width="2" points="'
        + " ".join(f"{x:.1f},{y:.1f}" for x, y in seg)
        + '"/>'
        for seg in segments
    )
    dots = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="#2f6f5e"/>'
        for x, y in (xy(i, v) for i, v in points)
    )
    first, last = escape(labels[0]) if labels else "", escape(labels[-1]) if labels else ""
    scale = "".join(
        f'<text x="2" y="{y}" font-size="8" fill="#5b6475">{value:g}</text>'
        for value, y in ((round(high, 3), 9), (round(low, 3), height - 2))
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 14}" '
        f'viewBox="0 0 {width} {height + 14}" role="img">'
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#f7f8fa"/>{lines}{dots}{scale}'
        f'<text x="{left}" y="{height + 11}" font-size="9" fill="#5b6475">{first}</text>'
        f'<text x="{width - pad}" y="{height + 11}" font-size="9" fill="#5b6475" '
        f'text-anchor="end">{last}</text></svg>'
    )
