"""Pages and endpoints that must not grow faster than their data (issue #24), each against
the fastest plain way to produce the same output, alternated, medians and spread.

For each size a coalition shaped like a real one is built: N actors (about 10 % sensitive,
people among them), each with three assessments (a history) and a layout position; 5N ties;
N/2 interactions of 2–4 participants; every tenth organisation a member.

* **map**: ``GET /api/v1/coalitions/<id>/map/`` through the whole stack in this process
  (``django.test.Client``, token authentication, gzip accepted) against plain psycopg2 on its
  own connection: one query per table (actors with their assessment in force by ``LEFT JOIN
  LATERAL … LIMIT 1``, ties, participants), the inferred-relationship count by the same pure
  function (networks/graph/strength.py), orjson, gzip at the same level. The baseline's JSON
  is checked equal to the endpoint's.
* **map 304**: the same request with the ETag of the last answer (an unchanged map), against
  the same baseline: what a browser that already has the map costs the server.
* **report names**: the funder report's name withholding for one view (45 organisation
  names and 16 titles, two naming someone withheld, against every withheld name of the
  coalition), as shipped against the per-name ``re.compile`` it replaced (the "before"; not
  a target, a record).
* **home**: the coalition's home page (headline counts by subqueries), timed alone: its growth
  per 10x data is the figure.

Each figure is the median of ``ROUNDS`` alternated rounds after a warm-up, with its min–max.
Targets: map ≤ 1.3x the baseline at every size; map 304 ≤ 0.5x the baseline; every page at
the largest size within 2x its time per 10x data (×20 from 5,000 to 50,000, ×4.5 per 10×
from 300 to 5,000 for simplicity: ≤ 2x per decade, interpolated), and under 1 s at 5,000.

Sizes: 300 and 5,000 actors (``--smoke``: 300 and 1,000); ``BENCH_LARGE=1`` adds 50,000.
"""

import datetime
import gc
import gzip
import math
import os
import random
import re
import statistics
import time
from collections.abc import Callable

import orjson

ROUNDS = 7
SEED = 24
MAX_MAP_RATIO = 1.3
MAX_304_RATIO = 0.5
MAX_PAGE_S_AT_5000 = 1.0


def sizes(smoke: bool) -> list[int]:
    if smoke:
        return [300, 1_000]
    return [300, 5_000] + ([50_000] if os.environ.get("BENCH_LARGE") else [])


# ---------------------------------------------------------------------------------------------
# Data


def build(n_actors: int) -> dict:
    from allies.models import Actor, AllyAssessment
    from bench.map_endpoint import build_coalition
    from coalitions.connect.models import Membership
    from networks.models import Interaction, InteractionParticipant
    from weft.vocabulary import AllyKind, MemberPhase, Stance

    built = build_coalition(n_actors, 5 * n_actors, seed=SEED)
    coalition = built["coalition"]
    rng = random.Random(SEED + n_actors)
    actors = list(Actor.objects.filter(coalition=coalition).values_list("id", "kind"))
    day0 = datetime.date(2021, 1, 1)
    AllyAssessment.objects.bulk_create(
        [
            AllyAssessment(
                actor_id=actor_id,
                stance=rng.choice(Stance.values),
                ally_kind=rng.choice(AllyKind.values),
                influence=rng.randint(1, 5),
                proximity=rng.randint(1, 5),
                commitment=rng.randint(1, 5),
                assessed_on=day0 + datetime.timedelta(days=rng.randrange(700)),
            )
            for actor_id, _ in actors
            for _ in range(2)
        ],
        batch_size=2_000,
    )
    ids = [actor_id for actor_id, _ in actors]
    meetings = Interaction.objects.bulk_create(
        [
            Interaction(
                coalition=coalition,
                kind=rng.choice(["one_to_one", "communication", "joint_action"]),
                occurred_on=datetime.date(2026, 1, 1) - datetime.timedelta(days=rng.randrange(400)),
            )
            for _ in range(n_actors // 2)
        ],
        batch_size=2_000,
    )
    InteractionParticipant.objects.bulk_create(
        [
            InteractionParticipant(interaction=meeting, actor_id=actor_id)
            for meeting in meetings
            for actor_id in rng.sample(ids, rng.randint(2, 4))
        ],
        batch_size=5_000,
    )
    organisations = [actor_id for actor_id, kind in actors if kind == "organisation"]
    Membership.objects.bulk_create(
        [
            Membership(coalition=coalition, organisation_id=actor_id, phase=MemberPhase.CONNECT)
            for actor_id in organisations[::10]
        ]
    )
    return built


def remove(built: dict) -> None:
    from bench.map_endpoint import remove_coalition
    from coalitions.connect.models import Membership
    from networks.models import Interaction, InteractionParticipant

    coalition = built["coalition"]
    for queryset in (
        InteractionParticipant.objects.filter(interaction__coalition=coalition),
        Interaction.objects.filter(coalition=coalition),
        Membership.objects.filter(coalition=coalition),
    ):
        queryset._raw_delete(queryset.db)
    remove_coalition(built)


# ---------------------------------------------------------------------------------------------
# Timing


def alternated(funcs: dict[str, Callable], rounds: int = ROUNDS) -> dict[str, dict]:
    """Median and min–max seconds of ``rounds`` calls of each function, alternated (a, b, a, b,
    …) after one warm-up each, so that all see the same load on the machine."""
    for func in funcs.values():
        func()
    times: dict[str, list[float]] = {name: [] for name in funcs}
    for _ in range(rounds):
        for name, func in funcs.items():
            gc.collect()
            start = time.perf_counter()
            func()
            times[name].append(time.perf_counter() - start)
    return {
        name: {"median_s": statistics.median(v), "min_s": min(v), "max_s": max(v), "all_s": v}
        for name, v in times.items()
    }


def ratio(product: dict, baseline: dict) -> dict:
    """Median over median, and the spread: best product over worst baseline, worst over best."""
    return {
        "median": product["median_s"] / baseline["median_s"],
        "min": product["min_s"] / baseline["max_s"],
        "max": product["max_s"] / baseline["min_s"],
    }


# ---------------------------------------------------------------------------------------------
# The map and its baseline


def psycopg2_connection():
    import psycopg2
    from django.db import connection

    settings = connection.settings_dict
    return psycopg2.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname=settings["NAME"],
    )


def make_map_baseline(coalition, conn) -> Callable:
    """Plain psycopg2 + orjson: the same JSON as the endpoint (steward, default filters)."""
    from django.utils import timezone

    from bench.map_endpoint import baseline_sql
    from networks.graph.strength import StrengthSettings, relationship_strengths
    from networks.map.payload import EDGE_FIELDS, NODE_FIELDS

    nodes_sql, edges_sql, participants_sql = baseline_sql()
    settings = StrengthSettings.from_overrides(coalition.strength_settings)
    not_inferred = {"inferred": False, "relationship_strength": None, "interaction_count": None}

    def baseline() -> bytes:
        with conn.cursor() as cursor:
            cursor.execute(nodes_sql, [coalition.pk])
            nodes = [dict(zip(NODE_FIELDS, row, strict=True)) for row in cursor.fetchall()]
            cursor.execute(edges_sql, [coalition.pk])
            ties = cursor.fetchall()
            cursor.execute(participants_sql, [coalition.pk])
            participations = cursor.fetchall()
        conn.rollback()
        edges = [dict(zip(EDGE_FIELDS, row, strict=True), **not_inferred) for row in ties]
        interactions: dict[int, tuple] = {}
        for interaction_id, kind, occurred_on, actor_id in participations:
            interactions.setdefault(interaction_id, (kind, occurred_on, []))[2].append(actor_id)
        declared = {(min(t[1], t[2]), max(t[1], t[2])) for t in ties}
        pairs = set()
        for _, _, actor_ids in interactions.values():
            on_map = sorted(set(actor_ids))
            pairs.update((a, b) for i, a in enumerate(on_map) for b in on_map[i + 1 :])
        strengths = relationship_strengths(
            list(interactions.values()), {}, timezone.localdate(), settings
        )
        inferred = sum(1 for pair in strengths if pair in pairs and pair not in declared)
        body = orjson.dumps(
            {
                "coalition": coalition.pk,
                "as_of": None,
                "inferred_count": inferred,
                "actors_total": len(nodes),
                "hidden": 0,
                "nodes": nodes,
                "edges": edges,
            },
            option=orjson.OPT_NON_STR_KEYS,
        )
        return gzip.compress(body, compresslevel=1, mtime=0)

    return baseline


def measure_map(built: dict, conn) -> dict:
    from django.test import Client

    coalition = built["coalition"]
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {built['token']}")
    url = f"/api/v1/coalitions/{coalition.pk}/map/"
    baseline = make_map_baseline(coalition, conn)

    def request():
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200, response.status_code
        return response

    first = request()
    etag = first.get("ETag")

    def conditional():
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 304, response.status_code

    ours = orjson.loads(gzip.decompress(first.content))
    theirs = orjson.loads(gzip.decompress(baseline()))
    if ours != theirs:
        raise RuntimeError("the map baseline's JSON differs from the endpoint's")
    contestants = {"map": request, "map_304": conditional, "baseline": baseline}
    if etag is None:  # a version of Weft without ETags (the "before" of issue #24)
        del contestants["map_304"]
    times = alternated(contestants)
    times.setdefault("map_304", {"median_s": math.nan, "min_s": math.nan, "max_s": math.nan})
    return {
        "nodes": len(ours["nodes"]),
        "edges": len(ours["edges"]),
        "inferred_count": ours["inferred_count"],
        "bytes_gzip": len(first.content),
        **times,
        "map_ratio": ratio(times["map"], times["baseline"]),
        "map_304_ratio": ratio(times["map_304"], times["baseline"]),
    }


# ---------------------------------------------------------------------------------------------
# The report's name withholding, as shipped and as it was


def _old_pattern(term: str) -> re.Pattern:
    return re.compile(rf"(?<!\w){re.escape(term)}(?!\w)", re.IGNORECASE)


def _old_withholding(names, titles, withheld) -> tuple[list, list]:
    """The per-name compile the report used before issue #24 (for the record)."""
    kept = sorted(
        {
            name
            for name in names
            if not [t for t in withheld if t and t.strip() and _old_pattern(t).search(name)]
        }
    )
    out = []
    for text in titles:
        for term in sorted((t for t in withheld if t and t.strip()), key=len, reverse=True):
            text = _old_pattern(term).sub("[name withheld]", text)
        out.append(text)
    return kept, out


def measure_report_names(built: dict) -> dict:
    from allies.models import Actor
    from coalitions.reports import figures
    from coalitions.reports.selectors import privacy_for

    coalition = built["coalition"]
    privacy = privacy_for(coalition)
    names = list(
        Actor.objects.filter(coalition=coalition, kind="organisation").values_list(
            "name", flat=True
        )[:45]
    )
    # 16 wins' and actions' titles, two of which name someone withheld.
    people = sorted(privacy.withheld)[:2]
    titles = [f"Win {i}: rent freeze vote in ward {i}" for i in range(14)]
    titles += [f"Vigil after {name} spoke" for name in people]

    if not hasattr(figures, "contains_withheld"):  # a Weft from before issue #24
        before = _timed_once(lambda: _old_withholding(names[:5], titles[:2], privacy.withheld))
        nothing = {"median_s": math.nan, "min_s": math.nan, "max_s": math.nan}
        scale = (len(names) + len(titles)) / (min(5, len(names)) + min(2, len(titles)))
        return {
            "withheld_names": len(privacy.withheld),
            "texts": len(names) + len(titles),
            "shipped": nothing,
            "before_estimated_s": before * scale,
        }

    def shipped():
        # A fresh frozenset per view, as privacy_for builds one per request.
        withheld = frozenset(privacy.withheld)
        return (
            sorted({n for n in names if not figures.contains_withheld(n, withheld)}),
            [figures.redact(title, withheld) for title in titles],
        )

    if shipped() != _old_withholding(names, titles, privacy.withheld):
        raise RuntimeError("the report's withholding differs from the per-name version")
    times = alternated({"shipped": shipped})
    before = _timed_once(lambda: _old_withholding(names[:5], titles[:2], privacy.withheld))
    # The old cost is linear in the texts: 5 names and 2 titles timed, scaled to 45 and 16.
    scale = (len(names) + len(titles)) / (min(5, len(names)) + min(2, len(titles)))
    return {
        "withheld_names": len(privacy.withheld),
        "texts": len(names) + len(titles),
        "shipped": times["shipped"],
        "before_estimated_s": before * scale,
    }


def _timed_once(func: Callable) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


# ---------------------------------------------------------------------------------------------
# The coalition home


def measure_home(built: dict) -> dict:
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(built["user"])
    url = f"/coalitions/{built['coalition'].pk}/"

    def page():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    return alternated({"home": page})["home"]


# ---------------------------------------------------------------------------------------------
# Report


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}"


def _spread(figure: dict) -> str:
    return f"{_ms(figure['median_s'])} [{_ms(figure['min_s'])}–{_ms(figure['max_s'])}] ms"


def _ratio(r: dict) -> str:
    return f"{r['median']:.2f}x [{r['min']:.2f}–{r['max']:.2f}]"


def print_table(results: list[dict]) -> None:
    print(f"\npages and endpoints: median [min–max] of {ROUNDS} alternated rounds")
    for result in results:
        m, r, h = result["map"], result["report_names"], result["home"]
        print(f"\n{result['actors']:,} actors / {5 * result['actors']:,} ties:")
        print(f"  map (gzip)         product  {_spread(m['map'])}")
        print(f"                     baseline {_spread(m['baseline'])}  psycopg2 + orjson + gzip")
        print(f"                     ratio    {_ratio(m['map_ratio'])}")
        print(f"  map 304            product  {_spread(m['map_304'])}")
        print(f"                     ratio    {_ratio(m['map_304_ratio'])} of the baseline")
        print(
            f"  report withholding product  {_spread(r['shipped'])} for {r['texts']} texts "
            f"against {r['withheld_names']:,} withheld names"
        )
        print(f"                     before   {_ms(r['before_estimated_s'])} ms (per-name compile)")
        print(f"  coalition home     product  {_spread(h)}")


def check_targets(results: list[dict], *, smoke: bool) -> tuple[dict, list[str]]:
    checks = {}
    for result in results:
        size = result["actors"]
        checks[f"map_at_most_{MAX_MAP_RATIO}x_baseline_at_{size}"] = (
            result["map"]["map_ratio"]["median"] <= MAX_MAP_RATIO
        )
        checks[f"map_304_at_most_{MAX_304_RATIO}x_baseline_at_{size}"] = (
            result["map"]["map_304_ratio"]["median"] <= MAX_304_RATIO
        )
        if size >= 5_000:
            for name, figure in (
                ("home", result["home"]),
                ("report_withholding", result["report_names"]["shipped"]),
            ):
                checks[f"{name}_under_1s_at_{size}"] = figure["median_s"] < MAX_PAGE_S_AT_5000
    for small, large in zip(results, results[1:], strict=False):
        # At most 2x the time per 10x data (the map's payload grows with its data: it is held
        # to its baseline instead).
        allowed = 2 ** math.log10(large["actors"] / small["actors"])
        for name, get in (
            ("home", lambda r: r["home"]["median_s"]),
            ("report_withholding", lambda r: r["report_names"]["shipped"]["median_s"]),
        ):
            label = f"{name}_within_{allowed:.1f}x_from_{small['actors']}_to_{large['actors']}"
            checks[label] = get(large) / get(small) <= allowed
    if smoke:
        checks = {k: v for k, v in checks.items() if "304" in k}
    print("\ntargets" + (" (smoke: the 304 only)" if smoke else "") + ":")
    for name, ok in checks.items():
        print(f"  {'ok  ' if ok else 'MISS'} {name}")
    return checks, [name for name, ok in checks.items() if not ok]


def run(*, smoke: bool = False, cleanup: bool = True) -> tuple[dict, list[str]]:
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("bench: the pages benchmark needs PostgreSQL (DATABASE_URL)")
    built = []
    results = []
    conn = psycopg2_connection()
    try:
        for n_actors in sizes(smoke):
            start = time.perf_counter()
            built.append(build(n_actors))
            print(
                f"-- built {n_actors:,} actors in {time.perf_counter() - start:.1f} s", flush=True
            )
        from bench.map_endpoint import vacuum_analyze

        vacuum_analyze()
        for b, n_actors in zip(built, sizes(smoke), strict=True):
            print(f"-- measuring {n_actors:,} actors", flush=True)
            results.append(
                {
                    "actors": n_actors,
                    "map": measure_map(b, conn),
                    "report_names": measure_report_names(b),
                    "home": measure_home(b),
                }
            )
    finally:
        conn.close()
        if cleanup:
            for b in built:
                remove(b)
    print_table(results)
    checks, misses = check_targets(results, smoke=smoke)
    return {
        "benchmark": "pages",
        "smoke": smoke,
        "rounds": ROUNDS,
        "checks": checks,
        "sizes": results,
    }, misses
