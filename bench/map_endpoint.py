"""The map endpoint (GET /api/v1/coalitions/<id>/map/) against a raw-SQL baseline.

For each size, a coalition of N actors (one assessment and one stored layout position each,
about 10 % sensitive) and M ties between random distinct pairs is bulk-created, then:

* the request goes through the whole stack in this process (django.test.Client: WSGI handler,
  middleware, token authentication, the view, gzip_page), as the coalition's steward (who sees
  sensitive rows, so every row is in the payload);
* the baseline reads the same rows with one raw SQL query per table (actors joined with their
  latest assessment and their position; ties) and encodes the same JSON with orjson. Its
  output is checked to be equal to the endpoint's.

Every size is built first, then measured. Figures: queries of one request
(CaptureQueriesContext), best of 5 timings after a warm-up (time.perf_counter; request and
baseline interleaved, so that both see the same load), response size plain and gzip, and
the extra memory of one call (peak of tracemalloc over what was allocated before it: Python
allocations only, libpq's result buffers are not seen).

Targets (full run): the same number of queries at both sizes, at most 5 (the fifth reads
the interactions the inferred relationships come from); at most 1.3x the
baseline's time at 5,000 actors; at most 64 MiB of extra memory; gzip for clients that
accept it. The smoke run checks only the query count.
"""

import datetime
import gc
import gzip
import random
import re
import secrets
import statistics
import time
import tracemalloc
from collections.abc import Callable

import orjson

FULL_SIZES = ((300, 1_000), (5_000, 25_000))
SMOKE_SIZES = ((300, 1_000), (1_000, 5_000))
REPEAT = 5
MAX_QUERIES = 5
MAX_TIME_RATIO = 1.3
MAX_MEMORY_MIB = 64.0
SEED = 20_240_501
MIB = 1024 * 1024


# ---------------------------------------------------------------------------------------------
# Data


def build_coalition(n_actors: int, n_ties: int, seed: int = SEED) -> dict:
    """A coalition of ``n_actors`` actors and ``n_ties`` ties, bulk-created; its steward's
    API token. Returns {"coalition": …, "token": …, "user": …}."""
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from allies.models import Actor, AllyAssessment
    from coalitions.services import coalition_create
    from networks.models import ActorPosition, Tie
    from weft.vocabulary import ActorKind, AllyKind, Direction, Stance, TieKind

    rng = random.Random(seed + n_actors)
    user = get_user_model().objects.create_user(
        username=f"bench-{n_actors}-{secrets.token_hex(4)}", password=None
    )
    coalition = coalition_create(name=f"Bench {n_actors} actors", created_by=user)
    token = Token.objects.create(user=user)

    day0 = datetime.date(2023, 1, 1)
    actors = Actor.objects.bulk_create(
        [
            Actor(
                coalition=coalition,
                name=f"Actor {i:05d}",
                kind=rng.choice(ActorKind.values),
                is_sensitive=rng.random() < 0.1,
                is_directly_affected=rng.random() < 0.3,
            )
            for i in range(n_actors)
        ],
        batch_size=1_000,
    )
    AllyAssessment.objects.bulk_create(
        [
            AllyAssessment(
                actor=actor,
                stance=rng.choice(Stance.values),
                ally_kind=rng.choice(AllyKind.values),
                influence=rng.randint(1, 5),
                proximity=rng.randint(1, 5),
                commitment=rng.randint(1, 5),
                assessed_on=day0 + datetime.timedelta(days=rng.randrange(700)),
            )
            for actor in actors
        ],
        batch_size=1_000,
    )
    ActorPosition.objects.bulk_create(
        [
            ActorPosition(
                actor=actor,
                x=rng.uniform(-1_000, 1_000),
                y=rng.uniform(-1_000, 1_000),
                is_pinned=rng.random() < 0.05,
            )
            for actor in actors
        ],
        batch_size=1_000,
    )
    ids = [actor.pk for actor in actors]
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < n_ties:
        source, target = rng.sample(ids, 2)
        pairs.add((source, target))
    ties = []
    for source, target in sorted(pairs):
        started = day0 + datetime.timedelta(days=rng.randrange(700)) if rng.random() < 0.7 else None
        ended = (
            started + datetime.timedelta(days=rng.randrange(1, 400))
            if started and rng.random() < 0.2
            else None
        )
        ties.append(
            Tie(
                coalition=coalition,
                source_id=source,
                target_id=target,
                kind=rng.choice(TieKind.values),
                direction=rng.choice(Direction.values),
                strength=rng.choice([None, 1, 2, 3, 4, 5]),
                started_on=started,
                ended_on=ended,
                is_sensitive=rng.random() < 0.05,
            )
        )
    Tie.objects.bulk_create(ties, batch_size=1_000)
    return {"coalition": coalition, "token": token.key, "user": user}


def vacuum_analyze() -> None:
    """What autovacuum would have done by the time a map this size is read: planner
    statistics, visibility map, hint bits."""
    from django.db import connection

    from allies.models import Actor, AllyAssessment
    from networks.models import ActorPosition, Tie

    with connection.cursor() as cursor:
        for model in (Actor, AllyAssessment, ActorPosition, Tie):
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def remove_coalition(built: dict) -> None:
    """Delete what build_coalition made (used on a database the runner does not drop).
    Raw deletes: the ORM's cascade would write a history row for each of 30,000 rows."""
    from allies.models import Actor, AllyAssessment
    from coalitions.models import AuditEntry, Coalition
    from networks.models import ActorPosition, Tie

    coalition = built["coalition"]
    for queryset in (
        Tie.objects.filter(coalition=coalition),
        ActorPosition.objects.filter(actor__coalition=coalition),
        AllyAssessment.objects.filter(actor__coalition=coalition),
        Actor.objects.filter(coalition=coalition),
    ):
        queryset._raw_delete(queryset.db)
    AuditEntry.objects.filter(coalition=coalition).delete()
    coalition_id = coalition.pk
    coalition.delete()
    Coalition.history.filter(id=coalition_id).delete()
    built["user"].delete()


# ---------------------------------------------------------------------------------------------
# The two contestants


def map_url(coalition_id: int) -> str:
    return f"/api/v1/coalitions/{coalition_id}/map/"


def make_request(coalition_id: int, token: str, *, gzip_ok: bool = False) -> Callable:
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {token}")
    url = map_url(coalition_id)
    extra = {"HTTP_ACCEPT_ENCODING": "gzip"} if gzip_ok else {}

    def request():
        response = client.get(url, **extra)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url}: {response.status_code} {response.content[:200]!r}")
        return response

    return request


def baseline_sql() -> tuple[str, str]:
    """One query per table: actors (with their latest assessment and their position), ties,
    interaction participants (the evidence of inferred relationships)."""
    from allies.models import Actor, AllyAssessment
    from networks.models import ActorPosition, Interaction, InteractionParticipant, Tie

    actor, assessment = Actor._meta.db_table, AllyAssessment._meta.db_table
    position, tie = ActorPosition._meta.db_table, Tie._meta.db_table
    # Table names come from the models, not from input.
    nodes = f"""
        SELECT a.id, a.name, a.kind, a.is_sensitive, a.is_directly_affected,
               s.stance, s.ally_kind, s.influence, s.proximity, s.commitment,
               p.x, p.y, p.is_pinned
          FROM {actor} a
          LEFT JOIN LATERAL (
                SELECT stance, ally_kind, influence, proximity, commitment
                  FROM {assessment}
                 WHERE actor_id = a.id
                 ORDER BY assessed_on DESC, created_at DESC, id DESC
                 LIMIT 1
               ) s ON TRUE
          LEFT JOIN {position} p ON p.actor_id = a.id
         WHERE a.coalition_id = %s
         ORDER BY a.id
    """  # noqa: S608
    edges = f"""
        SELECT id, source_id, target_id, kind, direction, strength, started_on, ended_on,
               is_sensitive
          FROM {tie}
         WHERE coalition_id = %s
         ORDER BY id
    """  # noqa: S608
    participants = f"""
        SELECT ip.interaction_id, i.kind, i.occurred_on, ip.actor_id
          FROM {InteractionParticipant._meta.db_table} ip
          JOIN {Interaction._meta.db_table} i ON i.id = ip.interaction_id
         WHERE i.coalition_id = %s
    """  # noqa: S608
    return nodes, edges, participants


def make_baseline(coalition_id: int) -> Callable:
    from django.db import connection

    from networks.map.payload import EDGE_FIELDS, NODE_FIELDS

    nodes_sql, edges_sql, participants_sql = baseline_sql()
    # The bench's coalitions record no interactions: no inferred relationship to compute.
    not_inferred = {"inferred": False, "relationship_strength": None, "interaction_count": None}

    def baseline() -> bytes:
        with connection.cursor() as cursor:
            cursor.execute(nodes_sql, [coalition_id])
            nodes = [dict(zip(NODE_FIELDS, row, strict=True)) for row in cursor.fetchall()]
            cursor.execute(edges_sql, [coalition_id])
            rows = cursor.fetchall()
            cursor.execute(participants_sql, [coalition_id])
            if cursor.fetchall():
                raise RuntimeError("the baseline computes no inferred relationships")
        visible = {node["id"] for node in nodes}
        edges = [
            dict(zip(EDGE_FIELDS, row, strict=True), **not_inferred)
            for row in rows
            if row[1] in visible and row[2] in visible
        ]
        return orjson.dumps(
            {"coalition": coalition_id, "as_of": None, "nodes": nodes, "edges": edges},
            option=orjson.OPT_NON_STR_KEYS,
        )

    return baseline


# ---------------------------------------------------------------------------------------------
# Measures


def best_times(funcs: dict[str, Callable], repeat: int = REPEAT) -> dict[str, dict]:
    """Seconds: best and median of ``repeat`` calls of each function after one warm-up.
    The calls are interleaved (a, b, c, a, b, c, …) so that all see the same load on the
    machine: the ratios are what the benchmark is for."""
    for func in funcs.values():
        func()
    times: dict[str, list[float]] = {name: [] for name in funcs}
    for _ in range(repeat):
        for name, func in funcs.items():
            gc.collect()
            start = time.perf_counter()
            func()
            times[name].append(time.perf_counter() - start)
    return {
        name: {"best_s": min(values), "median_s": statistics.median(values)}
        for name, values in times.items()
    }


def extra_memory_mib(func: Callable) -> float:
    """Peak Python memory allocated during one call, over what was allocated before it."""
    gc.collect()
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        result = func()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del result
    return (peak - before) / MIB


def describe_query(sql: str) -> str:
    """A short name for one query: the table it reads and what it is for."""
    # The table of the first selected column: the query's own, not one of its subqueries'.
    match = re.match(r'\s*SELECT\s+(?:DISTINCT\s+)?"(\w+)"\.', sql, re.IGNORECASE)
    table = match.group(1) if match else "?"
    purpose = {
        "authtoken_token": "token -> user (TokenAuthentication)",
        "coalitions_role": "current role + coalition (roles.require)",
        "allies_actor": "actors + latest assessment + position (map_payload)",
        "networks_tie": "ties (map_payload)",
    }.get(table, sql[:80])
    return f"{table}: {purpose}"


def capture_queries(request: Callable) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        request()
    return [query["sql"] for query in captured.captured_queries]


def explain(sql: str, params: list | None = None) -> dict:
    """PostgreSQL's plan of one query, run: its estimated cost, execution time, and the time
    spent compiling it (JIT, used when the estimate is above jit_above_cost)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0][0]
    return {
        "total_cost": plan["Plan"]["Total Cost"],
        "execution_ms": plan["Execution Time"],
        "jit_ms": plan["JIT"]["Timing"]["Total"] if "JIT" in plan else 0.0,
    }


def measure(built: dict, n_actors: int, n_ties: int) -> dict:
    print(f"-- measuring {n_actors:,} actors / {n_ties:,} ties", flush=True)
    coalition_id = built["coalition"].pk
    request = make_request(coalition_id, built["token"])
    request_gzip = make_request(coalition_id, built["token"], gzip_ok=True)
    baseline = make_baseline(coalition_id)

    plain = request()
    compressed = request_gzip()
    expected = baseline()
    if orjson.loads(plain.content) != orjson.loads(expected):
        raise RuntimeError("the baseline's JSON differs from the endpoint's")
    gzipped = compressed.get("Content-Encoding") == "gzip"
    if gzipped and gzip.decompress(compressed.content) != plain.content:
        raise RuntimeError("the gzip response does not decompress to the plain one")
    payload = orjson.loads(plain.content)

    queries = capture_queries(request)
    actors_sql = next(
        (sql for sql in queries if describe_query(sql).startswith("allies_actor")), None
    )
    plans = {
        "request_actors_query": explain(actors_sql) if actors_sql else None,
        "baseline_actors_query": explain(baseline_sql()[0], [coalition_id]),
    }
    timings = best_times({"request": request, "request_gzip": request_gzip, "baseline": baseline})
    figures = {
        "actors": n_actors,
        "ties": n_ties,
        "nodes": len(payload["nodes"]),
        "edges": len(payload["edges"]),
        "queries": len(queries),
        "query_list": [describe_query(sql) for sql in queries],
        **timings,
        "bytes_plain": len(plain.content),
        "bytes_gzip": len(compressed.content),
        "gzip_when_accepted": gzipped,
        "vary_accept_encoding": "accept-encoding" in compressed.get("Vary", "").lower(),
        "plans": plans,
        "memory_mib": {
            "request": extra_memory_mib(request),
            "request_gzip": extra_memory_mib(request_gzip),
            "baseline": extra_memory_mib(baseline),
        },
    }
    figures["time_ratio"] = figures["request"]["best_s"] / figures["baseline"]["best_s"]
    figures["time_ratio_gzip"] = figures["request_gzip"]["best_s"] / figures["baseline"]["best_s"]
    return figures


# ---------------------------------------------------------------------------------------------
# Report


def _plan(result: dict, key: str, fmt: str) -> str:
    """``request / baseline`` figures of the actors query's plan."""
    plans = result["plans"]
    request = plans["request_actors_query"]
    return " / ".join(
        fmt.format(plan[key]) if plan else "?" for plan in (request, plans["baseline_actors_query"])
    )


def print_table(results: list[dict]) -> None:
    def ms(seconds: float) -> str:
        return f"{seconds * 1000:,.1f} ms"

    header = f"{'':32}" + "".join(f"{r['actors']:>8,} / {r['ties']:<8,}" for r in results)
    rows = [
        ("nodes / edges in payload", lambda r: f"{r['nodes']:,} / {r['edges']:,}"),
        ("queries", lambda r: str(r["queries"])),
        ("request, best of 5", lambda r: ms(r["request"]["best_s"])),
        ("request (gzip), best of 5", lambda r: ms(r["request_gzip"]["best_s"])),
        ("baseline, best of 5", lambda r: ms(r["baseline"]["best_s"])),
        ("request / baseline", lambda r: f"{r['time_ratio']:.2f}x"),
        ("request (gzip) / baseline", lambda r: f"{r['time_ratio_gzip']:.2f}x"),
        ("request, median", lambda r: ms(r["request"]["median_s"])),
        ("baseline, median", lambda r: ms(r["baseline"]["median_s"])),
        ("response, plain", lambda r: f"{r['bytes_plain'] / 1024:,.0f} KiB"),
        (
            "response, gzip",
            lambda r: (
                f"{r['bytes_gzip'] / 1024:,.0f} KiB"
                + ("" if r["gzip_when_accepted"] else " (NOT gzipped)")
            ),
        ),
        ("actors query: cost estimate", lambda r: _plan(r, "total_cost", "{:,.0f}")),
        ("actors query: execution", lambda r: _plan(r, "execution_ms", "{:,.1f} ms")),
        ("actors query: JIT compilation", lambda r: _plan(r, "jit_ms", "{:,.1f} ms")),
        ("extra memory, request", lambda r: f"{r['memory_mib']['request']:.1f} MiB"),
        ("extra memory, request (gzip)", lambda r: f"{r['memory_mib']['request_gzip']:.1f} MiB"),
        ("extra memory, baseline", lambda r: f"{r['memory_mib']['baseline']:.1f} MiB"),
    ]
    print("\nGET /api/v1/coalitions/<id>/map/ (token auth, steward) vs raw SQL + orjson")
    print("(actors query rows: request / baseline, from EXPLAIN ANALYZE)")
    print(header)
    for label, cell in rows:
        print(f"{label:32}" + "".join(f"{cell(r):>19}" for r in results))
    lists = [r["query_list"] for r in results]
    for result in results if any(q != lists[0] for q in lists) else results[-1:]:
        size = f"{result['actors']:,} actors" if len(set(map(tuple, lists))) > 1 else "every size"
        print(f"\nqueries of one request ({size}):")
        for i, name in enumerate(result["query_list"], 1):
            print(f"  {i}. {name}")


def check_targets(results: list[dict], *, smoke: bool) -> tuple[dict, list[str]]:
    small, large = results[0], results[-1]
    queries = [r["queries"] for r in results]
    checks = {
        "queries_equal_at_both_sizes": len(set(queries)) == 1,
        f"queries_at_most_{MAX_QUERIES}": max(queries) <= MAX_QUERIES,
    }
    if not smoke:
        checks[f"time_ratio_at_{large['actors']}_at_most_{MAX_TIME_RATIO}"] = (
            large["time_ratio"] <= MAX_TIME_RATIO
        )
        memory = max(max(r["memory_mib"].values()) for r in results)
        checks[f"memory_at_most_{MAX_MEMORY_MIB:g}_mib"] = memory <= MAX_MEMORY_MIB
        checks["gzip_when_accepted"] = all(r["gzip_when_accepted"] for r in results)
    print("\ntargets" + (" (smoke: query count only)" if smoke else "") + ":")
    print(f"  queries {queries[0]} and {queries[-1]} (same, at most {MAX_QUERIES})")
    print(
        f"  time ratio {small['time_ratio']:.2f}x at {small['actors']:,} actors, "
        f"{large['time_ratio']:.2f}x at {large['actors']:,} (at most {MAX_TIME_RATIO}x"
        + (" at 5,000, not checked in smoke)" if smoke else " at the large size)")
    )
    memory = max(max(r["memory_mib"].values()) for r in results)
    print(f"  extra memory at most {memory:.1f} MiB (target {MAX_MEMORY_MIB:g} MiB)")
    for name, ok in checks.items():
        print(f"  {'ok  ' if ok else 'MISS'} {name}")
    return checks, [name for name, ok in checks.items() if not ok]


def run(*, smoke: bool = False, cleanup: bool = True) -> tuple[dict, list[str]]:
    """Build, measure, report. ``cleanup``: remove the rows afterwards (the runner says no
    for a throw-away database, which it drops)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("bench: the map benchmark needs PostgreSQL (DATABASE_URL)")
    sizes = SMOKE_SIZES if smoke else FULL_SIZES
    # Every size is built before any is measured: each map is then read from tables that
    # hold more than its own rows, as in production (alone in its tables, a small coalition
    # gets plans no real database would give it: sequential scans in every subquery).
    built = []
    try:
        for n_actors, n_ties in sizes:
            start = time.perf_counter()
            built.append(build_coalition(n_actors, n_ties))
            print(
                f"-- built {n_actors:,} actors / {n_ties:,} ties in "
                f"{time.perf_counter() - start:.1f} s",
                flush=True,
            )
        vacuum_analyze()
        results = [
            measure(b, n_actors, n_ties) for b, (n_actors, n_ties) in zip(built, sizes, strict=True)
        ]
    finally:
        if cleanup:
            for b in built:
                remove_coalition(b)
    print_table(results)
    checks, misses = check_targets(results, smoke=smoke)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    figures = {
        "benchmark": "map_endpoint",
        "smoke": smoke,
        "postgresql": server,
        "repeat": REPEAT,
        "targets": {
            "max_queries": MAX_QUERIES,
            "max_time_ratio": MAX_TIME_RATIO,
            "max_memory_mib": MAX_MEMORY_MIB,
        },
        "checks": checks,
        "sizes": results,
    }
    return figures, misses
