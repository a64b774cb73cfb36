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
