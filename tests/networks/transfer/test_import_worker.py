"""A real Celery worker, on Redis, applies a large confirmed import and reports how far it is
while its transaction is still open (the rows are invisible until it commits; the job's
progress is not). Skipped without REDIS_URL and PostgreSQL (tests/networks/metrics/
test_worker.py)."""

import time

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from allies.models import Actor
from networks.transfer.models import ImportJob
from networks.transfer.tasks import confirm_import
from tests.networks.metrics.test_worker import worker  # noqa: F401 - a fixture
from tests.networks.transfer.files import csv_bytes

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not settings.REDIS_URL, reason="REDIS_URL is unset: no real worker to test"),
]

ROWS = 20_000


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_applies_a_large_import_showing_rows_written_as_it_goes(
    coalition,
    personas,
    client,
    worker,  # noqa: F811 - the fixture
    settings,
):
    settings.WEFT_IMPORT_CONFIRM_ASYNC_ROWS = 1_000
    rows = [["Label", "Type"]] + [[f"Org {i}", "Organization"] for i in range(ROWS)]
    client.force_login(personas["organizer"])
    base = f"/api/v1/coalitions/{coalition.pk}/imports/"
    job = client.post(base, {"file": SimpleUploadedFile("map.csv", csv_bytes(rows))}).json()
    assert job["status"] == "previewed", job  # under 512 KB: read in the request
    # Confirmed: the job is "applying" and its message goes to the worker on our queue.
    ImportJob.objects.filter(pk=job["id"]).update(
        status="applying", applied_by=personas["organizer"]
    )
    confirm_import.apply_async(args=[job["id"]], queue=worker)

    seen = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        body = client.get(f"{base}{job['id']}/").json()
        seen.append((body["status"], body["stage"], body["rows_done"]))
        if body["status"] != "applying":
            break
        time.sleep(0.2)
    assert body["status"] == "applied", seen[-5:]
    assert (body["rows_done"], body["rows_total"]) == (ROWS, ROWS)
    # While applying, the worker's own reports were visible (its stages, not the queued one).
    reported = {stage for status, stage, _ in seen if status == "applying"} - {""}
    assert reported & {"reading the file", "checking against the map", "writing actors"}, seen
    assert Actor.objects.filter(coalition=coalition, name__startswith="Org ").count() == ROWS
