"""Ties on the map, recorded in the browser: a drawn tie opens its form, a tie clicked on the
map opens its panel (edit, the other ties between the two, evidence, history, delete with
undo); errors next to the field, nothing saved on error, a stale save refused."""

from networks.models import Tie
from tests.browser import test_map
from tests.browser.test_map import drag, find, loads, open_map, settled_spot, wait_reloaded
from tests.networks.factories import (
    InteractionFactory,
    InteractionParticipantFactory,
    TieFactory,
)

network = test_map.network  # the map page's hand-built network (a fixture)


def script_errors(page):
    """The page's script errors, without the browser's note of each refused request (the
    refusals these tests provoke)."""
    return [e for e in page.js_errors if "Failed to load resource" not in e]


def click_tie(page, source, target):
    """Click the middle of the straight tie between two actors."""
    (x1, y1), (x2, y2) = settled_spot(page, source), settled_spot(page, target)
    page.mouse.click((x1 + x2) / 2, (y1 + y2) / 2)


def test_a_drawn_tie_with_its_end_before_its_start_is_refused_next_to_the_field(
    browser_page, sign_in, network
):
    page = browser_page
    open_map(page, sign_in, network, "organizer")
    page.click("#draw-ties")
    drag(page, network["bank"], network["mayor"])
    page.wait_for_selector("#tie-form")
    page.fill("#tie-form input[name=started_on]", "2025-05-01")
    page.fill("#tie-form input[name=ended_on]", "2025-01-01")
    page.fill("#tie-form textarea[name=description]", "Food for the hearings")
    page.click("#tie-form button[type=submit]")
    error = page.wait_for_selector("#tie-error-ended_on:not([hidden])")
    assert error.inner_text()  # the service's message, next to the end date
    assert not Tie.objects.filter(source=network["bank"], target=network["mayor"]).exists()
    # The form kept what was typed; corrected, it saves.
    assert page.input_value("#tie-form textarea[name=description]") == "Food for the hearings"
    page.fill("#tie-form input[name=ended_on]", "2025-09-01")
    page.select_option("#tie-form select[name=direction]", "mutual")
    page.check("#tie-form input[name=is_sensitive]")
    before = loads(page)
    page.click("#tie-form button[type=submit]")
    wait_reloaded(page, before)
    page.wait_for_selector("#tie-note:text-is('Tie added.')")
    tie = Tie.objects.get(source=network["bank"], target=network["mayor"])
    assert (str(tie.started_on), str(tie.ended_on), tie.direction, tie.is_sensitive) == (
        "2025-05-01",
        "2025-09-01",
        "mutual",
        True,
    )
    assert tie.description == "Food for the hearings"
    assert script_errors(page) == []


def test_a_tie_clicked_on_the_map_is_edited_kept_after_reload_and_lists_the_others(
    browser_page, sign_in, network
):
    faith, clerk = network["faith"], network["clerk"]
    TieFactory(coalition=network["coalition"], source=clerk, target=faith, kind="funding")
    meeting = InteractionFactory(coalition=network["coalition"], summary="Budget hearing prep")
    for actor in (faith, clerk):
        InteractionParticipantFactory(interaction=meeting, actor=actor)
    page = browser_page
    open_map(page, sign_in, network, "organizer")
    tie = network["ties"]["faith-clerk"]
    # Two ties between them are drawn as curves: open this one from the actor's panel.
    find(page, "Faith Alliance")
    page.click(f".open-tie[data-tie='{tie.pk}']")
    page.wait_for_selector("#panel-title:text-is('Tie: Faith Alliance – Council Clerk')")
    assert "Funding" in page.inner_text("#tie-others")
    assert "Budget hearing prep" in page.inner_text("#tie-evidence")
    href = page.get_attribute("#tie-log-interaction", "href")
    assert f"actor={faith.pk}&with={clerk.pk}" in href
    page.select_option("#tie-form select[name=kind]", "trust")
    page.select_option("#tie-form select[name=strength]", "2")
    page.fill("#tie-form input[name=started_on]", "2024-03-01")
    page.fill("#tie-form textarea[name=description]", "Weekly calls")
    before = loads(page)
    page.click("#tie-form button[type=submit]")
    wait_reloaded(page, before)
    page.wait_for_selector("#tie-note:text-is('Tie saved.')")
    strength = page.locator("#tie-history .history-entry").first.locator(
        "tr[data-field='Strength']"
    )
    strength.wait_for()
    assert (strength.locator(".old").inner_text(), strength.locator(".new").inner_text()) == (
        "5",
        "2",
    )

    page.reload()
    page.wait_for_function("document.getElementById('map-app').dataset.loaded")
    find(page, "Faith Alliance")
    page.click(f".open-tie[data-tie='{tie.pk}']")
    page.wait_for_selector("#tie-form")
    assert page.input_value("#tie-form select[name=kind]") == "trust"
    assert page.input_value("#tie-form textarea[name=description]") == "Weekly calls"
    tie.refresh_from_db()
    assert (tie.kind, tie.strength, str(tie.started_on)) == ("trust", 2, "2024-03-01")
    assert script_errors(page) == []


def test_a_click_on_a_tie_opens_it_a_stale_save_names_who_changed_it_and_delete_is_undone(
    browser_page, sign_in, network
):
    page = browser_page
    open_map(page, sign_in, network, "organizer")
    tie = network["ties"]["faith-mayor"]
    click_tie(page, network["faith"], network["mayor"])
    page.wait_for_selector("#panel-title:text-is('Tie: Faith Alliance – Mayor Reyes')")
    # Meanwhile a steward changes it.
    tie.strength = 4
    tie._history_user = network["coalition"].roles.get(user__username="steward").user
    tie.save()
    page.select_option("#tie-form select[name=strength]", "1")
    page.fill("#tie-form textarea[name=description]", "Mine")
    page.click("#tie-form button[type=submit]")
    message = page.wait_for_selector("#map-alert:not([hidden])").inner_text()
    assert "steward changed the strength of this tie" in message
    page.wait_for_function(
        "document.querySelector('#tie-form select[name=strength]').value === '4'"
    )
    tie.refresh_from_db()
    assert (tie.strength, tie.description) == (4, "")

    page.once("dialog", lambda dialog: dialog.accept())
    before = loads(page)
    page.click("#delete-tie")
    wait_reloaded(page, before)
    page.wait_for_selector("#panel-title:text-is('Faith Alliance')")
    assert not Tie.objects.filter(pk=tie.pk).exists()
    assert "Mayor Reyes" not in page.inner_text("#ties-list")
    before = loads(page)
    page.click(".toast button")
    wait_reloaded(page, before)
    page.wait_for_selector("#tie-note:text-is('Tie restored.')")
    assert Tie.objects.get(pk=tie.pk).strength == 4
    assert script_errors(page) == []


def test_a_member_opens_a_tie_read_only(browser_page, sign_in, network):
    page = browser_page
    open_map(page, sign_in, network, "member")
    find(page, "Faith Alliance")
    tie = network["ties"]["faith-clerk"]
    page.click(f".open-tie[data-tie='{tie.pk}']")
    page.wait_for_selector("#panel-title:text-is('Tie: Faith Alliance – Council Clerk')")
    assert page.locator("#tie-form").count() == 0
    assert page.locator("#delete-tie").count() == 0
