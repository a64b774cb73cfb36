"""Two actors merged from the duplicates page and the merge undone, the way an organizer
would: from the map's link, a preview, the merge, one actor on the map, the undo, both back."""

from allies.models import Actor
from tests.allies.factories import ActorFactory
from tests.browser import test_map
from tests.browser.test_map import map_names, open_map
from tests.networks.factories import ActorPositionFactory, TieFactory
from weft.vocabulary import ActorKind

network = test_map.network  # the map page's hand-built network (a fixture)


def back_to_the_map(page):
    page.click("text=Back to the map")
    page.wait_for_function("window.weftMap && document.getElementById('map-app').dataset.loaded")
    page.evaluate("window.weftMap.ready")


def test_an_organizer_merges_two_actors_and_undoes_it(browser_page, sign_in, network):
    coalition, bank = network["coalition"], network["bank"]
    twin = ActorFactory(
        coalition=coalition, name="The Food Bank, Inc.", kind=ActorKind.ORGANISATION
    )
    ActorPositionFactory(actor=twin, x=50, y=-300)
    TieFactory(coalition=coalition, source=twin, target=network["mayor"], strength=2)
    page = browser_page
    open_map(page, sign_in, network, "organizer")
    assert {"Food Bank", "The Food Bank, Inc."} <= map_names(page)

    page.click("#duplicates-link")
    pair = page.locator(f"tr[data-pair='{bank.pk}-{twin.pk}']")
    assert "Same name" in pair.inner_text()
    pair.get_by_role("link", name="Keep “Food Bank”").click()
    preview = page.locator("#merge-preview")
    preview.get_by_text("Merge “The Food Bank, Inc.” into “Food Bank”?").wait_for()
    assert "1 tie" in page.inner_text("#preview-moved")
    preview.get_by_role("button", name="Merge “The Food Bank, Inc.” into “Food Bank”").click()
    page.get_by_text("“The Food Bank, Inc.” merged into “Food Bank”.").wait_for()
    assert not Actor.objects.filter(pk=twin.pk).exists()

    back_to_the_map(page)
    names = map_names(page)
    assert "Food Bank" in names and "The Food Bank, Inc." not in names

    page.click("#duplicates-link")
    page.locator("#recent-merges").get_by_role("button", name="Undo").click()
    page.get_by_text("Merge undone: “The Food Bank, Inc.” is back").wait_for()
    assert "Undone by organizer" in page.inner_text("#recent-merges")

    back_to_the_map(page)
    assert {"Food Bank", "The Food Bank, Inc."} <= map_names(page)
    page.reload()
    page.wait_for_function("window.weftMap && document.getElementById('map-app').dataset.loaded")
    assert {"Food Bank", "The Food Bank, Inc."} <= map_names(page)
    assert page.js_errors == []
