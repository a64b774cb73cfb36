"""Saved views changed, deleted and brought back from the map's link, and updated from the
map to what it shows, the way an organizer would."""

from coalitions.roles import access_for
from networks.map.models import SavedView
from networks.map.services import saved_view_update
from tests.browser import test_map
from tests.browser.test_map import open_map
from tests.networks.factories import SavedViewFactory

network = test_map.network  # the map page's hand-built network (a fixture)


def back_to_the_map(page):
    page.click("text=Back to the map")
    page.wait_for_function("window.weftMap && document.getElementById('map-app').dataset.loaded")
    page.evaluate("window.weftMap.ready")


def test_an_organizer_changes_deletes_and_brings_back_a_saved_view(browser_page, sign_in, network):
    view = SavedViewFactory(coalition=network["coalition"], name="Allies only")
    page = browser_page
    open_map(page, sign_in, network, "organizer")
    page.click("#manage-views")
    row = page.locator(f"tr[data-view='{view.pk}']")
    row.locator("summary").click()
    row.get_by_label("Name").fill("Our allies")
    row.get_by_label("Description").fill("Who stands with us")
    row.get_by_label("Colour by").select_option("kind")
    row.get_by_role("button", name="Save changes").click()
    page.get_by_text("Saved view “Our allies” saved.").wait_for()
    page.reload()
    assert "Who stands with us" in page.inner_text(f"tr[data-view='{view.pk}']")
    saved = SavedView.objects.get(pk=view.pk)
    assert (saved.name, saved.colour_by) == ("Our allies", "kind")

    page.locator(f"tr[data-view='{view.pk}']").get_by_role("button", name="Delete").click()
    page.get_by_text("Saved view “Our allies” deleted.").wait_for()
    assert not SavedView.objects.filter(pk=view.pk).exists()
    page.locator("#recently-deleted").get_by_role("button", name="Undo delete").click()
    page.get_by_text("Saved view “Our allies” is back.").wait_for()
    page.reload()
    assert "Who stands with us" in page.inner_text(f"tr[data-view='{view.pk}']")
    back_to_the_map(page)
    assert "Our allies" in page.inner_text("#saved-view")
    assert page.js_errors == []


def test_an_organizer_updates_a_saved_view_to_what_the_map_shows(
    browser_page, sign_in, network, personas
):
    view = SavedViewFactory(coalition=network["coalition"], name="Everyone")
    page = browser_page
    open_map(page, sign_in, network, "organizer")
    page.evaluate("window.weftMap.ready")
    page.select_option("#saved-view", label="Everyone")
    page.click("#open-view")
    page.select_option("#size-by", "degree")
    page.select_option("#colour-by", "kind")
    page.check("#map-filters input[name=stance][value=active_ally]")
    page.click("#map-filters button[type=submit]")
    page.click("#update-view")
    page.get_by_text("Saved view “Everyone” updated to this view.").wait_for()
    saved = SavedView.objects.get(pk=view.pk)
    assert (saved.size_by, saved.colour_by) == ("degree", "kind")
    assert saved.filters.get("stance") == ["active_ally"]

    page.reload()
    page.wait_for_function("window.weftMap && document.getElementById('map-app').dataset.loaded")
    page.evaluate("window.weftMap.ready")
    page.select_option("#saved-view", label="Everyone")
    page.click("#open-view")
    page.wait_for_function("document.getElementById('size-by').value === 'degree'")
    assert page.input_value("#colour-by") == "kind"

    # A weaver changes the view meanwhile: the organizer's update is refused, naming them.
    saved_view_update(
        access=access_for(personas["weaver"], network["coalition"].pk),
        view=saved,
        expected_version=saved.version,
        layout="power",
    )
    page.select_option("#size-by", "influence")
    page.click("#update-view")
    page.wait_for_function(
        "document.getElementById('map-alert').textContent.includes('weaver changed')"
    )
    assert SavedView.objects.get(pk=view.pk).size_by == "degree"
    # The refused update's 412 is the browser's only complaint.
    assert [e for e in page.js_errors if "412" not in e] == []
