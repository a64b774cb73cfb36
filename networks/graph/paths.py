"""Who can reach an actor: the strongest paths to it from the coalition's members, on plain
arrays (no Django).

A path is as strong as the product of its ties' strengths, each read as a share of the
strongest possible tie (5 of 5 → 1.0). A product rather than the weakest link, because every
hand-over along a chain loses something: two strong ties (5, 5 → 1.0) beat one middling one
(3 → 0.6), and a direct tie of 5 beats a chain of two ties of 5 only through the hop penalty.
Dijkstra on -log(strength share) finds, for every actor at once, its strongest path to the
target; members are then ranked by that strength.
"""

import heapq
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

MAX_STRENGTH = 5
# Each hand-over costs a little even along the strongest ties: shorter chains win ties.
HOP_PENALTY = 0.02
# A tie with no declared strength counts as a middling one.
DEFAULT_STRENGTH = 3


@dataclass(frozen=True)
class Path:
    actors: tuple[int, ...]  # from the member to the target
    ties: tuple[int, ...]
    strength: float  # 0..1, the product of the ties' strength shares

    @property
    def source(self) -> int:
        return self.actors[0]


def tie_cost(strength: int | None) -> float:
    return -math.log((strength or DEFAULT_STRENGTH) / MAX_STRENGTH) + HOP_PENALTY


def strongest_paths(
    target: int,
    ties: Iterable[tuple[int, int, int, int | None]],
    sources: Sequence[int],
    limit: int = 5,
    blocked: Iterable[int] = (),
) -> list[Path]:
    """The strongest path from each of ``sources`` to ``target`` over ``ties`` (tie id,
    one end, other end, strength; undirected), strongest first, at most ``limit``. Sources
    that cannot reach the target are left out; the target itself is never its own source.

    No path runs through a ``blocked`` actor (one in opposition: a message carried by an
    opponent does not arrive as sent); the target may be one, it is where the path ends."""
    blocked = set(blocked) - {target}
    neighbours: dict[int, list[tuple[int, int, float]]] = {}
    share: dict[int, float] = {}
    for tie_id, one, other, strength in ties:
        share[tie_id] = (strength or DEFAULT_STRENGTH) / MAX_STRENGTH
        cost = tie_cost(strength)
        neighbours.setdefault(one, []).append((other, tie_id, cost))
        neighbours.setdefault(other, []).append((one, tie_id, cost))
    # Dijkstra from the target: the strongest path from any actor to it, all at once.
    cost_to = {target: 0.0}
    towards: dict[int, tuple[int, int]] = {}  # actor → (next actor towards target, tie)
    queue = [(0.0, target)]
    done: set[int] = set()
    while queue:
        cost, actor = heapq.heappop(queue)
        if actor in done:
            continue
        done.add(actor)
        if actor in blocked:
            continue  # reached, but passes nothing on
        for other, tie_id, step in neighbours.get(actor, ()):
            candidate = cost + step
            if candidate < cost_to.get(other, math.inf) - 1e-12:
                cost_to[other] = candidate
                towards[other] = (actor, tie_id)
                heapq.heappush(queue, (candidate, other))
    paths = []
    for source in dict.fromkeys(sources):
        if source == target or source not in cost_to or source in blocked:
            continue
        actors, tie_ids, strength = [source], [], 1.0
        while actors[-1] != target:
            following, tie_id = towards[actors[-1]]
            actors.append(following)
            tie_ids.append(tie_id)
            strength *= share[tie_id]
        paths.append(Path(tuple(actors), tuple(tie_ids), round(strength, 6)))
    paths.sort(key=lambda path: (-path.strength, len(path.ties), path.source))
    return paths[:limit]
