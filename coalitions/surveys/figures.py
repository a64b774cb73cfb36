"""A round's results from plain values (no Django): response rate over time, reciprocity,
the network as reported against the map as drawn, and the small-count rule.

Reciprocity (Polinode's "reciprocated ties"): among respondents who both sent their answers,
a pair is *mutual* when each named the other, *one-sided* when one named the other and the
other, who answered too, did not. The reciprocity rate is mutual pairs over all pairs named by
at least one side. Pairs with someone who did not answer are left out: silence is not a no.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

Pair = tuple[int, int]


@dataclass(frozen=True)
class Reciprocity:
    mutual: dict[Pair, tuple[int | None, int | None]] = field(default_factory=dict)
    # (who named, who did not name back)
    one_sided: list[Pair] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        named = len(self.mutual) + len(self.one_sided)
        return len(self.mutual) / named if named else None

    def disagreements(self, at_least: int = 2) -> dict[Pair, tuple[int | None, int | None]]:
        """Mutual pairs whose strengths differ by ``at_least`` (A says 5, B says 2)."""
        return {
            pair: (a, b)
            for pair, (a, b) in self.mutual.items()
            if a is not None and b is not None and abs(a - b) >= at_least
        }


def reciprocity(reports: Iterable[tuple[int, int, int | None]], answered: set[int]) -> Reciprocity:
    """``reports``: (respondent, named, strength) for every actor a respondent named."""
    said: dict[Pair, int | None] = {}
    for respondent, named, strength in reports:
        if respondent in answered and named in answered and respondent != named:
            said[(respondent, named)] = strength
    mutual: dict[Pair, tuple[int | None, int | None]] = {}
    one_sided: list[Pair] = []
    for (a, b), strength in sorted(said.items()):
        if (b, a) in said:
            if a < b:
                mutual[(a, b)] = (strength, said[(b, a)])
        else:
            one_sided.append((a, b))
    return Reciprocity(mutual=mutual, one_sided=one_sided)


@dataclass(frozen=True)
class Comparison:
    only_reported: list[Pair]
    only_drawn: list[Pair]
    both: list[Pair]


def reported_against_drawn(
    reported: Iterable[Pair], drawn: Iterable[Pair], answered: set[int]
) -> Comparison:
    """Undirected pairs a respondent reported against the map's ties between respondents who
    answered (a tie the map draws between two who answered and neither named)."""
    reported_pairs = {(min(a, b), max(a, b)) for a, b in reported if a != b}
    drawn_pairs = {
        (min(a, b), max(a, b)) for a, b in drawn if a != b and a in answered and b in answered
    }
    return Comparison(
        only_reported=sorted(reported_pairs - {(min(a, b), max(a, b)) for a, b in drawn}),
        only_drawn=sorted(drawn_pairs - reported_pairs),
        both=sorted(reported_pairs & drawn_pairs),
    )


def response_over_time(
    submitted: Iterable[datetime.date], total: int
) -> list[tuple[datetime.date, int, float]]:
    """(day, answers sent by then, share of respondents) for each day an answer came in."""
    by_day: dict[datetime.date, int] = {}
    for day in submitted:
        by_day[day] = by_day.get(day, 0) + 1
    running, rows = 0, []
    for day in sorted(by_day):
        running += by_day[day]
        rows.append((day, running, running / total if total else 0.0))
    return rows


def small_count(count: int, threshold: int) -> str:
    """A count as shown under the coalition's small-count rule: "fewer than N" below N (and
    above 0), so that a count of one does not point at one organisation."""
    if 0 < count < threshold:
        return f"fewer than {threshold}"
    return str(count)


# -- A round against the one before --------------------------------------------------------
#
# What a round says about the network, so that two rounds can be compared (the dashboard, the
# funder report's "stronger relationships" and the round's results page):
#
# * density: among the respondents who sent their answers, the share of their pairs that at
#   least one of the two named (a bounded network: only pairs where both were asked);
# * reciprocity: as above, mutual pairs over pairs named by at least one side;
# * new ties: pairs named in this round and not in the one before, counted only where one of
#   the two answered the one before too (a pair nobody could have named then is not new);
#   ties not named again: the reverse.


@dataclass(frozen=True)
class RoundNetwork:
    answered: frozenset[int]
    pairs: frozenset[Pair]  # undirected pairs named by a respondent (anyone named)
    reciprocity: Reciprocity

    @property
    def density(self) -> float | None:
        n = len(self.answered)
        if n < 2:
            return None
        among = sum(1 for a, b in self.pairs if a in self.answered and b in self.answered)
        return among / (n * (n - 1) / 2)


def round_network(
    reports: Iterable[tuple[int, int, int | None]], answered: Iterable[int]
) -> RoundNetwork:
    """``reports``: (respondent, named, strength) for every actor a respondent who sent their
    answers named."""
    reports = list(reports)
    answered = frozenset(answered)
    pairs = frozenset((min(a, b), max(a, b)) for a, b, _ in reports if a != b and a in answered)
    return RoundNetwork(
        answered=answered, pairs=pairs, reciprocity=reciprocity(reports, set(answered))
    )


@dataclass(frozen=True)
class RoundComparison:
    current: RoundNetwork
    previous: RoundNetwork | None

    @property
    def new_ties(self) -> int | None:
        if self.previous is None:
            return None
        known = self.previous.answered
        return sum(
            1 for a, b in self.current.pairs - self.previous.pairs if a in known or b in known
        )

    @property
    def not_named_again(self) -> int | None:
        if self.previous is None:
            return None
        known = self.current.answered
        return sum(
            1 for a, b in self.previous.pairs - self.current.pairs if a in known or b in known
        )


def _share(value: float | None) -> str:
    return "no data" if value is None else f"{value * 100:.0f}%"


def _ratio(value: float | None) -> str:
    return "no data" if value is None else f"{value:.2f}"


def comparison_rows(comparison: RoundComparison, threshold: int) -> list[dict]:
    """The comparison as shown, under the small-count rule of funder reports
    (coalitions/reports/figures.py): a count of respondents below ``threshold`` is "fewer than
    N", and a rate or count taken over fewer than N respondents is withheld."""
    current, previous = comparison.current, comparison.previous
    now_small = len(current.answered) < threshold
    before_small = previous is None or len(previous.answered) < threshold
    withheld = f"withheld (fewer than {threshold})"

    def over(network, small, shown, value):
        if network is None:
            return "—"
        return withheld if small else shown(value)

    def change(now, before, small_now, small_before, points=False):
        if small_now or small_before or now is None or before is None:
            return "—"
        delta = now - before
        if round(delta, 4) == 0:
            return "no change"
        return f"{delta * 100:+.0f} points" if points else f"{delta:+.2f}"

    new_ties, lost = comparison.new_ties, comparison.not_named_again
    either_small = now_small or before_small
    return [
        {
            "key": "answered",
            "label": "Respondents who sent their answers",
            "value": small_count(len(current.answered), threshold),
            "previous": "—" if previous is None else small_count(len(previous.answered), threshold),
            "change": "—",
        },
        {
            "key": "density",
            "label": "Density (pairs of respondents with a relationship named)",
            "value": over(current, now_small, _ratio, current.density),
            "previous": over(previous, before_small, _ratio, previous and previous.density),
            "change": change(
                current.density, previous and previous.density, now_small, before_small
            ),
        },
        {
            "key": "reciprocity",
            "label": "Reciprocity (relationships named by both sides)",
            "value": over(current, now_small, _share, current.reciprocity.rate),
            "previous": over(
                previous, before_small, _share, previous and previous.reciprocity.rate
            ),
            "change": change(
                current.reciprocity.rate,
                previous and previous.reciprocity.rate,
                now_small,
                before_small,
                points=True,
            ),
        },
        {
            "key": "new_ties",
            "label": "New relationships (not named in the round before)",
            "value": "—" if new_ties is None else (withheld if either_small else f"{new_ties:,}"),
            "previous": "",
            "change": "",
        },
        {
            "key": "not_named_again",
            "label": "Relationships not named again",
            "value": "—" if lost is None else (withheld if either_small else f"{lost:,}"),
            "previous": "",
            "change": "",
        },
    ]
