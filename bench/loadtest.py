"""`make loadtest` (``python -m bench --only loadtest``): Weft under load on this machine, on
loopback, against a bare Django view answering the same bytes, in the same run (issue #24).

The demo coalition is loaded into the benchmark's database. Two gunicorns are started as
production runs Weft (Procfile: sync workers, WORKERS of them): Weft itself, and
bench/bare_wsgi.py, a Django view with no middleware and no database that answers the bytes
Weft's map endpoint answered (body and headers, gzip-compressed). Then, from CLIENTS
threads that each send one request after another (a new connection each, as sync workers
close them), ROUNDS rounds alternate:

* **map**: ``GET /api/v1/coalitions/<demo>/map/`` as the demo organizer (token, gzip), no
  ETag (a full answer each time: a browser revalidating would get a 304, cheaper);
* **bare map**: the same GET to the bare view;
* **actor PATCH**: each client owns one actor the load test added to the demo coalition
  and changes its notes with the version it last read (``version`` in the body: a stale
  one would be a 412 and counted as an error).

Printed per phase: requests a second and p50/p99 latency, medians over the rounds with their
spread. Targets (full run): the map at least 200 requests a second with p99 at most 250 ms,
at most 1.5x the bare view's cost (its requests a second over the map's); actor PATCH at
least 100 requests a second; no error. The client is Python on the same two cores: what it
costs is taken from both servers alike.
"""

import contextlib
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

CLIENTS, SECONDS, ROUNDS = 32, 8, 3
SMOKE = (4, 1.5, 1)
WORKERS = 3
MAP_RPS, MAP_P99_MS, PATCH_RPS, MAX_RATIO = 200, 250, 100, 1.5
ROOT = Path(__file__).resolve().parents[1]


def spare_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request(port: int, method: str, path: str, headers: dict, body: bytes | None = None):
    """One request on a new connection: (status, headers, body, seconds)."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        return response.status, dict(response.getheaders()), data, time.perf_counter() - started
    finally:
        connection.close()


class Server:
    """A gunicorn of WORKERS sync workers on a spare loopback port."""

    def __init__(self, app: str, env: dict):
        self.port = spare_port()
        self.log = tempfile.NamedTemporaryFile(prefix="weft-loadtest-", suffix=".log")  # noqa: SIM115
        command = [sys.executable, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{self.port}"]
        command += ["--workers", str(WORKERS), "--timeout", "60", "--log-level", "warning"]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                request(self.port, "GET", "/healthz", {})
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        self.stop()
        self.log.seek(0)
        raise RuntimeError(f"gunicorn {app} did not start: {self.log.read()[-2000:]!r}")

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()


def load(clients: int, seconds: float, make_call) -> dict:
    """``clients`` threads, each calling its own ``make_call(i)()`` again and again for
    ``seconds``; each call returns (ok, seconds). Requests a second and latencies."""
    stop = threading.Event()
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients

    def client(i: int) -> None:
        call = make_call(i)
        while not stop.is_set():
            ok, took = call()
            latencies[i].append(took)
            if not ok:
                errors[i] += 1

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    elapsed = time.perf_counter() - started
    every = sorted(t for own in latencies for t in own)
    if not every:
        return {"rps": 0.0, "p50_ms": None, "p99_ms": None, "requests": 0, "errors": sum(errors)}
    return {
        "rps": round(len(every) / elapsed, 1),
        "p50_ms": round(every[len(every) // 2] * 1000, 1),
        "p99_ms": round(every[min(len(every) - 1, int(len(every) * 0.99))] * 1000, 1),
        "requests": len(every),
        "errors": sum(errors),
    }


def demo(password: str):
    """The demo coalition (loaded if it is not there: then ``loaded``), its organizer's API
    token, and CLIENTS actors of the load test's own in it for the PATCH clients to change
    (never the demo's: the database may be someone's)."""
    from django.contrib.auth import get_user_model
    from django.test import override_settings
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from allies.models import Actor
    from coalitions.models import Coalition
    from demo.builder import DEMO_KEY, demo_load

    with override_settings(DEBUG=True):
        loaded = demo_load(password=password, today=timezone.localdate()) is not None
    coalition = Coalition.objects.get(demo_key=DEMO_KEY)
    organizer = get_user_model().objects.get(username="organizer")
    token, made_token = Token.objects.get_or_create(user=organizer)
    actors = Actor.objects.bulk_create(
        Actor(coalition=coalition, name=f"Load test {i}", kind="group") for i in range(CLIENTS)
    )
    return {
        "coalition": coalition,
        "loaded": loaded,
        "token": token,
        "made_token": made_token,
        "actors": [actor.pk for actor in actors],
    }


def remove(made: dict) -> None:
    """What the load test added: the demo if it loaded it, else its own actors and token."""
    from django.contrib.auth import get_user_model

    from allies.models import Actor
    from demo.builder import DEMO_USERNAMES

    if made["loaded"]:
        made["coalition"].delete()
        get_user_model().objects.filter(username__in=DEMO_USERNAMES).delete()
        return
    Actor.objects.filter(pk__in=made["actors"]).delete()
    if made["made_token"]:
        made["token"].delete()


def summary(rounds: list[dict]) -> dict:
    def median(key):
        values = [r[key] for r in rounds if r[key] is not None]
        return round(statistics.median(values), 1) if values else None

    return {
        "rps": median("rps"),
        "rps_spread": [min(r["rps"] for r in rounds), max(r["rps"] for r in rounds)],
        "p50_ms": median("p50_ms"),
        "p99_ms": median("p99_ms"),
        "p99_spread_ms": [
            min(r["p99_ms"] or 0 for r in rounds),
            max(r["p99_ms"] or 0 for r in rounds),
        ],
        "requests": sum(r["requests"] for r in rounds),
        "errors": sum(r["errors"] for r in rounds),
    }


def getter(port: int, path: str, headers: dict, size: int):
    """Each client's call: a GET answered 200 with about the expected number of bytes (the
    order of some lists differs between worker processes, and with it the gzip size by a few
    bytes)."""

    def make(_i):
        def call():
            status, _, data, took = request(port, "GET", path, headers)
            return status == 200 and abs(len(data) - size) <= size // 20, took

        return call

    return make


def patcher(port: int, coalition: int, auth: dict, actors: list[int]):
    """Each client's call: a PATCH of its own actor's notes with the version it last read."""

    def make(i):
        path = f"/api/v1/coalitions/{coalition}/actors/{actors[i % len(actors)]}/"
        state = {"version": json.loads(request(port, "GET", path, auth)[2])["version"], "n": 0}
        headers = {**auth, "Content-Type": "application/json"}

        def call():
            state["n"] += 1
            change = json.dumps({"version": state["version"], "notes": f"load {state['n']}"})
            status, _, data, took = request(port, "PATCH", path, headers, change.encode())
            if status == 200:
                state["version"] = json.loads(data)["version"]
            return status == 200, took

        return call

    return make


def run(*, smoke: bool, cleanup: bool) -> tuple[dict, list[str]]:
    clients, seconds, rounds = SMOKE if smoke else (CLIENTS, SECONDS, ROUNDS)
    made = demo("loadtest-password-not-secret")
    coalition, token, actors = made["coalition"].pk, made["token"].key, made["actors"]
    env = {
        **os.environ,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "THROTTLE_WRITES": "1000000/min",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("WEFT_SQLITE_PATH", None)
    auth = {"Authorization": f"Token {token}", "Accept": "application/json"}
    map_path = f"/api/v1/coalitions/{coalition}/map/"
    map_headers = {**auth, "Accept-Encoding": "gzip"}
    servers = []
    scratch = Path(tempfile.mkdtemp(prefix="weft-loadtest-"))
    try:
        weft = Server("weft.wsgi", env)
        servers.append(weft)
        status, headers, body, _ = request(weft.port, "GET", map_path, map_headers)
        if status != 200:
            raise RuntimeError(f"the map answered {status}: {body[:300]!r}")
        kept = ("Content-Type", "Content-Encoding", "ETag", "Vary", "Cache-Control")
        (scratch / "body").write_bytes(body)
        (scratch / "headers").write_text(json.dumps({k: headers[k] for k in kept if k in headers}))
        bare_env = {**env, "WEFT_BARE_BODY": str(scratch / "body")}
        bare_env["WEFT_BARE_HEADERS"] = str(scratch / "headers")
        bare = Server("bench.bare_wsgi:application", bare_env)
        servers.append(bare)

        load(
            clients, min(seconds, 2), getter(weft.port, map_path, map_headers, len(body))
        )  # warm-up: caches, connections
        load(clients, min(seconds, 2), getter(bare.port, map_path, map_headers, len(body)))
        measured = {"map": [], "bare map": [], "actor PATCH": []}
        for _ in range(rounds):
            for name, port in (("map", weft.port), ("bare map", bare.port)):
                make = getter(port, map_path, map_headers, len(body))
                measured[name].append(load(clients, seconds, make))
            make = patcher(weft.port, coalition, auth, actors)
            measured["actor PATCH"].append(load(min(clients, len(actors)), seconds, make))
    finally:
        for server in servers:
            server.stop()
        if cleanup:
            remove(made)
        for name in ("body", "headers"):
            (scratch / name).unlink(missing_ok=True)
        scratch.rmdir()
    figures = {
        "clients": clients,
        "seconds": seconds,
        "rounds": rounds,
        "workers": WORKERS,
        "map_bytes": len(body),
    }
    figures.update({name: summary(rounds_) for name, rounds_ in measured.items()})
    ratio = figures["bare map"]["rps"] / figures["map"]["rps"] if figures["map"]["rps"] else None
    figures["map_cost_over_bare"] = round(ratio, 2) if ratio else None
    report(figures)
    return figures, ([] if smoke else missed(figures))


def report(figures: dict) -> None:
    print(
        f"\nload test: {figures['clients']} clients, {figures['rounds']} rounds of "
        f"{figures['seconds']} s, {figures['workers']} workers"
    )
    for name in ("map", "bare map", "actor PATCH"):
        f = figures[name]
        print(
            f"  {name:12} {f['rps']:7.1f} req/s [{f['rps_spread'][0]}–{f['rps_spread'][1]}]  "
            f"p50 {f['p50_ms']} ms  p99 {f['p99_ms']} ms  ({f['requests']} requests, "
            f"{f['errors']} errors)"
        )
    print(f"  map cost over the bare view: {figures['map_cost_over_bare']}x")


def missed(figures: dict) -> list[str]:
    map_, patch = figures["map"], figures["actor PATCH"]
    ratio = figures["map_cost_over_bare"] or 0
    checks = [
        (map_["rps"] < MAP_RPS, f"map {map_['rps']} req/s (target {MAP_RPS})"),
        ((map_["p99_ms"] or 0) > MAP_P99_MS, f"map p99 {map_['p99_ms']} ms (target {MAP_P99_MS})"),
        (ratio > MAX_RATIO, f"map costs {ratio:.2f}x the bare view (target {MAX_RATIO}x)"),
        (patch["rps"] < PATCH_RPS, f"actor PATCH {patch['rps']} req/s (target {PATCH_RPS})"),
    ]
    checks += [
        (figures[name]["errors"] > 0, f"{name}: {figures[name]['errors']} errors")
        for name in ("map", "bare map", "actor PATCH")
    ]
    return [message for failed, message in checks if failed]
