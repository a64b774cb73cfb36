"""The import page in a browser: upload a spreadsheet, read its row error and a suggested
duplicate, upload the fixed file, confirm, and find the new actors on the map.

The map page is built in another branch; the new actors are looked for in the map's API (the
data the map page draws), fetched by the signed-in browser."""

import json

import pytest

from allies.models import Actor
from tests.allies.factories import ActorFactory
from tests.conftest import PASSWORD
from tests.networks.transfer.files import KUMU_CONNECTIONS, KUMU_ELEMENTS, xlsx


@pytest.fixture
def maria_lopes(coalition):
    return ActorFactory(coalition=coalition, name="Maria Lopes", kind="person")


def test_an_organizer_imports_a_spreadsheet_through_the_page(
    browser_page, sign_in, personas, coalition, maria_lopes, tmp_path
):
    page = browser_page
    # Chromium asks every page for /favicon.ico, which Weft does not serve; its 404 console
    # message does not name the URL, so the shared fixture's favicon filter misses it.
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    sign_in(page, "organizer", PASSWORD)
    page.goto(f"{page.base}/coalitions/{coalition.pk}/")
    page.click("#import-link")

    broken = tmp_path / "broken.xlsx"
    connections = [*KUMU_CONNECTIONS, ["Maria Lopez", "Nobody Anywhere", "", "", -9, "", ""]]
    broken.write_bytes(xlsx(KUMU_ELEMENTS, connections))
    page.set_input_files("#import-file", str(broken))
    page.click("#import-form button[type=submit]")
    errors = page.locator("#import-errors tbody tr")
    assert errors.count() == 2
    assert "Connections" in errors.nth(0).inner_text()
    assert "must be a positive number" in errors.nth(0).inner_text()
    assert "'Nobody Anywhere'" in errors.nth(1).inner_text()
    duplicates = page.locator("#import-duplicates tbody tr")
    assert duplicates.count() == 1
    assert "Maria Lopez" in duplicates.inner_text() and "Maria Lopes" in duplicates.inner_text()
    assert page.locator("#confirm-import").count() == 0  # a preview with problems
    assert Actor.objects.filter(coalition=coalition).count() == 2  # nothing written

    fixed = tmp_path / "fixed.xlsx"
    fixed.write_bytes(xlsx())
    page.click("text=Import")
    page.set_input_files("#import-file", str(fixed))
    page.click("#import-form button[type=submit]")
    assert page.locator("#import-errors").count() == 0
    page.locator("#import-duplicates input[value=create]").check()  # a different person
    page.click("#confirm-import")
    assert "4 actors created" in page.locator(".messages").inner_text()
    assert page.locator("#import-applied").is_visible()

    # The browser's own session asks for what the map page draws.
    response = page.request.get(f"{page.base}/api/v1/coalitions/{coalition.pk}/map/")
    assert response.ok
    drawn = json.loads(response.body())
    names = {node["name"] for node in drawn["nodes"]}
    assert {
        "Tenants Union of Riverside",
        "Maria Lopez",
        "Housing Department",
        "Faith Leaders Network",
        "Maria Lopes",
    } <= names
    assert len(drawn["edges"]) == 3
    assert page.js_errors == []


def test_the_page_of_an_import_being_applied_shows_rows_written_as_the_worker_goes(
    browser_page, sign_in, personas, coalition, tmp_path
):
    from networks.transfer.models import ImportJob, ImportStatus
    from networks.transfer.services import empty_summary

    page = browser_page
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    job = ImportJob.objects.create(
        coalition=coalition,
        created_by=personas["organizer"],
        filename="network.gexf",
        file_format="gexf",
        status=ImportStatus.APPLYING,
        summary={**empty_summary([]), "actors_created": 120_000, "ties_created": 180_000},
        rows_total=300_000,
        rows_done=0,
        progress=5,
        stage="reading the file",
    )
    sign_in(page, "organizer", PASSWORD)
    page.goto(f"{page.base}/coalitions/{coalition.pk}/import/{job.pk}/")
    text = page.locator("#import-progress-text")
    assert text.inner_text() == "0 of 300,000 rows written · reading the file"

    # The worker's heartbeat writes how far it is; the page polls the job's status.
    ImportJob.objects.filter(pk=job.pk).update(rows_done=120_000, stage="writing ties", progress=41)
    page.wait_for_function(
        "document.querySelector('#import-progress-text').textContent.startsWith('120,000')"
    )
    assert text.inner_text() == "120,000 of 300,000 rows written · writing ties"
    assert page.locator("#import-progress progress").get_attribute("value") == "41"
    page.screenshot(path=str(tmp_path / "applying.png"), full_page=True)  # to look at

    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.PREVIEWED, progress=100, stage="", rows_done=0
    )
    page.wait_for_selector("#import-summary")  # done: the page shows the preview again
    assert "Problems\n0" in page.locator("#import-summary").inner_text()
    page.screenshot(path=str(tmp_path / "preview.png"), full_page=True)
    assert page.js_errors == []
