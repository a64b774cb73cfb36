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
