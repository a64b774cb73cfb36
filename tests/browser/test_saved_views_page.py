"""Saved views renamed and deleted from the map's link, the way an organizer would."""

from networks.map.models import SavedView
from tests.browser import test_map
from tests.browser.test_map import open_map
from tests.networks.factories import SavedViewFactory

network = test_map.network  # the map page's hand-built network (a fixture)


def test_an_organizer_renames_and_deletes_a_saved_view(browser_page, sign_in, network):
    view = SavedViewFactory(coalition=network["coalition"], name="Allies only")
    page = browser_page
    open_map(page, sign_in, network, "organizer")
    page.click("#manage-views")
    row = page.locator(f"tr[data-view='{view.pk}']")
    row.get_by_label("New name").fill("Our allies")
    row.get_by_role("button", name="Rename").click()
    page.get_by_text("Saved view renamed “Our allies”.").wait_for()
    assert SavedView.objects.get(pk=view.pk).name == "Our allies"
    page.locator(f"tr[data-view='{view.pk}']").get_by_role("button", name="Delete").click()
    page.get_by_text("Saved view “Our allies” deleted.").wait_for()
    assert not SavedView.objects.filter(pk=view.pk).exists()
    page.click("text=Back to the map")
    page.wait_for_function("document.getElementById('map-app')?.dataset.loaded")
    page.evaluate("window.weftMap.ready")
    assert "Our allies" not in page.inner_text("#saved-view")
    assert page.js_errors == []
