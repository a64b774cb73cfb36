"""The map's layout after one edit: a warm-started run (networks/graph/layout.py,
``warm_layout``: only the new actor and its neighbours move, the rest of the map holds) against
a full layout from scratch (``force_layout`` then ``spread_apart``, as the first run and an
import do), on the same random graph, in the same run.

Graph maths only (no database): 5,000 actors and 25,000 ties (300 / 1,000 with ``--smoke``),
one actor added with three ties. Best of ``REPEAT``. Target: the warm run at least 5× faster
than the full one at 5,000 actors, and it moves no more than the newcomer and its neighbours.
"""

import random
import time

from networks.graph.layout import force_layout, spread_apart, warm_layout

SIZES = ((300, 1_000), (5_000, 25_000))
SMOKE_SIZES = ((300, 1_000),)
REPEAT = 3
TARGET = 5.0


def random_graph(n_actors: int, n_ties: int, seed: int = 18) -> list[tuple[int, int]]:
    rng = random.Random(seed)  # noqa: S311 (not for secrets)
    edges: set[tuple[int, int]] = set()
    while len(edges) < n_ties:
        a, b = rng.randrange(n_actors), rng.randrange(n_actors)
        if a != b:
            edges.add((min(a, b), max(a, b)))
    return sorted(edges)


def best(function, repeat: int = REPEAT) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return min(times), result


def measure(n_actors: int, n_ties: int) -> dict:
    edges = random_graph(n_actors, n_ties)
    weights = [3.0] * len(edges)
    placed = spread_apart(force_layout(n_actors, edges, weights))
    newcomer = n_actors
    tied_to = [0, n_actors // 2, n_actors - 1]
    edited = [*edges, *((newcomer, other) for other in tied_to)]
    edited_weights = [*weights, 3.0, 3.0, 3.0]

    def full():
        return spread_apart(force_layout(n_actors + 1, edited, edited_weights))

    def warm():
        return warm_layout([*placed, None], edited, {newcomer}, edited_weights)

    full_s, _ = best(full, 1 if n_actors > 1000 else REPEAT)
    warm_s, (positions, moved) = best(warm)
    held = all(positions[i] == placed[i] for i in range(n_actors) if i not in moved)
    return {
        "actors": n_actors,
        "ties": n_ties,
        "full_s": round(full_s, 3),
        "warm_s": round(warm_s, 4),
        "speedup": round(full_s / warm_s, 1),
        "moved": len(moved),
        "others_held": held,
    }


def run(*, smoke: bool = False, cleanup: bool = True) -> tuple[dict, list[str]]:
    results = [measure(n, m) for n, m in (SMOKE_SIZES if smoke else SIZES)]
    for r in results:
        print(
            f"{r['actors']:>6,} actors {r['ties']:>7,} ties: full layout {r['full_s']:.2f} s, "
            f"warm after one edit {r['warm_s'] * 1000:.1f} ms ({r['speedup']}×), "
            f"{r['moved']} moved, others held: {r['others_held']}"
        )
    misses = []
    for r in results:
        if not r["others_held"] or r["moved"] > 1 + 3:
            misses.append(f"{r['actors']} actors: the warm run moved {r['moved']} actors")
        if not smoke and r["actors"] >= 5000 and r["speedup"] < TARGET:
            misses.append(f"{r['actors']} actors: warm only {r['speedup']}× faster than full")
    return {"sizes": results}, misses
