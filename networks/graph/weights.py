"""The weight each relationship carries in the structural metrics (no Django).

Communities, PageRank, eigenvector centrality, weighted degree and weighted betweenness
(networks/graph/metrics.py) read one positive weight per relationship. Where it comes from
depends on what the network holds, decided once per network, so that every relationship of a
run is on one scale:

* ``declared``: at least one tie carries a **declared weight**, the number an imported file gave
  it (a Gephi or GraphML edge ``weight``, a Kumu number; networks/models.py ``Tie``). Those are
  the weights, as the file wrote them: a network imported from Gephi gives the numbers NetworkX
  or Gephi give on the same file. Several ties between one pair: the largest weight. A
  relationship without a declared weight (a tie added by hand, or one inferred from
  interactions) counts as a typical tie of the file: the median declared weight.
* ``strength``: no declared weight, but relationship strengths (networks/graph/strength.py:
  declared 1–5 and evidence from interactions, 0..1). The strengths are the weights. A tie
  declared without a strength and with no evidence is a relationship whose strength is simply
  not known, not a relationship of strength 0: it counts as a typical one, the median of the
  positive strengths.
* ``unit``: nothing in the network measures any relationship (every tie declared without a
  strength, no interaction): every relationship weighs 1, the unweighted graph. This is what
  NetworkX and igraph compute when no ``weight`` is given.

So no relationship ever weighs 0 in the structural metrics: a declared tie always counts. (A
weight of 0 used to drop a tie from PageRank and communities altogether, and a network without
strengths came out as one community per component with every actor the same PageRank.)

The median (``statistics.median``: the mean of the two middle values for an even count) keeps
the scale of the weights the network does have; it is a neutral choice, documented so that a
user can read it, not a claim about the unknown tie.
"""

import statistics
from collections.abc import Sequence
from typing import Literal

WeightBasis = Literal["declared", "strength", "unit"]

BASIS_LABELS: dict[str, str] = {
    "declared": "the weights declared in the imported file",
    "strength": "relationship strength (declared 1–5 and interactions)",
    "unit": "none: every relationship counts 1 (no strength recorded)",
}


def structural_weights(
    strengths: Sequence[float], declared: Sequence[float | None]
) -> tuple[list[float], WeightBasis]:
    """One positive weight per relationship and the basis they were taken on.

    ``strengths`` are the relationships' strengths (0..1) and ``declared`` their declared
    weights (a positive number, or ``None``), in the same order. Raises ``ValueError`` when the
    two differ in length or a declared weight is not a positive finite number.
    """
    if len(strengths) != len(declared):
        raise ValueError("declared: one declared weight (or None) per relationship")
    given = [w for w in declared if w is not None]
    for w in given:
        if not 0 < w < float("inf"):
            raise ValueError(f"declared: a declared weight is a positive number, not {w!r}")
    if given:
        typical = statistics.median(given)
        return [typical if w is None else float(w) for w in declared], "declared"
    positive = [s for s in strengths if s > 0]
    if positive:
        typical = statistics.median(positive)
        return [s if s > 0 else typical for s in strengths], "strength"
    return [1.0] * len(strengths), "unit"
