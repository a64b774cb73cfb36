"""Logging an interaction from an actor's panel on the map, the way an organizer would: the
form, an error next to the field, the save, back on the map, kept after a reload."""

from networks.models import Interaction
from tests.browser import test_map
from tests.browser.test_map import find, open_map

network = test_map.network  # the map page's hand-built network (a fixture)


def test_an_organizer_logs_an_interaction_from_the_panel_and_edits_it(
    browser_page, sign_in, network
):
    page = browser_page
    open_map(page, sign_in, network, "organizer")
    find(page, "Food Bank")
    page.click("#interaction-links a:text-is('Log an interaction')")
    page.wait_for_selector("h1:text-is('Log an interaction')")
    page.select_option("#id_kind", "co_attended_event")
    page.fill("#id_occurred_on", "2026-02-14")
    page.fill("#id_summary", "Both at the housing fair")
    page.click("#interaction-form button[type=submit]")
    # Only the Food Bank chosen: refused next to the field, nothing saved.
    page.wait_for_selector("#field-participants .field-errors:has-text('at least two actors')")
    assert not Interaction.objects.exists()
    assert page.input_value("#id_summary") == "Both at the housing fair"
    page.select_option("#id_participants", label=["Food Bank", "Council Clerk"])
    page.click("#interaction-form button[type=submit]")
    page.wait_for_function("document.getElementById('map-app')?.dataset.loaded")
    page.get_by_text("Interaction logged").wait_for()
    find(page, "Council Clerk")
    page.wait_for_selector("#side-panel li:has-text('Both at the housing fair')")
    interaction = Interaction.objects.get()
    assert set(interaction.participants.values_list("name", flat=True)) == {
        "Food Bank",
        "Council Clerk",
    }

    page.click("#interaction-links a:text-is('All their interactions')")
    page.click("#interactions a:has-text('Edit')")
    page.fill("#id_summary", "Both at the housing fair, and a plan")
    page.click("#interaction-form button[type=submit]")
    page.get_by_text("Interaction saved").wait_for()
    assert "and a plan" in page.inner_text("#interactions")
    page.click("#interactions a:has-text('Edit')")
    page.click("#delete-interaction button")
    page.get_by_text("Interaction deleted.").wait_for()
    assert not Interaction.objects.exists()
    # The refused save answered 400 (the browser notes it); no script error.
    assert [e for e in page.js_errors if "Failed to load resource" not in e] == []
