"""History and "restore this version" in the browser, the way a person does it: rename an
actor on the map, open its history in the panel, restore the old name, see it on the map,
reload and see it kept; the same for a working group on its edit page; a stale restore is
refused, naming who changed the item."""

from coalitions.produce.services import working_group_create, working_group_update
from tests.browser import test_map
from tests.browser.test_map import find, loads, map_names, open_map, wait_reloaded
from tests.conftest import PASSWORD

network = test_map.network  # the map page's hand-built network (a fixture)


def history_row(page, scope, field):
    return page.locator(f"{scope} .history-entry").first.locator(f"tr[data-field='{field}']")


def test_an_actor_renamed_on_the_map_is_restored_from_its_history_and_stays_restored(
    browser_page, sign_in, network
):
    page = browser_page
    open_map(page, sign_in, network, "organizer")
    find(page, "Faith Alliance")
    before = loads(page)
    page.fill("#rename input[name=name]", "Faith Alliance (typo)")
    page.click("#rename button[type=submit]")
    wait_reloaded(page, before)
    page.wait_for_selector("#panel-title:text-is('Faith Alliance (typo)')")

    # The panel's History section lists the rename: who, and the name from what to what.
    row = history_row(page, "#actor-history", "Name")
    row.wait_for()
    assert row.locator(".old").inner_text() == "Faith Alliance"
    assert row.locator(".new").inner_text() == "Faith Alliance (typo)"
    assert "by organizer" in page.locator("#actor-history .history-entry").first.inner_text()

    # The version before the rename: restore it.
    before = loads(page)
    page.locator("#actor-history .history-entry").nth(1).get_by_role(
        "button", name="Restore this version"
    ).click()
    wait_reloaded(page, before)
    page.wait_for_selector("#panel-title:text-is('Faith Alliance')")
    page.wait_for_selector("#history-restored")
    assert "Faith Alliance" in map_names(page)
    assert "Faith Alliance (typo)" not in map_names(page)
    restored = history_row(page, "#actor-history", "Name")
    restored.wait_for()
    assert restored.locator(".new").inner_text() == "Faith Alliance"

    page.reload()
    page.wait_for_function("document.getElementById('map-app').dataset.loaded")
    assert "Faith Alliance" in map_names(page)
    network["faith"].refresh_from_db()
    assert network["faith"].name == "Faith Alliance"
    assert page.js_errors == []


def test_a_stale_restore_on_the_map_names_who_changed_the_actor(browser_page, sign_in, network):
    page = browser_page
    open_map(page, sign_in, network, "organizer")
    find(page, "Council Clerk")
    page.fill("#rename input[name=name]", "Clerk Ana")
    before = loads(page)
    page.click("#rename button[type=submit]")
    wait_reloaded(page, before)
    page.locator("#actor-history .history-entry").nth(1).wait_for()
    # Meanwhile a weaver renames the clerk again.
    clerk = network["clerk"]
    clerk.refresh_from_db()
    clerk.name = "Clerk Ana Ruiz"
    clerk._history_user = network["coalition"].roles.get(user__username="weaver").user
    clerk.save()

    page.locator("#actor-history .history-entry").nth(1).get_by_role(
        "button", name="Restore this version"
    ).click()

    alert = page.wait_for_selector("#map-alert:not([hidden])")
    assert "changed by weaver" in alert.inner_text()
    clerk.refresh_from_db()
    assert clerk.name == "Clerk Ana Ruiz"


def test_a_tie_panel_shows_its_history_and_restores_a_version(browser_page, sign_in, network):
    page = browser_page
    tie = network["ties"]["faith-clerk"]
    open_map(page, sign_in, network, "organizer")
    find(page, "Faith Alliance")
    page.click(f".open-tie[data-tie='{tie.pk}']")
    page.wait_for_selector("#tie-form")
    page.select_option("#tie-form select[name=strength]", "2")
    before = loads(page)
    page.click("#tie-form button[type=submit]")
    wait_reloaded(page, before)
    page.wait_for_selector("#tie-note:text-is('Tie saved.')")
    row = history_row(page, "#tie-history", "Strength")
    row.wait_for()
    assert (row.locator(".old").inner_text(), row.locator(".new").inner_text()) == ("5", "2")

    before = loads(page)
    page.locator("#tie-history .history-entry").nth(1).get_by_role(
        "button", name="Restore this version"
    ).click()
    wait_reloaded(page, before)
    page.wait_for_selector("#tie-note:text-is('The tie is back to that version.')")
    tie.refresh_from_db()
    assert tie.strength == 5


def test_a_working_group_is_restored_from_its_history_page(
    browser_page, sign_in, coalition, personas
):
    group = working_group_create(
        coalition=coalition, created_by=personas["weaver"], name="Eastside hub"
    )
    page = browser_page
    sign_in(page, "organizer", PASSWORD)
    page.js_errors.clear()
    page.goto(f"{page.base}/coalitions/{coalition.pk}/produce/groups/{group.pk}/")
    page.get_by_label("Name").fill("Eastside hub (old)")
    page.get_by_role("button", name="Save the working group").click()
    page.get_by_text("is saved").wait_for()

    page.goto(f"{page.base}/coalitions/{coalition.pk}/produce/groups/{group.pk}/")
    page.click("#item-history-link")
    row = history_row(page, ".item-history", "Name")
    assert row.locator(".old").inner_text() == "Eastside hub"
    assert row.locator(".new").inner_text() == "Eastside hub (old)"
    page.locator(".history-entry").nth(1).get_by_role("button", name="Restore this version").click()
    page.get_by_text("The working group is back to that version.").wait_for()

    page.click("#history-back")
    assert page.get_by_label("Name").input_value() == "Eastside hub"
    page.reload()
    assert page.get_by_label("Name").input_value() == "Eastside hub"
    group.refresh_from_db()
    assert group.name == "Eastside hub"
    assert page.js_errors == []


def test_a_stale_restore_on_a_page_names_who_changed_the_group(
    browser_page, sign_in, coalition, personas
):
    group = working_group_create(coalition=coalition, created_by=personas["weaver"], name="Hub")
    group = working_group_update(
        group=group, expected_version=1, updated_by=personas["weaver"], name="Hub two"
    )
    page = browser_page
    sign_in(page, "organizer", PASSWORD)
    page.goto(f"{page.base}/coalitions/{coalition.pk}/history/group/{group.pk}/")
    working_group_update(
        group=group, expected_version=2, updated_by=personas["weaver"], name="Hub three"
    )
    page.locator(".history-entry").nth(1).get_by_role("button", name="Restore this version").click()
    refusal = page.locator(".messages .error")
    refusal.wait_for()
    assert "This group was changed by weaver" in refusal.inner_text()
    assert "not saved" in refusal.inner_text()
    # The history is drawn again: the weaver's change is the current version.
    newest = page.locator(".history-entry").first
    assert newest.locator("tr[data-field='Name'] .new").inner_text() == "Hub three"
    group.refresh_from_db()
    assert group.name == "Hub three"
