"""`make faults` (``python -m bench.faults [--smoke]``): Weft's web (gunicorn), worker and
beat on a PostgreSQL and a Redis of their own (bench/faults/services.py), a bounded loopback
load of writes, reads and sign-ins, and meanwhile:

1. Redis killed, then back: writes and sign-ins must keep succeeding; the jobs they queued
   (layouts, metric runs) are sent once Redis is back (the outbox), and the worker survives;
2. the worker killed with SIGKILL while it computes a metric run: the run must end (succeeded
   on a new worker, or failed with an error) within its lease, never stay "running";
3. PostgreSQL stopped and started: requests answer 503 with Retry-After meanwhile, never 500.

Then every write the API acknowledged (a 201) must be in the database. Prints the figures and
exits 0 when every check holds, 1 when one fails, 2 when the services cannot start."""

import argparse
import collections
import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bench.faults.services import OwnServices, ServiceUnavailable, spare_port, wait_for_port

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "faults-password-not-secret"  # noqa: S105


@dataclass
class Sizes:
    clients: int
    seconds: dict  # phase → seconds
    actors: int  # of the coalition whose metric run is killed mid-way
    ties: int


FULL = Sizes(
    clients=6,
    seconds={"baseline": 5, "redis_down": 8, "after_redis": 5, "postgres_down": 8, "after": 5},
    actors=4000,
    ties=16000,
)
SMOKE = Sizes(
    clients=2,
    seconds={"baseline": 2, "redis_down": 3, "after_redis": 2, "postgres_down": 3, "after": 2},
    actors=2500,
    ties=10000,
)


@dataclass
class Tally:
    """What the clients saw, per phase."""

    phase: str = "baseline"
    statuses: dict = field(default_factory=lambda: collections.defaultdict(collections.Counter))
    acknowledged: list = field(default_factory=list)  # names of actors answered 201
    retry_after_missing: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, status: int | str, response_headers=None) -> None:
        with self.lock:
            self.statuses[self.phase][f"{kind} {status}"] += 1
            if status == 503 and not (response_headers or {}).get("Retry-After"):
                self.retry_after_missing += 1


class Api:
    def __init__(self, base: str, token: str | None = None):
        self.base = base
        self.token = token

    def call(self, method: str, path: str, body=None, timeout: float = 15):
        data = json.dumps(body).encode() if body is not None else None
        # Always http://127.0.0.1:<port> (self.base): no user-given scheme.
        request = urllib.request.Request(self.base + path, data=data, method=method)  # noqa: S310
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Token {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return response.status, dict(response.headers), _json(response.read())
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), _json(error.read())
        except (urllib.error.URLError, OSError, TimeoutError) as error:
            return f"connection error ({type(error).__name__})", {}, None


def _json(raw: bytes):
    try:
        return json.loads(raw)
    except ValueError:
        return None


class Weft:
    """The web server, the worker and beat, as subprocesses on our services."""

    def __init__(self, services: OwnServices, env: dict):
        self.services = services
        self.env = env
        self.port = spare_port()
        self.processes: dict[str, subprocess.Popen] = {}
        self.logs = services.root / "logs"
        self.logs.mkdir(exist_ok=True)

    def manage(self, *args: str, stdin: str | None = None) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT, env=self.env, input=stdin, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {args[0]} failed: {result.stderr[-2000:]}")
        return result.stdout

    def start(self, name: str) -> None:
        commands = {
            "web": [
                sys.executable, "-m", "gunicorn", "weft.wsgi", "--bind",
                f"127.0.0.1:{self.port}", "--workers", "2", "--threads", "4", "--timeout", "60",
            ],
            "worker": [
                sys.executable, "-m", "celery", "-A", "weft", "worker", "--concurrency", "1",
                "--without-gossip", "--without-mingle", "--loglevel", "INFO",
            ],
            "beat": [
                sys.executable, "-m", "celery", "-A", "weft", "beat", "--loglevel", "INFO",
                "--schedule", str(self.services.root / "beat-schedule"),
            ],
        }  # fmt: skip
        log = open(self.logs / f"{name}.log", "a")  # noqa: SIM115 (closed with the process)
        self.processes[name] = subprocess.Popen(
            commands[name], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        if name == "web" and not wait_for_port(self.port, up=True, timeout=60):
            raise RuntimeError("gunicorn did not start")

    def kill(self, name: str) -> None:
        """SIGKILL to the process and its children (the worker's pool): no goodbye."""
        process = self.processes[name]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def alive(self, name: str) -> bool:
        return self.processes[name].poll() is None

    def stop_all(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                    process.wait(timeout=15)
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    self.kill(name)


SETUP = """
import random
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from allies.models import Actor
from coalitions.services import coalition_create
from networks.models import Tie
user = get_user_model().objects.create_user(username="faults", password={password!r})
load = coalition_create(name="Load", created_by=user)
big = coalition_create(name="Big", created_by=user)
actors = Actor.objects.bulk_create(
    Actor(coalition=big, name=f"Org {{i}}", kind="organisation") for i in range({actors})
)
rng = random.Random(7)
pairs = set()
while len(pairs) < {ties}:
    a, b = rng.sample(range(len(actors)), 2)
    pairs.add((min(a, b), max(a, b)))
Tie.objects.bulk_create(
    Tie(coalition=big, source=actors[a], target=actors[b], strength=rng.randint(1, 5))
    for a, b in pairs
)
print(Token.objects.create(user=user).key, load.pk, big.pk)
"""


def client_loop(api: Api, tally: Tally, number: int, coalition: int, stop: threading.Event):
    i = 0
    while not stop.is_set():
        i += 1
        name = f"w{number}-{i}"
        status, headers, _ = api.call(
            "POST", f"/api/v1/coalitions/{coalition}/actors/", {"name": name, "kind": "group"}
        )
        tally.record("write", status, headers)
        if status == 201:
            with tally.lock:
                tally.acknowledged.append(name)
        if i % 5 == 0:
            status, headers, _ = api.call(
                "POST", "/api/v1/auth/token/", {"username": "faults", "password": PASSWORD}
            )
            tally.record("sign-in", status, headers)
            status, headers, _ = api.call("GET", f"/api/v1/coalitions/{coalition}/actors/")
            tally.record("read", status, headers)
        if isinstance(status, str) or status >= 500:
            time.sleep(0.2)  # a client backs off a little when refused
        else:
            time.sleep(0.02)


def wait_until(predicate, timeout: float, every: float = 0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    return None


def run(smoke: bool = False, out=print) -> dict:
    """Run the faults; return the figures (``figures["ok"]``: every check held)."""
    sizes = SMOKE if smoke else FULL
    services = OwnServices()
    figures: dict = {"smoke": smoke, "checks": {}}
    try:
        services.start()
    except ServiceUnavailable:
        services.close()
        raise
    env = {
        **os.environ,
        "DATABASE_URL": services.postgres.url("weft_faults"),
        "REDIS_URL": services.redis.url(0),
        "WEFT_ENV": "development",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LEASE_SECONDS": "8",
        "REAP_SECONDS": "2",
        "OUTBOX_DRAIN_SECONDS": "1",
        "METRICS_DEBOUNCE_SECONDS": "2",
        "LAYOUT_DEBOUNCE_SECONDS": "2",
        "THROTTLE_WRITES": "100000/min",
        "THROTTLE_LOGIN": "100000/min",
        "DATABASE_CONNECT_TIMEOUT": "2",
        "PYTHONUNBUFFERED": "1",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("WEFT_SQLITE_PATH", None)
    weft = Weft(services, env)
    stop = threading.Event()
    tally = Tally()
    threads: list[threading.Thread] = []
    try:
        weft.manage("migrate", "--noinput", "-v0")
        token, load, big = weft.manage(
            "shell",
            "-v0",
            "-c",
            SETUP.format(password=PASSWORD, actors=sizes.actors, ties=sizes.ties),
        ).split()[-3:]
        for name in ("web", "worker", "beat"):
            weft.start(name)
        api = Api(f"http://127.0.0.1:{weft.port}", token)
        health = lambda: api.call("GET", "/healthz")[2] or {}  # noqa: E731
        wait_until(lambda: health().get("checks", {}).get("workers", {}).get("status") == "ok", 60)
        started = time.monotonic()
        for number in range(sizes.clients):
            thread = threading.Thread(
                target=client_loop, args=(api, tally, number, load, stop), daemon=True
            )
            thread.start()
            threads.append(thread)

        def phase(name: str) -> None:
            tally.phase = name
            out(f"[{time.monotonic() - started:6.1f}s] {name}")

        # 1. Redis away, then back.
        time.sleep(sizes.seconds["baseline"])
        phase("redis_down")
        services.redis.stop()
        # One sign-in and one write of our own, whatever the clients manage on a busy machine.
        for kind, method, path, body in (
            (
                "sign-in",
                "POST",
                "/api/v1/auth/token/",
                {"username": "faults", "password": PASSWORD},
            ),
            (
                "write",
                "POST",
                f"/api/v1/coalitions/{load}/actors/",
                {"name": "w-main", "kind": "group"},
            ),
        ):
            status, headers, _ = api.call(method, path, body)
            tally.record(kind, status, headers)
            if kind == "write" and status == 201:
                with tally.lock:
                    tally.acknowledged.append("w-main")
        time.sleep(sizes.seconds["redis_down"])
        unsent_during = (health().get("checks", {}).get("outbox") or {}).get("unsent")
        services.redis.start()
        back = time.monotonic()
        phase("after_redis")
        drained = wait_until(
            lambda: (health().get("checks", {}).get("outbox") or {}).get("unsent") == 0, 60
        )
        figures["redis"] = {
            "outbox_unsent_while_down": unsent_during,
            "outbox_drained_seconds_after_return": round(time.monotonic() - back, 1)
            if drained
            else None,
            "worker_alive_after": weft.alive("worker"),
        }
        time.sleep(sizes.seconds["after_redis"])

        # 2. The worker killed with SIGKILL mid-run.
        phase("worker_killed")
        status, _, body = api.call("POST", f"/api/v1/coalitions/{big}/metric-runs/")
        run_id = (body or {}).get("id")
        run_url = f"/api/v1/coalitions/{big}/metric-runs/{run_id}/"
        state = lambda: api.call("GET", run_url)[2] or {}  # noqa: E731
        running = wait_until(lambda: state().get("status") == "running", 60, every=0.05)
        weft.kill("worker")
        killed = time.monotonic()
        seen_running_after_kill = state().get("status")
        # Meanwhile, a client asking for a run is not handed a dead one once its lease is over.
        time.sleep(1)
        weft.start("worker")
        final = wait_until(
            lambda: state() if state().get("status") in ("succeeded", "failed") else None, 120
        )
        figures["worker_kill"] = {
            "run_was_running_when_killed": bool(running),
            "status_right_after_kill": seen_running_after_kill,
            "final_status": (final or state()).get("status"),
            "attempts": (final or state()).get("attempts"),
            "error": (final or state()).get("error", ""),
            "ended_seconds_after_kill": round(time.monotonic() - killed, 1) if final else None,
        }

        # 3. PostgreSQL stopped and started again.
        phase("postgres_down")
        services.postgres.stop("fast")
        time.sleep(sizes.seconds["postgres_down"])
        services.postgres.start()
        phase("after")
        time.sleep(sizes.seconds["after"])
        stop.set()
        for thread in threads:
            thread.join(timeout=30)

        # Every acknowledged write is there; every queued job ran.
        wait_until(lambda: (health().get("checks", {}).get("outbox") or {}).get("unsent") == 0, 60)
        present = set(
            weft.manage(
                "shell",
                "-v0",
                "-c",
                f"from allies.models import Actor\nprint('\\n'.join(Actor.objects.filter("
                f"coalition_id={load}).values_list('name', flat=True)))",
            ).split()
        )
        lost = [name for name in tally.acknowledged if name not in present]
        stuck = weft.manage(
            "shell",
            "-v0",
            "-c",
            "from networks.metrics.models import MetricRun\n"
            "print(MetricRun.objects.filter(status__in=['pending','running']).count())",
        ).split()[-1]
        figures["load"] = {
            "clients": sizes.clients,
            "acknowledged_writes": len(tally.acknowledged),
            "present_in_database": len(tally.acknowledged) - len(lost),
            "lost": len(lost),
            "responses": {p: dict(c) for p, c in tally.statuses.items()},
            "503_without_retry_after": tally.retry_after_missing,
            "runs_pending_or_running_at_end": int(stuck),
        }
        server_errors = sum(
            count
            for counts in tally.statuses.values()
            for key, count in counts.items()
            if key.endswith(" 500")
        )
        redis_phase = tally.statuses["redis_down"]
        figures["checks"] = {
            "no acknowledged write lost": not lost,
            "no 500 at any time": server_errors == 0,
            "every 503 has Retry-After": tally.retry_after_missing == 0,
            "writes succeed while Redis is down": redis_phase["write 201"] > 0
            and sum(v for k, v in redis_phase.items() if k.startswith("write "))
            == redis_phase["write 201"],
            "sign-in succeeds while Redis is down": redis_phase["sign-in 200"] > 0
            and redis_phase["sign-in 503"] + redis_phase["sign-in 500"] == 0,
            "outbox drained after Redis returned": drained is not None,
            "worker survived Redis going away": figures["redis"]["worker_alive_after"],
            "killed run ended (not stuck running)": figures["worker_kill"]["final_status"]
            in ("succeeded", "failed"),
            "database outage answered 503": tally.statuses["postgres_down"]["write 503"] > 0,
            "no run left pending or running": int(stuck) == 0,
        }
        figures["ok"] = all(figures["checks"].values())
        return figures
    finally:
        stop.set()
        weft.stop_all()
        figures.setdefault("logs", str(weft.logs))
        keep = os.environ.get("WEFT_FAULTS_KEEP")
        if not keep:
            services.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.faults", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--smoke", action="store_true", help="a short run (what CI runs)")
    args = parser.parse_args(argv)
    try:
        figures = run(smoke=args.smoke)
    except ServiceUnavailable as error:
        print(f"cannot run: {error}", file=sys.stderr)
        return 2
    print(json.dumps({k: v for k, v in figures.items() if k != "checks"}, indent=2))
    for check, held in figures["checks"].items():
        print(f"{'ok  ' if held else 'FAIL'} {check}")
    return 0 if figures["ok"] else 1
