"""The live map (issue #22): 200 open maps polling a real server while someone edits.

For each set-up a coalition of N actors (3N ties, about 10 % sensitive) is built, with 200
viewers (half organizers, half members of one organisation, each with an API token) and an
editor; a gunicorn server is started on it in its own process group, as that set-up runs:

* **embedded**: a SQLite file, no Redis (presence in the process): one gunicorn process with
  8 threads (the embedded set-up is one process);
* **pg+redis**: PostgreSQL (the runner's database) and Redis (``REDIS_URL``, else
  ``BENCH_REDIS_URL``; the set-up is skipped without one): 3 sync workers, as the Procfile.

200 simulated viewers (one asyncio loop in this process, a new connection per request, the
way gunicorn's workers close them) each poll every 2.5 s, staggered, for ``SECONDS``; the
editor adds an actor (then a tie to it) every 2 s over HTTP. Two phases, alternated in the
same run on the same server:

* **baseline**: each viewer asks ``GET …/map/`` with the ETag it has (the map API's 304, what
  a page could already do before #22) and takes the whole map when it changed;
* **live**: each viewer asks ``GET …/map/changes/?since=<cursor>`` (304 or the changes).

Measured per phase: server CPU seconds (utime + stime of the gunicorn processes, /proc) per
second per open map; the server's resident memory (sum of VmRSS, sampled each 0.5 s) over
its idle figure, per open map; requests, 304s and errors; latency from a write's response
to each viewer's first answer that carries it (p50, p99; members are not shown sensitive
rows, and the writes are not sensitive, so every viewer must get every write), and the
deliveries missed; how long each poll took to be answered, seen by the client (queueing
included); the machine's load average. Redis's used memory before and during (presence).
The editor stops ``DRAIN_S`` before a phase ends so that every viewer can get the last write.

No worker waits for a viewer: a poll is one request that ends. Targets: every write reaches
every viewer; p99 latency ≤ 5 s (the issue's promise); live server CPU (gunicorn and, for
PostgreSQL, its backends) per poll ≤ 1.0× the baseline's. The client loop shares the
machine's cores with the server: the latency includes its own scheduling, and any other
load on the machine (recorded).
"""

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VIEWERS = 200
POLL_S = 2.5
WRITE_EVERY_S = 2.0
MAX_P99_S = 5.0
MAX_CPU_RATIO = 1.0
DRAIN_S = 15.0  # no write in a phase's last seconds: every viewer can still get the last one


def sizes(smoke: bool) -> dict:
    return {"actors": 300, "seconds": 40.0} if smoke else {"actors": 1_000, "seconds": 75.0}


# ---------------------------------------------------------------------------------------------
# Data: built by a child process with the set-up's own environment (its database, its Redis)


def prepare(n_actors: int, out: str) -> None:
    """In the child: migrate (SQLite), build the coalition, its viewers and editor; write
    {coalition, viewers: [tokens], editor: token, anchor: actor id} to ``out``."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "sqlite":
        call_command("migrate", verbosity=0, interactive=False)
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from allies.models import Actor
    from bench.map_endpoint import build_coalition
    from coalitions.services import role_grant

    built = build_coalition(n_actors, 3 * n_actors)
    coalition, steward = built["coalition"], built["user"]
    organisation = Actor.objects.filter(
        coalition=coalition, kind="organisation", is_sensitive=False
    ).first()
    users = get_user_model().objects
    tokens = []
    for i in range(VIEWERS + 1):
        user = users.create_user(username=f"live-{coalition.pk}-{i}", password=None)
        role = "organizer" if i % 2 == 0 or i == VIEWERS else "member"
        role_grant(
            coalition=coalition,
            user=user,
            role=role,
            granted_by=steward,
            organisation=organisation if role == "member" else None,
        )
        tokens.append(Token.objects.create(user=user).key)
    Path(out).write_text(
        json.dumps(
            {
                "coalition": coalition.pk,
                "viewers": tokens[:VIEWERS],
                "editor": tokens[VIEWERS],
                "anchor": organisation.pk,
            }
        )
    )


def remove(coalition_id: int) -> None:
    """In the child: delete the coalition and its users (a database the runner keeps)."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from coalitions.models import Coalition

    Coalition.objects.filter(pk=coalition_id).delete()
    get_user_model().objects.filter(username__startswith=f"live-{coalition_id}-").delete()


def _child(env: dict, code: str) -> None:
    subprocess.run(
        [sys.executable, "-c", f"import bench.map_live as m; {code}"],
        cwd=ROOT,
        env=env,
        check=True,
    )


# ---------------------------------------------------------------------------------------------
# The server and its processes


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tree(pid: int) -> list[int]:
    """The gunicorn master and its workers."""
    found = [pid]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _cpu_s(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def _rss_mib(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def _start_server(env: dict, args: list[str], port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "weft.wsgi", "--bind", f"127.0.0.1:{port}"]
        + args
        + ["--timeout", "60", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def _stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


# ---------------------------------------------------------------------------------------------
# The clients: plain HTTP/1.1 on asyncio streams (no client library needed)


async def _request(port, method, path, token, headers=None, body=None):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    payload = json.dumps(body).encode() if body is not None else b""
    lines = [
        f"{method} {path} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        f"Authorization: Token {token}",
        "Accept: application/json",
        "Connection: close",
        *(f"{k}: {v}" for k, v in (headers or {}).items()),
    ]
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + payload)
    await writer.drain()
    raw = await reader.read()
    writer.close()
    head, _, content = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    found = {}
    for line in header_lines:
        key, _, value = line.partition(":")
        found[key.strip().lower()] = value.strip()
    if found.get("transfer-encoding") == "chunked":
        content = _unchunk(content)
    return int(status_line.split()[1]), found, content


def _unchunk(data: bytes) -> bytes:
    out = b""
    while data:
        size, _, rest = data.partition(b"\r\n")
        n = int(size.split(b";")[0], 16)
        if n == 0:
            break
        out += rest[:n]
        data = rest[n + 2 :]
    return out


class Phase:
    def __init__(self, name):
        self.name = name
        self.requests = self.not_modified = self.errors = 0
        self.seen: dict[tuple[int, str], float] = {}  # (viewer, actor name) → when first seen
        self.answer_s: list[float] = []  # how long each poll took, seen by the client
        self.write_failures = 0


async def _viewer(i, port, coalition, token, mode, phase, stop_at, start_delay):
    await asyncio.sleep(start_delay)
    base = f"/api/v1/coalitions/{coalition}/"
    cursor = etag = None
    while time.monotonic() < stop_at:
        started = time.monotonic()
        try:
            if mode == "live":
                path = base + "map/changes/" + (f"?since={cursor}" if cursor else "")
                status, headers, content = await _request(port, "GET", path, token)
                cursor = headers.get("weft-map-cursor", cursor)
                names = [a["name"] for a in json.loads(content)["actors"]] if status == 200 else []
            else:
                extra = {"If-None-Match": etag} if etag else {}
                status, headers, content = await _request(port, "GET", base + "map/", token, extra)
                etag = headers.get("etag", etag)
                names = [n["name"] for n in json.loads(content)["nodes"]] if status == 200 else []
            phase.requests += 1
            phase.answer_s.append(time.monotonic() - started)
            phase.not_modified += status == 304
            phase.errors += status not in (200, 304)
            now = time.monotonic()
            for name in names:
                if name.startswith("Live write"):
                    phase.seen.setdefault((i, name), now)
        except (OSError, ValueError, KeyError, IndexError):
            phase.errors += 1
        await asyncio.sleep(max(0.0, POLL_S - (time.monotonic() - started)))


async def _editor(port, coalition, token, anchor, phase, stop_at, writes):
    base = f"/api/v1/coalitions/{coalition}/"
    n = 0
    await asyncio.sleep(POLL_S + 0.5)  # every viewer has its cursor or ETag
    while time.monotonic() < stop_at - DRAIN_S:
        name = f"Live write {phase.name} {n}"
        status, _, content = await _request(
            port, "POST", base + "actors/", token, body={"name": name, "kind": "organisation"}
        )
        if status == 201:
            actor = json.loads(content)["id"]
            writes[name] = time.monotonic()
            await _request(
                port,
                "POST",
                base + "ties/",
                token,
                body={"source": anchor, "target": actor, "kind": "collaboration"},
            )
        else:
            phase.write_failures += 1
        n += 1
        await asyncio.sleep(WRITE_EVERY_S)


def _database_pids(env: dict) -> list[int]:
    """PostgreSQL's backends serving the set-up's database (their CPU is the server's too)."""
    url = env.get("DATABASE_URL")
    if not url:
        return []
    import psycopg2

    name = url.rsplit("/", 1)[1]
    conn = psycopg2.connect(host="127.0.0.1", user="postgres", dbname="postgres")
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [name])
            return [row[0] for row in cursor.fetchall()]
    finally:
        conn.close()


def _phase(port, data, mode, seconds, pids, env) -> dict:
    phase = Phase(mode)
    writes: dict[str, float] = {}
    rss_idle = _rss_mib(_tree(pids))
    cpu0 = _cpu_s(_tree(pids))
    backends0 = {pid: _cpu_s([pid]) for pid in _database_pids(env)}
    peak = [rss_idle]

    async def sample(stop_at):
        while time.monotonic() < stop_at:
            peak[0] = max(peak[0], _rss_mib(_tree(pids)))
            await asyncio.sleep(0.5)

    async def main():
        stop_at = time.monotonic() + seconds
        tasks = [
            _viewer(i, port, data["coalition"], token, mode, phase, stop_at, POLL_S * i / VIEWERS)
            for i, token in enumerate(data["viewers"])
        ]
        tasks.append(
            _editor(port, data["coalition"], data["editor"], data["anchor"], phase, stop_at, writes)
        )
        tasks.append(sample(stop_at))
        await asyncio.gather(*tasks)

    wall0 = time.monotonic()
    asyncio.run(main())
    wall = time.monotonic() - wall0
    cpu = _cpu_s(_tree(pids)) - cpu0
    # Backends opened during the phase count whole (they did nothing before it).
    database_cpu = sum(_cpu_s([pid]) - backends0.get(pid, 0.0) for pid in _database_pids(env))
    answers = sorted(phase.answer_s) or [0.0]
    latencies = [
        phase.seen[(i, name)] - at
        for name, at in writes.items()
        for i in range(VIEWERS)
        if (i, name) in phase.seen
    ]
    expected = len(writes) * VIEWERS
    latencies.sort()

    def pct(p):
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))], 3)

    return {
        "mode": mode,
        "seconds": round(wall, 1),
        "writes": len(writes),
        "requests": phase.requests,
        "not_modified": phase.not_modified,
        "errors": phase.errors,
        "write_failures": phase.write_failures,
        "poll_answer_p50_s": round(answers[len(answers) // 2], 3),
        "poll_answer_p99_s": round(answers[int(0.99 * (len(answers) - 1))], 3),
        "server_cpu_s": round(cpu, 2),
        "database_cpu_s": round(database_cpu, 2),
        "cpu_per_open_map_pct_of_a_core": round(100 * (cpu + database_cpu) / wall / VIEWERS, 4),
        "cpu_ms_per_poll": round(1000 * (cpu + database_cpu) / max(phase.requests, 1), 2),
        "load_average_1min_after": round(os.getloadavg()[0], 2),
        "rss_idle_mib": round(rss_idle, 1),
        "rss_peak_mib": round(peak[0], 1),
        "memory_per_open_map_kib": round(1024 * (peak[0] - rss_idle) / VIEWERS, 1),
        "deliveries": len(latencies),
        "deliveries_missed": expected - len(latencies),
        "latency_p50_s": pct(0.5) if latencies else None,
        "latency_p99_s": pct(0.99) if latencies else None,
        "latency_max_s": round(latencies[-1], 3) if latencies else None,
    }


def _one_viewer_alone(port, data, mode, times=30) -> dict:
    """One viewer polling an unchanged map on its own, one request after another: what an
    unchanged poll costs when nothing queues (median and max, seconds)."""

    async def main():
        base = f"/api/v1/coalitions/{data['coalition']}/"
        token = data["viewers"][0]
        cursor = etag = None
        took = []
        for i in range(times + 3):
            started = time.monotonic()
            if mode == "live":
                path = base + "map/changes/" + (f"?since={cursor}" if cursor else "")
                status, headers, _ = await _request(port, "GET", path, token)
                cursor = headers.get("weft-map-cursor", cursor)
            else:
                extra = {"If-None-Match": etag} if etag else {}
                status, headers, _ = await _request(port, "GET", base + "map/", token, extra)
                etag = headers.get("etag", etag)
            if i >= 3 and status == 304:  # after the first answers (and the company settled)
                took.append(time.monotonic() - started)
        return took

    took = sorted(asyncio.run(main())) or [0.0]
    return {
        "mode": mode,
        "not_modified": len(took),
        "median_ms": round(1000 * took[len(took) // 2], 2),
        "max_ms": round(1000 * took[-1], 2),
    }


def _redis_used(url: str | None) -> int | None:
    if not url:
        return None
    import redis

    return redis.Redis.from_url(url).info("memory")["used_memory"]


def _setup(name: str, env: dict, server_args: list[str], n_actors: int, seconds: float, cleanup):
    with tempfile.NamedTemporaryFile(prefix="weft-live-", suffix=".json", delete=False) as f:
        out = f.name
    print(f"\n[{name}] building {n_actors} actors and {VIEWERS} viewers…", flush=True)
    _child(env, f"m.prepare({n_actors}, {out!r})")
    data = json.loads(Path(out).read_text())
    Path(out).unlink()
    port = _free_port()
    server = _start_server(env, server_args, port)
    try:
        redis_before = _redis_used(env.get("REDIS_URL"))
        phases = []
        for mode in ("baseline", "live"):
            print(f"[{name}] {mode}: {VIEWERS} open maps for {seconds:.0f} s…", flush=True)
            phases.append(_phase(port, data, mode, seconds, server.pid, env))
            print(json.dumps(phases[-1]), flush=True)
        redis_after = _redis_used(env.get("REDIS_URL"))
        # Once the open maps have gone (their presence runs out), one viewer alone.
        time.sleep(1)
        alone = [_one_viewer_alone(port, data, mode) for mode in ("baseline", "live")]
        print(json.dumps(alone), flush=True)
    finally:
        _stop_server(server)
        if cleanup:
            _child(env, f"m.remove({data['coalition']})")
    base, live = phases
    return {
        "setup": name,
        "server": " ".join(server_args),
        "actors": n_actors,
        "viewers": VIEWERS,
        "poll_s": POLL_S,
        "baseline": base,
        "live": live,
        # Per poll: a faster answer means more polls in the same time, not more cost per map.
        "cpu_ratio_live_vs_baseline": round(
            live["cpu_ms_per_poll"] / max(base["cpu_ms_per_poll"], 1e-9), 3
        ),
        "redis_used_bytes": {"before": redis_before, "after": redis_after},
        "one_viewer_alone_304": alone,
    }


def run(*, smoke: bool, cleanup: bool) -> tuple[dict, list[str]]:
    size = sizes(smoke)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(DEBUG="false", PYTHONPATH=str(ROOT))
    setups = []
    with tempfile.TemporaryDirectory(prefix="weft-live-") as tmp:
        embedded = {**env, "WEFT_SQLITE_PATH": str(Path(tmp) / "live.sqlite3")}
        setups.append(
            _setup(
                "embedded",
                embedded,
                ["--workers", "1", "--threads", "8", "--worker-class", "gthread"],
                size["actors"],
                size["seconds"],
                cleanup=False,  # the file goes with the folder
            )
        )
    redis_url = os.environ.get("REDIS_URL") or os.environ.get("BENCH_REDIS_URL")
    if redis_url:
        production = {**env, "DATABASE_URL": os.environ["DATABASE_URL"], "REDIS_URL": redis_url}
        setups.append(
            _setup(
                "pg+redis",
                production,
                ["--workers", "3"],
                size["actors"],
                size["seconds"],
                cleanup=cleanup,
            )
        )
    else:
        print("\n[pg+redis] skipped: set REDIS_URL or BENCH_REDIS_URL", flush=True)
    misses = []
    for setup in setups:
        live = setup["live"]
        if live["deliveries_missed"]:
            misses.append(f"{setup['setup']}: {live['deliveries_missed']} deliveries missed")
        if live["latency_p99_s"] is None or live["latency_p99_s"] > MAX_P99_S:
            misses.append(f"{setup['setup']}: p99 latency {live['latency_p99_s']} s > {MAX_P99_S}")
        if setup["cpu_ratio_live_vs_baseline"] > MAX_CPU_RATIO:
            misses.append(
                f"{setup['setup']}: live CPU {setup['cpu_ratio_live_vs_baseline']}× the baseline"
            )
    return {"sizes": size, "setups": setups}, misses
