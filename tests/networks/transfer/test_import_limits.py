"""Every import is bounded (networks/transfer/limits.py): a hostile or oversized file fails
with a message naming the limit (and where), its upload deleted; never a 500, never a job
queued for ever. A queued job whose worker died is taken back (its lease)."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from networks.transfer.models import ImportJob, ImportStatus
from networks.transfer.tasks import import_jobs_reap
from tests.networks.transfer.files import csv_bytes

pytestmark = pytest.mark.django_db


def upload(client, coalition, data, name):
    return client.post(
        f"/api/v1/coalitions/{coalition.pk}/imports/", {"file": SimpleUploadedFile(name, data)}
    )


def failed_with(response) -> str:
    assert response.status_code in (201, 202), response.content
    job = ImportJob.objects.get(pk=response.json()["id"])
    assert job.status == ImportStatus.FAILED
    assert bytes(job.content) == b""  # the upload is not kept
    (error,) = job.summary["errors"]
    return error


def gexf(nodes: int) -> bytes:
    body = "".join(f'<node id="{i}" label="N{i}"/>' for i in range(nodes))
    return (
        '<?xml version="1.0" encoding="UTF-8"?><gexf xmlns="http://gexf.net/1.3" version="1.3">'
        f'<graph defaultedgetype="undirected"><nodes>{body}</nodes><edges/></graph></gexf>'
    ).encode()


def test_a_file_with_a_nul_byte_fails_naming_it(client_for, coalition):
    data = b"Label,Type\nTenants\x00Union,Organization\n"
    error = failed_with(upload(client_for("organizer"), coalition, data, "map.csv"))
    assert "NUL byte" in error["message"]


def test_a_graph_over_the_node_limit_fails_before_it_is_parsed(client_for, coalition, settings):
    settings.WEFT_IMPORT_MAX_ROWS = 50
    error = failed_with(upload(client_for("organizer"), coalition, gexf(60), "map.gexf"))
    assert error["message"] == "the file has 60 nodes, over the limit of 50"


def test_a_cell_over_the_limit_fails_naming_its_row_and_column(client_for, coalition, settings):
    settings.WEFT_IMPORT_MAX_CELL_CHARS = 100
    data = csv_bytes([["Label", "Type", "Description"], ["A", "Organization", "x" * 101]])
    error = failed_with(upload(client_for("organizer"), coalition, data, "map.csv"))
    assert "101 characters, over the limit of 100" in error["message"]
    assert (error["row"], error["column"]) == (2, "description")


def test_a_csv_cell_past_pythons_field_limit_fails_instead_of_a_500(client_for, coalition):
    data = csv_bytes([["Label", "Type", "Description"], ["A", "Organization", "x" * 140_000]])
    error = failed_with(upload(client_for("organizer"), coalition, data, "map.csv"))
    assert "limit" in error["message"]


def test_a_deeply_nested_weft_json_fails_naming_the_depth(client_for, coalition):
    data = ('{"format": "weft-map", "actors": ' + "[" * 5000 + "]" * 5000 + "}").encode()
    error = failed_with(upload(client_for("organizer"), coalition, data, "map.json"))
    assert "limit of 32 levels" in error["message"]


def test_a_lone_surrogate_in_a_weft_json_fails_naming_the_field(client_for, coalition):
    document = '{"format": "weft-map", "actors": [{"id": "a", "label": "A\\udc00"}]}'
    error = failed_with(upload(client_for("organizer"), coalition, document.encode(), "map.json"))
    assert "lone surrogate" in error["message"]
    assert error["column"] == "actors[0].label"


def test_a_queued_import_whose_worker_died_too_often_fails_and_drops_its_upload(
    coalition, personas, settings
):
    from tests.networks.factories import ImportJobFactory

    job = ImportJobFactory(
        coalition=coalition,
        created_by=personas["organizer"],
        content=b"Label\nA\n",
        started_at=timezone.now(),
        attempts=settings.WEFT_RUN_MAX_ATTEMPTS,
        lease_expires_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    assert import_jobs_reap() == {"requeued": 0, "failed": 1}
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and bytes(job.content) == b""
    assert "the worker reading this file stopped" in job.summary["errors"][0]["message"]


def test_a_queued_import_whose_worker_died_is_read_again(
    coalition, personas, tasks_in_process, django_capture_on_commit_callbacks
):
    from tests.networks.factories import ImportJobFactory

    job = ImportJobFactory(
        coalition=coalition,
        created_by=personas["organizer"],
        filename="map.json",
        content=json.dumps({"format": "weft-map", "actors": [{"id": "a", "label": "A"}]}).encode(),
        started_at=timezone.now(),
        task_id="lost",
        attempts=1,
        lease_expires_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert import_jobs_reap() == {"requeued": 1, "failed": 0}
    job.refresh_from_db()
    assert (job.status, job.attempts) == (ImportStatus.PREVIEWED, 2), job.summary["errors"]


def test_a_preview_lists_a_bounded_number_of_problems_and_pages_through_them(
    client_for, coalition, settings
):
    settings.WEFT_IMPORT_MAX_LISTED = 3
    rows = [["Label", "Type", "Stance"]] + [
        [f"Org {i}", "Organization", "furious"] for i in range(7)
    ]
    client = client_for("organizer")
    body = upload(client, coalition, csv_bytes(rows), "map.csv").json()
    summary = body["summary"]
    assert (len(summary["errors"]), summary["error_count"]) == (3, 7)
    assert body["can_confirm"] is False
    problems = f"/api/v1/coalitions/{coalition.pk}/imports/{body['id']}/problems/"
    page = client.get(problems, {"page_size": 2}).json()
    assert page["count"] == 3 and len(page["results"]) == 2
    assert page["results"][0]["kind"] == "error" and page["results"][0]["row"] == 2


def test_a_large_confirm_is_applied_by_a_worker(
    client_for, coalition, settings, tasks_in_process, django_capture_on_commit_callbacks
):
    from allies.models import Actor

    settings.WEFT_IMPORT_CONFIRM_ASYNC_ROWS = 2
    rows = [["Label", "Type"]] + [[f"Org {i}", "Organization"] for i in range(3)]
    client = client_for("organizer")
    job_id = upload(client, coalition, csv_bytes(rows), "map.csv").json()["id"]
    confirm = f"/api/v1/coalitions/{coalition.pk}/imports/{job_id}/confirm/"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(confirm, {}, content_type="application/json")
    assert (response.status_code, response.json()["status"]) == (202, "applying")
    assert not Actor.objects.filter(name__startswith="Org ").exists()  # nothing yet
    again = client.post(confirm, {}, content_type="application/json")
    assert again.status_code == 409  # a second confirm while it is applied

    for callback in callbacks:  # the commit: the worker (in-process here) applies it
        callback()
    body = client.get(f"/api/v1/coalitions/{coalition.pk}/imports/{job_id}/").json()
    assert (body["status"], body["progress"]) == ("applied", 100)
    assert Actor.objects.filter(name__startswith="Org ").count() == 3


def test_a_preview_nobody_confirms_expires_and_drops_its_upload(client_for, coalition, settings):
    """An abandoned preview (a file of contacts, perhaps) is not kept for ever: past
    WEFT_IMPORT_PREVIEW_KEEP_HOURS it fails, saying why, and cannot be confirmed."""
    from networks.transfer.tasks import reap_imports

    client = client_for("organizer")
    data = csv_bytes([["Label", "Type"], ["Riverside Tenants Union", "Organization"]])
    jobs = []
    for name in ("old.csv", "recent.csv"):
        response = client.post(
            f"/api/v1/coalitions/{coalition.pk}/imports/",
            {"file": SimpleUploadedFile(name, data)},
        )
        assert response.status_code == 201, response.content
        jobs.append(response.json()["id"])
    hours = settings.WEFT_IMPORT_PREVIEW_KEEP_HOURS
    now = timezone.now()
    ImportJob.objects.filter(pk=jobs[0]).update(
        created_at=now - datetime.timedelta(hours=hours, minutes=1)
    )
    ImportJob.objects.filter(pk=jobs[1]).update(
        created_at=now - datetime.timedelta(hours=hours, minutes=-1)
    )

    assert reap_imports()["expired"] == 1
    old, recent = (ImportJob.objects.get(pk=pk) for pk in jobs)
    assert (old.status, bytes(old.content)) == (ImportStatus.FAILED, b"")
    assert recent.status == ImportStatus.PREVIEWED and bytes(recent.content) == data
    shown = client.get(f"/api/v1/coalitions/{coalition.pk}/imports/{old.pk}/").json()
    assert shown["status"] == "failed"
    assert f"not confirmed within {hours} hours" in json.dumps(shown)
    refused = client.post(f"/api/v1/coalitions/{coalition.pk}/imports/{old.pk}/confirm/")
    assert 400 <= refused.status_code < 500
    assert not coalition.actors.filter(name="Riverside Tenants Union").exists()
