"""An import job's lifecycle at any size: a preview stores a summary (counts and the first
problems), not the parsed file, so reading a job's status costs the same for 10 rows as for
thousands; the confirm reads the upload again; the file is read under a memory ceiling; a
confirm applied by a worker reports rows written as it goes."""

import pickle

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.crypto import salted_hmac

from allies.models import Actor
from coalitions import roles
from networks.models import ActorPosition
from networks.transfer.kept import DIGEST_BYTES, SALT
from networks.transfer.models import ImportJob, ImportStatus
from networks.transfer.services import ImportProgress, import_confirm
from networks.transfer.tasks import confirm_import
from tests.allies.factories import ActorFactory
from tests.networks.transfer.files import csv_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_in_process")]


def organisations(count: int, prefix: str = "Org") -> bytes:
    rows = [["Label", "Type", "Description"]]
    rows += [[f"{prefix} {i}", "Organization", "A group of the network"] for i in range(count)]
    return csv_bytes(rows)


def upload(client, coalition, data: bytes, name: str = "map.csv") -> dict:
    response = client.post(
        f"/api/v1/coalitions/{coalition.pk}/imports/", {"file": SimpleUploadedFile(name, data)}
    )
    assert response.status_code in (201, 202), response.content
    return response.json()


def status_of(client, coalition, job_id) -> tuple[bytes, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/coalitions/{coalition.pk}/imports/{job_id}/")
    assert response.status_code == 200
    return response.content, [q["sql"] for q in queries.captured_queries]


def test_reading_a_jobs_status_costs_the_same_for_10_rows_as_for_20000(
    client_for, coalition, django_capture_on_commit_callbacks
):
    client = client_for("organizer")
    small = upload(client, coalition, organisations(10), "small.csv")
    with django_capture_on_commit_callbacks(execute=True):  # a worker reads the large one
        large = upload(client, coalition, organisations(20_000), "large.csv")
    assert ImportJob.objects.get(pk=large["id"]).rows_total == 20_000

    assert ImportJob.objects.get(pk=large["id"]).status == ImportStatus.PREVIEWED
    small_body, small_queries = status_of(client, coalition, small["id"])
    large_body, large_queries = status_of(client, coalition, large["id"])
    # The same queries (a session, the role, the job without its upload) ...
    assert len(large_queries) == len(small_queries)
    assert not any('"content"' in sql or '"parsed"' in sql for sql in large_queries)
    # ... and the same answer but for a few digits (the counts, the size, the name).
    assert len(large_body) - len(small_body) < 40
    # The preview's summary holds counts, not the 20,000 rows (those are kept apart).
    job = ImportJob.objects.get(pk=large["id"])
    assert len(str(job.summary)) < 2_000
    assert len(bytes(job.parsed)) > 20_000 * 10


GEXF = (
    b'<?xml version="1.0" encoding="UTF-8"?><gexf xmlns="http://gexf.net/1.3" '
    b'version="1.3"><graph defaultedgetype="undirected"><nodes><node id="a" label="Alpha"/>'
    b'<node id="b" label="Beta"/></nodes><edges><edge id="e" source="a" target="b"/>'
    b"</edges></graph></gexf>"
)


def confirmed(client, coalition, job):
    confirm = f"/api/v1/coalitions/{coalition.pk}/imports/{job['id']}/confirm/"
    return client.post(confirm, {}, content_type="application/json")


def names_in(coalition) -> set[str]:
    return set(Actor.objects.filter(coalition=coalition).values_list("name", flat=True))


def test_the_confirm_applies_the_rows_the_preview_read_and_then_drops_them(client_for, coalition):
    client = client_for("organizer")
    job = upload(client, coalition, GEXF, "map.gexf")
    stored = ImportJob.objects.get(pk=job["id"])
    assert bytes(stored.content) == GEXF  # kept until applied
    assert bytes(stored.parsed)  # and the rows the preview read
    # The confirm does not read the upload again: it is gone, and the rows still apply.
    ImportJob.objects.filter(pk=job["id"]).update(content=b"not a file")
    response = confirmed(client, coalition, job)
    assert response.json()["status"] == "applied"
    assert names_in(coalition) >= {"Alpha", "Beta"}
    stored = ImportJob.objects.get(pk=job["id"])
    assert (bytes(stored.content), bytes(stored.parsed)) == (b"", b"")


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda kept: kept[:40] + bytes([kept[40] ^ 1]) + kept[41:], id="altered"),
        pytest.param(lambda kept: signed(b"not a pickle"), id="signed-not-a-pickle"),
        pytest.param(lambda kept: signed(pickle.dumps({"actors": []})), id="signed-not-rows"),
        pytest.param(lambda kept: b"", id="none"),
    ],
)
def test_rows_kept_altered_or_missing_are_not_loaded_and_the_upload_is_read_again(
    client_for, coalition, spoil
):
    client = client_for("organizer")
    job = upload(client, coalition, GEXF, "map.gexf")
    kept = bytes(ImportJob.objects.get(pk=job["id"]).parsed)
    ImportJob.objects.filter(pk=job["id"]).update(parsed=spoil(kept))
    response = confirmed(client, coalition, job)
    assert response.json()["status"] == "applied"
    assert names_in(coalition) >= {"Alpha", "Beta"}


def signed(payload: bytes) -> bytes:
    return salted_hmac(SALT, payload, algorithm="sha256").digest() + payload


def test_rows_signed_under_another_secret_key_are_not_loaded(client_for, coalition):
    client = client_for("organizer")
    job = upload(client, coalition, GEXF, "map.gexf")
    payload = bytes(ImportJob.objects.get(pk=job["id"]).parsed)[DIGEST_BYTES:]
    resigned = salted_hmac(SALT, payload, secret="another key", algorithm="sha256").digest()
    ImportJob.objects.filter(pk=job["id"]).update(parsed=resigned + payload, content=b"not a file")
    response = confirmed(client, coalition, job)
    # The kept rows are refused and the upload read again: it is no longer a file, so
    # nothing is written and the preview says why.
    assert response.status_code == 409
    assert "Alpha" not in names_in(coalition)


def test_a_preview_with_problems_keeps_no_rows(client_for, coalition):
    job = upload(client_for("organizer"), coalition, b"Label,Stance\nAlpha,friendly\n")
    stored = ImportJob.objects.get(pk=job["id"])
    assert stored.summary["errors"]
    assert bytes(stored.parsed) == b""


def test_a_file_that_needs_more_memory_than_the_ceiling_fails_naming_the_limit(
    client_for, coalition, settings, django_capture_on_commit_callbacks
):
    settings.WEFT_IMPORT_READ_MEMORY_MB = 8
    # 250,000 rows (11 MB): a few hundred MB once parsed.
    with django_capture_on_commit_callbacks(execute=True):  # a worker reads it
        job = upload(client_for("organizer"), coalition, organisations(250_000), "large.csv")
    stored = ImportJob.objects.get(pk=job["id"])
    assert stored.status == ImportStatus.FAILED
    assert bytes(stored.content) == b""  # the upload is deleted
    (error,) = stored.summary["errors"]
    assert (
        "needs more memory than the limit of 8 MB (WEFT_IMPORT_READ_MEMORY_MB)"
        in (error["message"])
    )
    assert not Actor.objects.filter(name__startswith="Org ").exists()


class RecordedProgress(ImportProgress):
    """The progress a worker's heartbeat would write, each report kept to look at."""

    def __init__(self, rows_total):
        super().__init__(rows_total)
        self.reports = []

    def __call__(self, rows_done, stage):
        super().__call__(rows_done, stage)
        self.reports.append((self.rows_done, self.stage, self.fields()["progress"]))


def test_a_worker_applying_an_import_reports_rows_written_stage_by_stage(
    client_for, coalition, personas, settings, django_capture_on_commit_callbacks
):
    settings.WEFT_IMPORT_CONFIRM_ASYNC_ROWS = 5
    client = client_for("organizer")
    job = upload(client, coalition, organisations(10))
    assert job["rows_total"] == 10
    confirm = f"/api/v1/coalitions/{coalition.pk}/imports/{job['id']}/confirm/"
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(confirm, {}, content_type="application/json")
    body = response.json()
    assert (body["status"], body["rows_done"], body["stage"]) == ("applying", 0, "queued")

    ImportJob.objects.filter(pk=job["id"]).update(task_id="worker-1")
    progress = RecordedProgress(10)
    access = roles.access_for(personas["organizer"], coalition.pk)
    done = import_confirm(
        access=access, job_id=job["id"], in_task=True, task_id="worker-1", progress=progress
    )
    assert done.status == ImportStatus.APPLIED
    stages = [stage for _, stage, _ in progress.reports]
    assert stages[:3] == ["reading the file", "checking against the map", "writing actors"]
    assert progress.reports[-1] == (10, "writing positions", 95)
    done_counts = [rows for rows, _, _ in progress.reports]
    assert done_counts == sorted(done_counts)  # never backwards
    body = client.get(f"/api/v1/coalitions/{coalition.pk}/imports/{job['id']}/").json()
    assert (body["status"], body["rows_done"], body["rows_total"]) == ("applied", 10, 10)


def test_a_worker_that_lost_its_claim_writes_nothing(client_for, coalition, personas, settings):
    settings.WEFT_IMPORT_CONFIRM_ASYNC_ROWS = 5
    client = client_for("organizer")
    job = upload(client, coalition, organisations(10))
    ImportJob.objects.filter(pk=job["id"]).update(
        status=ImportStatus.APPLYING, task_id="someone-else", applied_by=personas["organizer"]
    )
    access = roles.access_for(personas["organizer"], coalition.pk)
    again = import_confirm(access=access, job_id=job["id"], in_task=True, task_id="worker-1")
    assert again.status == ImportStatus.APPLYING
    assert not Actor.objects.filter(name__startswith="Org ").exists()


def test_the_confirm_task_applies_a_large_import_and_its_page_shows_rows_written(
    client_for, coalition, settings, django_capture_on_commit_callbacks
):
    settings.WEFT_IMPORT_CONFIRM_ASYNC_ROWS = 5
    client = client_for("organizer")
    job = upload(client, coalition, organisations(10))
    confirm = f"/api/v1/coalitions/{coalition.pk}/imports/{job['id']}/confirm/"
    with django_capture_on_commit_callbacks(execute=False):
        client.post(confirm, {}, content_type="application/json")
    ImportJob.objects.filter(pk=job["id"]).update(rows_done=4, stage="writing ties")
    page = client.get(f"/coalitions/{coalition.pk}/import/{job['id']}/")
    assert b"4 of 10 rows written \xc2\xb7 writing ties" in page.content

    confirm_import.apply(args=(job["id"],))
    stored = ImportJob.objects.get(pk=job["id"])
    assert (stored.status, stored.rows_done, stored.progress) == (ImportStatus.APPLIED, 10, 100)
    assert Actor.objects.filter(name__startswith="Org ").count() == 10


def test_a_files_positions_place_new_actors_move_unpinned_ones_and_spare_hand_pinned_ones(
    client_for, coalition
):
    """New actors take the file's positions, an actor the map had moves to the file's
    unless someone pinned it by hand (the import does not pin; the layout starts there)."""
    kept_in_place = ActorFactory(coalition=coalition, name="Alpha")
    moved = ActorFactory(coalition=coalition, name="Beta")
    ActorPosition.objects.create(actor=kept_in_place, x=1.0, y=2.0, is_pinned=True)
    ActorPosition.objects.create(actor=moved, x=3.0, y=4.0, is_pinned=False)
    nodes = "".join(
        f'<node id="{n}" label="{n}"><viz:position x="{x}" y="{y}"/></node>'
        for n, x, y in (("Alpha", 10, 20), ("Beta", 30, 40), ("Gamma", 50, 60))
    )
    gexf = (
        '<?xml version="1.0" encoding="UTF-8"?><gexf xmlns="http://gexf.net/1.3" '
        'xmlns:viz="http://gexf.net/1.3/viz" version="1.3"><graph defaultedgetype="undirected">'
        f"<nodes>{nodes}</nodes><edges/></graph></gexf>"
    ).encode()
    client = client_for("organizer")
    job = upload(client, coalition, gexf, "map.gexf")
    assert confirmed(client, coalition, job).json()["status"] == "applied"
    positions = {
        p.actor.name: (p.x, p.y, p.is_pinned)
        for p in ActorPosition.objects.filter(actor__coalition=coalition).select_related("actor")
    }
    assert positions == {
        "Alpha": (1.0, 2.0, True),
        "Beta": (30.0, 40.0, False),
        "Gamma": (50.0, 60.0, False),
    }
