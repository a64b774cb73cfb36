"""Force-directed map layout on plain arrays (no Django), computed on the server so that the
browser only draws. igraph's Fruchterman-Reingold from deterministic start positions: same
graph, same picture.
"""

import math
import random
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import igraph

# Map units per layout unit, divided by sqrt(n): Fruchterman-Reingold spreads n nodes over a
# disc whose radius grows like sqrt(n), so this keeps maps of any size at a similar scale and
# keeps hand-placed (pinned) positions meaningful from one run to the next.
EXTENT = 1000.0
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))


@dataclass(frozen=True)
class Pinned:
    index: int
    x: float
    y: float


# A run that starts from the stored layout (most actors already placed) moves them this much
# less than a run from scratch: the map keeps its shape from one edit to the next, and only
# what changed settles in.
INCREMENTAL_TEMPERATURE = 0.25


def force_layout(
    node_count: int,
    edges: Sequence[tuple[int, int]],
    weights: Sequence[float] | None = None,
    pinned: Sequence[Pinned] = (),
    iterations: int = 500,
    seed: int = 7,
    placed: Sequence[tuple[float, float] | None] | None = None,
) -> list[tuple[float, float]]:
    """Positions for ``node_count`` nodes joined by ``edges`` (pairs of node indexes).

    Pinned nodes stay exactly where a person put them: igraph has no "fixed" flag any more,
    so their bounds are clamped to their own coordinates. Stronger edges (higher ``weights``)
    pull harder. ``placed``: where each node is now (None for a node without a place); when
    most nodes have one, the run starts from there, cooler, instead of from scratch.
    """
    if node_count == 0:
        return []
    unit = EXTENT / math.sqrt(node_count)
    graph = igraph.Graph(n=node_count, edges=list(edges), directed=False)
    # Deterministic start positions: igraph's own random start draws from a global RNG.
    start = [
        [
            math.sqrt(i + 0.5) * math.cos(i * GOLDEN_ANGLE),
            math.sqrt(i + 0.5) * math.sin(i * GOLDEN_ANGLE),
        ]
        for i in range(node_count)
    ]
    start_temp = math.sqrt(node_count) / 10  # igraph's default
    known = [i for i, where in enumerate(placed or ()) if where is not None]
    if placed is not None and len(known) * 2 > node_count:
        for i in known:
            start[i] = [placed[i][0] / unit, placed[i][1] / unit]
        start_temp *= INCREMENTAL_TEMPERATURE
    bounds = {}
    if start_temp < math.sqrt(node_count) / 10:
        # Without bounds igraph turns the finished layout to its principal axes: from one run
        # to the next the whole map would spin. Any bound keeps the frame; these bind nothing.
        bounds = {"minx": [-math.inf] * node_count}
    if pinned:
        # Free nodes get unbounded boxes; igraph takes numbers only, so infinities.
        low_x, low_y = [-math.inf] * node_count, [-math.inf] * node_count
        high_x, high_y = [math.inf] * node_count, [math.inf] * node_count
        for pin in pinned:
            px, py = pin.x / unit, pin.y / unit
            start[pin.index] = [px, py]
            low_x[pin.index] = high_x[pin.index] = px
            low_y[pin.index] = high_y[pin.index] = py
        bounds = {"minx": low_x, "maxx": high_x, "miny": low_y, "maxy": high_y}
    with seeded_igraph(seed):
        layout = graph.layout_fruchterman_reingold(
            weights=list(weights) if weights is not None and edges else None,
            niter=iterations,
            seed=start,
            start_temp=start_temp,
            grid="auto",
            **bounds,
        )
    result = [(x * unit, y * unit) for x, y in layout.coords]
    for pin in pinned:  # exact, not a round trip through floating-point division
        result[pin.index] = (pin.x, pin.y)
    return result


@contextmanager
def seeded_igraph(seed: int) -> Iterator[None]:
    """igraph draws its random numbers from Python's global ``random`` module; layouts and
    community detection must not depend on whatever else ran before them in the process."""
    igraph.set_random_number_generator(random.Random(seed))  # noqa: S311 (not for secrets)
    try:
        yield
    finally:
        igraph.set_random_number_generator(random)


# The power map's grid: one column per stance (and one for the unassessed, far left), one row
# per influence score. Map units, at the scale of a force layout of a few hundred actors.
POWER_COLUMN = 400.0
POWER_ROW = 250.0
UNASSESSED_COLUMN = -3


def power_layout(cells: Sequence[tuple[int | None, int | None]]) -> list[tuple[float, float]]:
    """Positions on the grid organizers draw on paper: x by spectrum stance (-2 active
    opposition … +2 active ally, None for not assessed), y by influence (1 … 5, None low).

    Actors in the same cell spread on a small sunflower spiral around its centre, in the
    order given (callers pass a stable order), so that nobody hides behind anybody else
    and the same data draws the same picture."""
    in_cell: dict[tuple[int, int], int] = {}
    placed = []
    for stance, influence in cells:
        column = UNASSESSED_COLUMN if stance is None else stance
        row = influence or 1
        rank = in_cell.get((column, row), 0)
        in_cell[(column, row)] = rank + 1
        # Radius grows like sqrt(rank): even density; capped inside the cell.
        radius = min(18.0 * math.sqrt(rank), 0.45 * min(POWER_COLUMN, POWER_ROW))
        angle = rank * GOLDEN_ANGLE
        placed.append(
            (
                column * POWER_COLUMN + radius * math.cos(angle),
                row * POWER_ROW + radius * math.sin(angle),
            )
        )
    return placed
