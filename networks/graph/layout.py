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
# per influence score. Square cells: the map's panel is about as tall as it is wide, and a
# cell holds a crowd (a score of 3, active ally) as easily across as up.
POWER_COLUMN = 320.0
POWER_ROW = 320.0
UNASSESSED_COLUMN = -3
# The share of a cell its actors spread over (the rest is the gutter between cells).
POWER_FILL = 0.8


def power_layout(cells: Sequence[tuple[int | None, int | None]]) -> list[tuple[float, float]]:
    """Positions on the grid organizers draw on paper: x by spectrum stance (-2 active
    opposition … +2 active ally, None for not assessed), y by influence (1 … 5, None low).

    Actors in the same cell are spread evenly over it on a small grid of their own, in the
    order given (callers pass a stable order): nobody hides behind anybody else, a lone
    actor sits in the middle of its cell, and the same data draws the same picture."""
    keys = [
        (UNASSESSED_COLUMN if stance is None else stance, influence or 1)
        for stance, influence in cells
    ]
    crowd: dict[tuple[int, int], int] = {}
    for key in keys:
        crowd[key] = crowd.get(key, 0) + 1
    rank: dict[tuple[int, int], int] = {}
    placed = []
    for column, row in keys:
        count = crowd[(column, row)]
        i = rank.get((column, row), 0)
        rank[(column, row)] = i + 1
        across = math.ceil(math.sqrt(count))
        up = math.ceil(count / across)
        # The last line may be short: centre it too.
        line = i // across
        in_line = across if line < up - 1 else count - across * (up - 1)
        step_x = POWER_COLUMN * POWER_FILL / across
        step_y = POWER_ROW * POWER_FILL / up
        x = (i % across - (in_line - 1) / 2) * step_x
        y = ((up - 1) / 2 - line) * step_y
        placed.append((column * POWER_COLUMN + x, row * POWER_ROW + y))
    return placed


def spread_apart(
    positions: list[tuple[float, float]],
    fixed: set[int] = frozenset(),
    min_distance: float | None = None,
    rounds: int = 60,
) -> list[tuple[float, float]]:
    """Push apart nodes closer than ``min_distance`` (by default a share of the map's extent
    that keeps them apart on screen when the whole map is in view), moving only those not in
    ``fixed``: a force layout leaves some pairs almost on top of each other (leaves of the
    same hub, isolated actors), and nobody reads a dot hidden behind another."""
    n = len(positions)
    if n < 2:
        return list(positions)
    xs = [p[0] for p in positions]
    ys = [p[1] for p in positions]
    extent = max(max(xs) - min(xs), max(ys) - min(ys), 1.0)
    if min_distance is None:
        min_distance = min(extent / 70, extent / (1.2 * math.sqrt(n)))
    points = [list(p) for p in positions]
    for _ in range(rounds):
        if not _push_apart_once(points, fixed, min_distance):
            break
    return [(x, y) for x, y in points]


def _push_apart_once(points: list[list[float]], fixed: set[int], min_distance: float) -> bool:
    """One pass over the pairs closer than ``min_distance`` (found on a grid of that size);
    True when something moved."""
    grid: dict[tuple[int, int], list[int]] = {}
    for i, (x, y) in enumerate(points):
        grid.setdefault((math.floor(x / min_distance), math.floor(y / min_distance)), []).append(i)
    moved = False
    for (cx, cy), members in grid.items():
        near = [j for dx, dy in NEIGHBOUR_CELLS for j in grid.get((cx + dx, cy + dy), ())]
        for i in members:
            for j in near:
                if j > i and (i not in fixed or j not in fixed):
                    moved |= _part(points, i, j, i not in fixed, j not in fixed, min_distance)
    return moved


NEIGHBOUR_CELLS = [(dx, dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)]


def _part(points, i: int, j: int, free_i: bool, free_j: bool, min_distance: float) -> bool:
    dx = points[j][0] - points[i][0]
    dy = points[j][1] - points[i][1]
    gap = math.hypot(dx, dy)
    if gap >= min_distance:
        return False
    if gap < 1e-9:  # exactly on top: part them along a direction of their own
        angle = (i * 7 + j * 13) * GOLDEN_ANGLE
        dx, dy, gap = math.cos(angle), math.sin(angle), 1.0
        push = min_distance / 2
    else:
        push = (min_distance - gap) / 2 + 1e-6 * min_distance
    # Two free nodes share the push; a free one beside a fixed one takes all of it.
    share = 1.0 if free_i and free_j else 2.0
    ux, uy = dx / gap * push * share, dy / gap * push * share
    if free_i:
        points[i][0] -= ux
        points[i][1] -= uy
    if free_j:
        points[j][0] += ux
        points[j][1] += uy
    return True


# A warm-started run lays out only what an edit touched; the rest of the map is held still and
# only its nearby part (within this many of the moving nodes' spans) pushes back.
WARM_ITERATIONS = 150
WARM_REACH = 3.0  # layout units (EXTENT / sqrt(n)) around each moving node
WARM_NEAREST = 200  # at most this many bystanders push back


def warm_layout(
    placed: Sequence[tuple[float, float] | None],
    edges: Sequence[tuple[int, int]],
    moving: set[int],
    weights: Sequence[float] | None = None,
    pinned: set[int] = frozenset(),
    seed: int = 7,
) -> tuple[list[tuple[float, float]], set[int]]:
    """After an edit: new positions for the ``moving`` nodes (new or edited actors, or nodes
    without a place) and their neighbours, every other node kept exactly where it is and the
    pinned ones never moved. Returns every position and the set of nodes that moved.

    Only the free nodes, their neighbours and the nodes around them are laid out (the rest
    cannot pull on them), so the run costs what the edit touched, not the whole map."""
    n = len(placed)
    neighbours: dict[int, set[int]] = {}
    for a, b in edges:
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    free = set(moving)
    for node in moving:
        free |= neighbours.get(node, set())
    free -= set(pinned)
    # Nodes with a place but no reason to move stay; nodes without a place must move.
    free |= {i for i, where in enumerate(placed) if where is None and i not in pinned}
    known = [where for where in placed if where is not None]
    if not known:
        return force_layout(n, edges, weights), set(range(n))
    unit = EXTENT / math.sqrt(max(n, 1))
    start = _starting_places(placed, free, neighbours, known, unit)
    if not free:
        return list(start), set()
    sub = _region(start, free, neighbours, unit)
    coords = _settle_region(sub, start, free, edges, weights, unit, seed)
    result = list(start)
    for k, node in enumerate(sub):
        if node in free:
            result[node] = (coords[k][0] * unit, coords[k][1] * unit)
    # Keep the newcomers off the others' spots (only they move).
    region = [result[node] for node in sub]
    spread = spread_apart(
        region,
        fixed={k for k, node in enumerate(sub) if node not in free},
        min_distance=unit * 0.35,
    )
    for k, node in enumerate(sub):
        if node in free:
            result[node] = spread[k]
    return result, free


def _settle_region(sub, start, free, edges, weights, unit, seed) -> list[list[float]]:
    """Fruchterman-Reingold on the region only, its nodes that may not move held in place."""
    local = {node: k for k, node in enumerate(sub)}
    sub_edges, sub_weights = [], []
    for index, (a, b) in enumerate(edges):
        if a in local and b in local:
            sub_edges.append((local[a], local[b]))
            sub_weights.append(weights[index] if weights is not None else 1.0)
    graph = igraph.Graph(n=len(sub), edges=sub_edges, directed=False)
    seed_coords = [[start[node][0] / unit, start[node][1] / unit] for node in sub]
    low_x, high_x = [-math.inf] * len(sub), [math.inf] * len(sub)
    low_y, high_y = [-math.inf] * len(sub), [math.inf] * len(sub)
    for k, node in enumerate(sub):
        if node not in free:
            low_x[k] = high_x[k] = seed_coords[k][0]
            low_y[k] = high_y[k] = seed_coords[k][1]
    with seeded_igraph(seed):
        layout = graph.layout_fruchterman_reingold(
            weights=sub_weights if sub_edges and weights is not None else None,
            niter=WARM_ITERATIONS,
            seed=seed_coords,
            start_temp=math.sqrt(len(sub)) / 10 * INCREMENTAL_TEMPERATURE,
            grid="nogrid",
            minx=low_x,
            maxx=high_x,
            miny=low_y,
            maxy=high_y,
        )
    return layout.coords


def _starting_places(placed, free, neighbours, known, unit) -> list[tuple[float, float]]:
    """Where each node starts: its place, or for a newcomer beside the centre of its placed
    neighbours (the centre of the map when it has none)."""
    cx = sum(p[0] for p in known) / len(known)
    cy = sum(p[1] for p in known) / len(known)
    start: list[tuple[float, float]] = [where or (cx, cy) for where in placed]
    for rank, node in enumerate(sorted(i for i in free if placed[i] is None)):
        around = [placed[j] for j in neighbours.get(node, ()) if placed[j] is not None]
        bx = sum(p[0] for p in around) / len(around) if around else cx
        by = sum(p[1] for p in around) / len(around) if around else cy
        angle = (node + rank) * GOLDEN_ANGLE
        start[node] = (bx + unit * 0.5 * math.cos(angle), by + unit * 0.5 * math.sin(angle))
    return start


def _region(start, free, neighbours, unit) -> list[int]:
    """The part of the map a warm run sees: the free nodes, their neighbours, and every node
    within a few layout units of a free node (which pushes back but does not move). Found on
    a grid, so that a newcomer tied across a map of 5,000 costs what is around it."""
    core = set(free)
    for node in free:
        core |= neighbours.get(node, set())
    reach = unit * WARM_REACH
    grid: dict[tuple[int, int], list[int]] = {}
    for i, (x, y) in enumerate(start):
        grid.setdefault((math.floor(x / reach), math.floor(y / reach)), []).append(i)
    near: dict[int, float] = {}
    for node in free:
        cx, cy = math.floor(start[node][0] / reach), math.floor(start[node][1] / reach)
        for dx, dy in NEIGHBOUR_CELLS:
            for other in grid.get((cx + dx, cy + dy), ()):
                gap = math.dist(start[node], start[other])
                near[other] = min(gap, near.get(other, math.inf))
    # On a dense map, the nearest ones only: they are the ones a newcomer could land on.
    closest = sorted((gap, other) for other, gap in near.items() if other not in core)
    return sorted(core | {other for _, other in closest[:WARM_NEAREST]})
