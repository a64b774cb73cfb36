"""The metric run (networks.compute_metrics) against its own compute and against NetworkX.

For each size, a coalition of N actors and M relationships is bulk-created on PostgreSQL:
M declared ties between random distinct pairs (strength 1–5, seeded) and M / 10 interactions
of two to four participants drawn among the tied pairs' ends, so that relationship strength
blends evidence and declarations. Then, in this process:

* **task**: the whole Celery task ``compute_metrics(coalition_id)``, run in this process as a
  worker runs it after an edit or nightly: load the input and hash it, create the run, compute,
  and store every per-actor, per-relationship and suggestion row in one transaction; with the
  load / compute / store split the run records;
* **compute alone**: ``compute_run`` on the same input already in memory (plain arrays);
* **NetworkX**: the same metrics with NetworkX on the same weighted graph (degree, weighted
  degree, betweenness and weighted betweenness, closeness, PageRank, core number, two-step
  reach, Louvain communities and modularity, clustering). NetworkX's exact betweenness and
  closeness cannot finish here in reasonable time at these sizes (hours), so each is timed
  from ``NX_SOURCES`` seeded sources and scaled to all N sources (both are sums over
  sources, each source costing the same BFS / Dijkstra): the figure says "extrapolated".
  Above 10,000 actors Weft itself samples 500 pivots, so there NetworkX is scaled to the same
  500 pivots, like for like.

Peak memory is the highest resident set size sampled every 20 ms during a phase, above the
size at its start. Targets (full run): task ≤ 1.5× the compute alone; compute at least 10×
faster than NetworkX. The smoke run (CI sizes) checks nothing but that it runs.
``BENCH_METRICS_SIZES=10000x50000`` runs chosen sizes only.
"""

import datetime
import gc
import os
import random
import threading
import time

FULL_SIZES = ((10_000, 50_000), (50_000, 250_000))
SMOKE_SIZES = ((300, 1_500),)
SEED = 11
NX_SOURCES = 40
TASK_TARGET = 1.5
NETWORKX_TARGET = 10.0


class PeakRSS:
    """Highest resident set size seen while the block runs, in MiB above its start."""

    def __enter__(self):
        self.start = self.peak = _rss_mib()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, _rss_mib())

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_mib())
        self.extra = self.peak - self.start


def _rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def build_coalition(n_actors: int, n_ties: int, seed: int = SEED) -> dict:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from allies.models import Actor
    from coalitions.services import coalition_create
    from networks.models import Interaction, InteractionParticipant, Tie
    from weft.vocabulary import ActorKind

    rng = random.Random(seed)
    steward = get_user_model().objects.create_user(
        username=f"bench-metrics-{n_actors}-{rng.randrange(10**9)}"
    )
    coalition = coalition_create(name=f"Metrics bench {n_actors}", created_by=steward)
    kinds = [ActorKind.ORGANISATION, ActorKind.PERSON, ActorKind.GROUP]
    actors = Actor.objects.bulk_create(
        (Actor(coalition=coalition, name=f"Actor {i}", kind=kinds[i % 3]) for i in range(n_actors)),
        batch_size=5000,
    )
    ids = [a.pk for a in actors]
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < n_ties:
        a, b = rng.sample(ids, 2)
        pairs.add((min(a, b), max(a, b)))
    ordered = sorted(pairs)
    Tie.objects.bulk_create(
        (
            Tie(coalition=coalition, source_id=a, target_id=b, strength=rng.randint(1, 5))
            for a, b in ordered
        ),
        batch_size=5000,
    )
    today = timezone.localdate()
    interactions = Interaction.objects.bulk_create(
        (
            Interaction(
                coalition=coalition,
                kind=rng.choice(["one_to_one", "joint_action", "communication"]),
                occurred_on=today - datetime.timedelta(days=rng.randrange(540)),
            )
            for _ in range(n_ties // 10)
        ),
        batch_size=5000,
    )
    participants = []
    for interaction in interactions:
        a, b = rng.choice(ordered)
        group = {a, b} | {rng.choice(ids) for _ in range(rng.randrange(3))}
        participants += [InteractionParticipant(interaction=interaction, actor_id=x) for x in group]
    InteractionParticipant.objects.bulk_create(participants, batch_size=5000)
    return {"coalition": coalition, "steward": steward}


def remove_coalition(built: dict) -> None:
    built["coalition"].delete()
    built["steward"].delete()


def networkx_metrics(n: int, edges, weights, *, sources: int, scale_to: int, seed: int) -> dict:
    """The same metrics with NetworkX; betweenness and closeness from ``sources`` seeded
    sources, scaled to ``scale_to`` sources. Returns seconds per metric."""
    import networkx as nx
    from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_weighted_edges_from((a, b, w) for (a, b), w in zip(edges, weights, strict=True))
    for _, _, data in graph.edges(data=True):
        data["length"] = 1 / data["weight"] if data["weight"] > 0 else float("inf")
    seconds = {}

    def timed(name, func, factor=1.0):
        started = time.perf_counter()
        func()
        seconds[name] = (time.perf_counter() - started) * factor

    factor = scale_to / sources
    chosen = random.Random(seed).sample(range(n), sources)
    timed("degree", lambda: (dict(graph.degree()), dict(graph.degree(weight="weight"))))
    timed(
        "betweenness",
        lambda: nx.betweenness_centrality_subset(graph, chosen, list(graph), normalized=False),
        factor,
    )
    timed(
        "weighted_betweenness",
        lambda: nx.betweenness_centrality_subset(
            graph, chosen, list(graph), normalized=False, weight="length"
        ),
        factor,
    )
    timed(
        "closeness",
        lambda: [nx.single_source_shortest_path_length(graph, s) for s in chosen],
        factor,
    )
    timed("pagerank", lambda: _pagerank_python(graph, alpha=0.85, weight="weight"))
    timed("core_number", lambda: nx.core_number(graph))
    timed(
        "reach",
        lambda: [len(nx.single_source_shortest_path_length(graph, v, cutoff=2)) for v in graph],
    )
    found = {}
    timed(
        "communities",
        lambda: found.setdefault(
            "c", nx.community.louvain_communities(graph, weight="weight", seed=seed)
        ),
    )
    timed("modularity", lambda: nx.community.modularity(graph, found["c"], weight="weight"))
    timed("clustering", lambda: nx.average_clustering(graph))
    return seconds


def measure(built: dict, n_actors: int, n_ties: int) -> dict:
    from networks.graph import metrics
    from networks.graph.compute import compute_run
    from networks.metrics.models import MetricRun
    from networks.metrics.selectors import metric_input
    from networks.metrics.tasks import compute_metrics

    coalition_id = built["coalition"].pk
    gc.collect()
    with PeakRSS() as task_memory:
        started = time.perf_counter()
        run_id = compute_metrics.apply(args=[coalition_id]).get()
        task_seconds = time.perf_counter() - started
    run = MetricRun.objects.get(pk=run_id)
    assert run.status == "succeeded", run.error
    inputs = metric_input(coalition_id)
    gc.collect()
    with PeakRSS() as compute_memory:
        started = time.perf_counter()
        computed = compute_run(inputs, None)
        compute_seconds = time.perf_counter() - started
    edges_index = {a: i for i, a in enumerate(inputs.actor_ids)}
    edges = [(edges_index[r.source], edges_index[r.target]) for r in computed.relationships]
    weights = [r.strength for r in computed.relationships]
    sampled = n_actors > metrics.EXACT_LIMIT
    started = time.perf_counter()
    metrics_only = metrics.compute(n_actors, edges, weights)
    metrics_seconds = time.perf_counter() - started
    nx_seconds = networkx_metrics(
        n_actors,
        edges,
        weights,
        sources=NX_SOURCES,
        scale_to=metrics.PIVOTS if sampled else n_actors,
        seed=SEED,
    )
    networkx_total = sum(nx_seconds.values())
    MetricRun.objects.filter(pk=run.pk).delete()
    return {
        "actors": n_actors,
        "relationships": len(computed.relationships),
        "method": metrics_only.betweenness_method,
        "task_seconds": task_seconds,
        "task_load_seconds": run.timings["load"],
        "task_compute_seconds": run.timings["compute"],
        "task_store_seconds": run.timings["store"],
        "request_seconds": task_seconds - run.timings["total"],
        "task_peak_extra_mib": task_memory.extra,
        "compute_seconds": compute_seconds,
        "compute_peak_extra_mib": compute_memory.extra,
        "metrics_seconds": metrics_seconds,
        "networkx_seconds": networkx_total,
        "networkx_breakdown": nx_seconds,
        "networkx_note": f"betweenness and closeness timed from {NX_SOURCES} sources, "
        f"extrapolated to {metrics.PIVOTS if sampled else n_actors}",
        "task_over_compute": task_seconds / compute_seconds,
        "networkx_over_metrics": networkx_total / metrics_seconds,
    }


def print_table(results: list[dict]) -> None:
    print("\nmetric run (networks.compute_metrics), PostgreSQL")
    for r in results:
        print(
            f"\n  {r['actors']:,} actors / {r['relationships']:,} relationships ({r['method']})\n"
            f"    whole task      {r['task_seconds']:8.2f} s  (request+hash "
            f"{r['request_seconds']:.2f}, load {r['task_load_seconds']:.2f}, compute "
            f"{r['task_compute_seconds']:.2f}, store {r['task_store_seconds']:.2f}); "
            f"peak +{r['task_peak_extra_mib']:.0f} MiB\n"
            f"    compute alone   {r['compute_seconds']:8.2f} s  (in-memory arrays); "
            f"peak +{r['compute_peak_extra_mib']:.0f} MiB\n"
            f"    metrics (igraph){r['metrics_seconds']:8.2f} s\n"
            f"    NetworkX        {r['networkx_seconds']:8.2f} s  ({r['networkx_note']})\n"
            f"    ratios: task / compute {r['task_over_compute']:.2f} (target ≤ {TASK_TARGET}); "
            f"NetworkX / igraph {r['networkx_over_metrics']:.1f}× (target ≥ {NETWORKX_TARGET:g}×)"
        )


def run(*, smoke: bool = False, cleanup: bool = True) -> tuple[dict, list[str]]:
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("bench: the metrics benchmark needs PostgreSQL (DATABASE_URL)")
    sizes = SMOKE_SIZES if smoke else FULL_SIZES
    if os.environ.get("BENCH_METRICS_SIZES"):  # e.g. "10000x50000,50000x250000"
        sizes = tuple(
            tuple(int(part) for part in size.split("x"))
            for size in os.environ["BENCH_METRICS_SIZES"].split(",")
        )
    results = []
    for n_actors, n_ties in sizes:
        print(f"building {n_actors:,} actors / {n_ties:,} ties…", flush=True)
        built = build_coalition(n_actors, n_ties)
        try:
            results.append(measure(built, n_actors, n_ties))
        finally:
            if cleanup:
                remove_coalition(built)
    print_table(results)
    misses = []
    if not smoke:
        for r in results:
            if r["task_over_compute"] > TASK_TARGET:
                misses.append(f"{r['actors']} actors: task {r['task_over_compute']:.2f}× compute")
            if r["networkx_over_metrics"] < NETWORKX_TARGET:
                misses.append(
                    f"{r['actors']} actors: only {r['networkx_over_metrics']:.1f}× NetworkX"
                )
    return {"sizes": results}, misses
