"""The import pages without a browser: who may open them, and what a queued job shows."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from networks.transfer import services
from networks.transfer.models import ImportJob
from tests.networks.factories import SavedViewFactory
from tests.networks.transfer.files import xlsx

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "status"),
    [("organizer", 200), ("weaver", 200), ("member", 403), ("funder", 403), ("outsider", 404)],
)
def test_the_import_page_is_for_editors(client_for, coalition, persona, status):
    response = client_for(persona).get(f"/coalitions/{coalition.pk}/import/")
    assert response.status_code == status


def test_an_upload_without_a_file_says_so(client_for, coalition):
    response = client_for("organizer").post(f"/coalitions/{coalition.pk}/import/", {})
    assert response.status_code == 400
    assert "Choose a file" in response.content.decode()


def test_a_large_upload_shows_its_progress_until_a_worker_reads_it(
    client_for, coalition, monkeypatch
):
    monkeypatch.setattr(services, "ASYNC_BYTES", 100)
    client = client_for("organizer")
    response = client.post(
        f"/coalitions/{coalition.pk}/import/", {"file": SimpleUploadedFile("m.xlsx", xlsx())}
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert 'id="import-progress"' in page and "<progress" in page
    assert "dist/import.js" in page
    assert job.status == "queued"


def test_the_import_page_offers_each_saved_view_for_export(client_for, coalition):

    view = SavedViewFactory(coalition=coalition, name="Faith groups", filters={})
    page = client_for("organizer").get(f"/coalitions/{coalition.pk}/import/").content.decode()
    assert 'id="export-view-form"' in page
    assert f'<option value="{view.pk}">Faith groups</option>' in page


def test_the_preview_page_maps_a_csvs_columns_and_the_file_is_read_again(client_for, coalition):
    from allies.models import Actor
    from tests.networks.transfer.files import csv_bytes

    client = client_for("organizer")
    rows = [["Group", "Notes"], ["Riverside Food Bank", "Tuesdays"]]
    response = client.post(
        f"/coalitions/{coalition.pk}/import/",
        {"file": SimpleUploadedFile("groups.csv", csv_bytes(rows))},
    )
    page = client.get(response["Location"]).content.decode()
    assert 'id="columns-form"' in page and "there is no Label column" in page
    assert '<label for="column:0">Group</label>' in page
    job = ImportJob.objects.get()
    mapped = client.post(
        f"/coalitions/{coalition.pk}/import/{job.pk}/columns/",
        {"column:0": "Label", "column:1": ""},
    )
    assert mapped.status_code == 302
    page = client.get(mapped["Location"]).content.decode()
    assert 'id="confirm-import"' in page and "there is no Label column" not in page
    assert '<option value="Label" selected>Label</option>' in page
    client.post(f"/coalitions/{coalition.pk}/import/{job.pk}/confirm/", {})
    bank = Actor.objects.get(coalition=coalition, name="Riverside Food Bank")
    assert bank.custom_fields == {"Notes": "Tuesdays"}
