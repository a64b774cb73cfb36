"""A real Celery worker process, on Redis, runs a task end to end against the test database.

Skipped (with the reason shown by ``-ra``) when REDIS_URL is unset (the embedded mode runs
tasks in-process) or when the test database is SQLite in memory, which another process cannot
open. CI runs it on PostgreSQL with Redis.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from networks.map.models import LayoutRun, LayoutRunStatus
from networks.map.tasks import compute_layout
from networks.metrics.models import MetricRun
from networks.metrics.services import metric_run_request
from networks.metrics.tasks import compute_metrics
from networks.models import ActorPosition
from tests.allies.factories import ActorFactory
from tests.networks.factories import TieFactory
from weft.vocabulary import ActorKind

ROOT = Path(__file__).resolve().parents[3]  # the repository: tests/networks/metrics/..

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not settings.REDIS_URL, reason="REDIS_URL is unset: no real worker to test"),
]


def database_url_of_test_db() -> str:
    db = connection.settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("the worker test needs PostgreSQL: another process cannot see SQLite in memory")
    credentials = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"])
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_until(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def worker():
    """A worker on a queue of its own, so no other worker on this Redis takes our task."""
    queue = f"test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url_of_test_db(),
        "REDIS_URL": settings.REDIS_URL,
        # Progress of an import written as often as a worker can (a 20,000-row import now
        # takes about a second: tests/networks/transfer/test_import_worker.py).
        "IMPORT_PROGRESS_SECONDS": "0.5",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "weft",
            "worker",
            "--pool=solo",
            "--queues",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield queue
    finally:
        process.terminate()
        try:
            output, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
        print(output[-4000:])  # shown by pytest when the test fails


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_computes_and_stores_a_layout(coalition, worker):
    actors = [
        ActorFactory(coalition=coalition, name=f"Org {i}", kind=ActorKind.ORGANISATION)
        for i in range(6)
    ]
    for a, b in zip(actors, actors[1:], strict=False):
        TieFactory(coalition=coalition, source=a, target=b)

    compute_layout.apply_async(args=[coalition.pk], queue=worker)

    # Tasks keep no result in Redis (weft/settings.py): what they wrote is the answer.
    positions = ActorPosition.objects.filter(actor__coalition=coalition)
    assert wait_until(lambda: positions.count() == 6, timeout=90)
    # Its run was claimed under a lease and ended succeeded, the lease given up.
    runs = LayoutRun.objects.filter(coalition=coalition, status=LayoutRunStatus.SUCCEEDED)
    assert wait_until(lambda: runs.filter(lease_expires_at__isnull=True).exists(), timeout=30)
    assert runs.get().attempts == 1


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_computes_a_metric_run_and_the_api_reads_it(
    coalition, personas, client, worker, settings
):
    actors = [
        ActorFactory(coalition=coalition, name=f"Org {i}", kind=ActorKind.ORGANISATION)
        for i in range(5)
    ]
    for a, b in [(0, 1), (0, 2), (0, 3), (0, 4)]:  # a star: Org 0 is between everyone
        TieFactory(coalition=coalition, source=actors[a], target=actors[b], strength=5)
    run, created = metric_run_request(coalition_id=coalition.pk, queue=False)
    assert created

    result = compute_metrics.apply_async(
        args=[coalition.pk], kwargs={"run_id": run.pk}, queue=worker
    )

    done = MetricRun.objects.filter(pk=run.pk, status__in=["succeeded", "failed"])
    assert wait_until(done.exists, timeout=90)
    client.force_login(personas["weaver"])
    body = client.get(f"/api/v1/coalitions/{coalition.pk}/metric-runs/{run.pk}/").json()
    assert (body["status"], body["progress"], body["attempts"]) == ("succeeded", 100, 1)
    # Five in a star and the personas' member organisation, unconnected: six actors, 4 ties.
    assert (body["network"]["actors"], body["network"]["ties"]) == (6, 4)
    rows = client.get(
        f"/api/v1/coalitions/{coalition.pk}/metric-runs/latest/actors/",
        {"ordering": "-betweenness"},
    ).json()["results"]
    assert rows[0]["actor"] == actors[0].pk
    assert rows[0]["betweenness"] > 0 and rows[1]["betweenness"] == 0
    # The worker ran it: the task id it recorded is the one we queued.
    assert MetricRun.objects.get(pk=run.pk).task_id == result.id
