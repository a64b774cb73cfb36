"""Bulk edit in the map's table, the way an organizer would: tick two rows, set a stance, see it
in the table, undo, see it back."""

from tests.browser import test_map
from tests.conftest import PASSWORD

network = test_map.network  # the map page's hand-built network (a fixture)


def _stance_cell(page, actor):
    return page.locator(f"#select-{actor.pk}").locator("xpath=ancestor::tr").locator("td").nth(2)


def test_an_organizer_sets_two_stances_at_once_and_undoes_it(browser_page, sign_in, network):
    page = browser_page
    clerk, bank = network["clerk"], network["bank"]
    sign_in(page, "organizer", PASSWORD)
    page.goto(f"{page.base}/coalitions/{network['coalition'].pk}/map/table/")
    page.get_by_label(f"Select {clerk.name}").check()
    page.get_by_label(f"Select {bank.name}").check()
    page.locator("#bulk-form select[name=stance]").select_option(label="Active ally")
    page.get_by_role("button", name="Apply to the selected actors").click()
    page.get_by_text("Bulk edit: 2 of 2 selected actors changed.").wait_for()
    assert _stance_cell(page, clerk).inner_text() == "Active ally"
    assert _stance_cell(page, bank).inner_text() == "Active ally"
    page.locator("#bulk-undo").get_by_role("button", name="Undo").click()
    page.get_by_text("Bulk edit undone: 2 actors put back.").wait_for()
    page.reload()
    assert _stance_cell(page, clerk).inner_text() == "Neutral"
    assert _stance_cell(page, bank).inner_text() == "Passive ally"
    assert page.js_errors == []
