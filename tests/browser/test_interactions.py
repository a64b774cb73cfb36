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
    page.wait_for_selector("#undo-delete:has-text('is deleted')")
    assert not Interaction.objects.exists()
    # The refused save answered 400 (the browser notes it); no script error.
    assert [e for e in page.js_errors if "Failed to load resource" not in e] == []


def test_an_interaction_with_a_follow_up_is_logged_from_a_tie_listed_for_the_pair_and_undeleted(
    browser_page, sign_in, network
):
    page = browser_page
    faith, clerk = network["faith"], network["clerk"]
    tie = network["ties"]["faith-clerk"]
    open_map(page, sign_in, network, "organizer")
    find(page, "Faith Alliance")
    page.click(f".open-tie[data-tie='{tie.pk}']")
    page.wait_for_selector("#panel-title:text-is('Tie: Faith Alliance – Council Clerk')")
    page.click("#tie-log-interaction")
    page.wait_for_selector("h1:text-is('Log an interaction')")
    selected = page.eval_on_selector_all(
        "#id_participants option:checked", "options => options.map(o => o.textContent)"
    )
    assert sorted(selected) == ["Council Clerk", "Faith Alliance"]
    page.select_option("#id_kind", "one_to_one")
    page.fill("#id_occurred_on", "2026-02-14")
    page.fill("#id_summary", "Coffee before the hearing")
    page.fill("#id_follow_up", "Send the clerk our testimony")
    page.fill("#id_follow_up_on", "2026-02-01")
    page.click("#interaction-form button[type=submit]")
    # A follow-up due before the meeting: refused next to its field, nothing saved.
    page.wait_for_selector("#field-follow_up_on .field-errors:has-text('on or after')")
    assert not Interaction.objects.exists()
    page.fill("#id_follow_up_on", "2026-02-20")
    page.click("#interaction-form button[type=submit]")
    page.wait_for_function("document.getElementById('map-app')?.dataset.loaded")
    page.get_by_text("Interaction logged").wait_for()

    # The pair's list, from the tie's panel after a reload: the follow-up is there.
    page.reload()
    page.wait_for_function("document.getElementById('map-app').dataset.loaded")
    find(page, "Faith Alliance")
    page.click(f".open-tie[data-tie='{tie.pk}']")
    page.wait_for_selector("#tie-evidence:has-text('Send the clerk our testimony')")
    page.click("#tie-pair-interactions")
    page.wait_for_selector("h1:text-is('Interactions of Faith Alliance and Council Clerk')")
    row = page.inner_text("#interactions tbody")
    assert "Coffee before the hearing" in row
    assert "Send the clerk our testimony by 2026-02-20" in row

    # Delete it, then undo: back in the pair's list with its follow-up and both actors.
    page.click("#interactions a:has-text('Edit')")
    page.click("#delete-interaction button")
    page.wait_for_selector("#undo-delete:has-text('The interaction of 2026-02-14 is deleted.')")
    assert not Interaction.objects.exists()
    page.click("#undo-delete button[type=submit]")
    page.get_by_text("Deletion undone").wait_for()
    page.wait_for_selector("h1:text-is('Interactions of Faith Alliance and Council Clerk')")
    assert "Send the clerk our testimony" in page.inner_text("#interactions tbody")
    interaction = Interaction.objects.get()
    assert set(interaction.participants.values_list("pk", flat=True)) == {faith.pk, clerk.pk}
    assert [e for e in page.js_errors if "Failed to load resource" not in e] == []
