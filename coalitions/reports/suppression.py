"""Small-count suppression that cannot be undone by arithmetic (no Django).

A count of people or organisations under the coalition's threshold is withheld ("fewer than
3"). On its own that is not enough: when a table shows its total and all its other cells, the
withheld cell is the total minus the rest (13 members, phases 4 + 7 + 0 and "fewer than 3":
the fourth is 2). So every table whose cells add up to a shown total is audited, and cells are
withheld until the published figures say nothing more about a small cell than "fewer than N":

- the *primary* cells are the small ones (1 to N - 1);
- if the total minus the shown cells pins a small cell down more narrowly than 1 to N - 1,
  the smallest set of other non-zero cells (fewest, then smallest sum) whose withholding
  leaves every small cell anywhere in 1 to N - 1 is withheld too (*complementary* cells, shown
  as "withheld": a reader knows they are N or more, and the audit assumes so);
- if no such set exists, the total is withheld instead;
- a table whose total is itself small withholds every cell, zeros included: "fewer than N"
  zeros and ones adding up to fewer than N would otherwise pin the ones down.

A figure's change between two periods is shown only where both periods' figures are (the
caller's rule), and each period is suppressed alone, from its own figures only, so the same
period reads the same in this report's "previous" column and in the report before it.

The audit is exact for one equation (a total and its cells, each known to lie in an interval
of integers): the values a cell can take are the interval between what the others leave at
their most and at their least. Tables here share no cell, so each is one equation.
"""

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations

SMALL = "small"
COMPLEMENTARY = "complementary"


@dataclass(frozen=True)
class Table:
    """Cells that add up to a total, as a reader can check."""

    total: Hashable
    cells: tuple[Hashable, ...]


def suppress(
    values: Mapping[Hashable, int | None],
    tables: Iterable[Table],
    *,
    threshold: int,
    hidden: Mapping[Hashable, str] | None = None,
) -> dict[Hashable, str]:
    """Which cells to withhold, and why (:data:`SMALL` or :data:`COMPLEMENTARY`).

    ``values`` holds every cell's count; None for a cell already withheld (its reason in
    ``hidden``), as when a published report is shown again under a stricter threshold."""
    reasons: dict[Hashable, str] = dict(hidden or {})
    for key, value in values.items():
        if value is not None and 0 < value < threshold:
            reasons.setdefault(key, SMALL)
    for table in tables:
        reasons = _protect(table, values, reasons, threshold)
    return reasons


def _protect(table: Table, values, reasons: dict, threshold: int) -> dict:
    total_reason = reasons.get(table.total)
    if total_reason == SMALL:
        return {**reasons, **{cell: reasons.get(cell, SMALL) for cell in table.cells}}
    if total_reason is not None or values.get(table.total) is None:
        return reasons  # no total to subtract from
    if is_safe(table, values, reasons, threshold):
        return reasons
    candidates = [
        cell for cell in table.cells if cell not in reasons and (values.get(cell) or 0) > 0
    ]
    for size in range(1, len(candidates) + 1):
        for chosen in sorted(
            combinations(candidates, size), key=lambda cells: sum(values[c] for c in cells)
        ):
            trial = {**reasons, **dict.fromkeys(chosen, COMPLEMENTARY)}
            if is_safe(table, values, trial, threshold):
                return trial
    return {**reasons, table.total: COMPLEMENTARY}


def prior(reason: str, threshold: int, total: int) -> tuple[int, int]:
    """What a reader knows of a withheld cell before any arithmetic."""
    if reason == SMALL:
        return 1, threshold - 1
    return threshold, total


def is_safe(table: Table, values, reasons: Mapping, threshold: int) -> bool:
    """Whether the table's shown total and cells leave every small withheld cell free to be
    anything from 1 to ``threshold - 1``."""
    total = values[table.total]
    hidden = [cell for cell in table.cells if cell in reasons]
    rest = total - sum(values.get(cell) or 0 for cell in table.cells if cell not in reasons)
    bounds = {cell: prior(reasons[cell], threshold, total) for cell in hidden}
    for cell in hidden:
        if reasons[cell] != SMALL:
            continue
        others_low = sum(low for other, (low, _) in bounds.items() if other != cell)
        others_high = sum(high for other, (_, high) in bounds.items() if other != cell)
        low, high = bounds[cell]
        if (max(low, rest - others_high), min(high, rest - others_low)) != (low, high):
            return False
    return True
