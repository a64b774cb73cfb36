"""Targets and their pillars of support, the way a weaver records them: the targets page, a
pillar added (refused first, next to the field), a proximity recorded, both seen in the map's
actor panel and on the power grid drawn for the target, and kept after a reload."""

from coalitions.align.models import Pillar, PillarProximity, Target
from tests.browser import test_map
from tests.browser.test_map import PASSWORD, find

network = test_map.network  # the map page's hand-built network (a fixture)


def test_a_weaver_records_a_pillar_and_a_proximity_and_sees_them_on_the_map(
    browser_page, sign_in, network
):
    page = browser_page
    coalition = network["coalition"]
    sign_in(page, "weaver", PASSWORD)
    page.goto(f"{page.base}/coalitions/{coalition.pk}/targets/")
    page.select_option("#id_actor", label="Mayor Reyes")
    page.fill("#id_demand", "Sign the rent ordinance")
    page.click("#add-target button[type=submit]")
    page.wait_for_selector("h1#target-name:has-text('Mayor Reyes')")
    assert Target.objects.get().demand == "Sign the rent ordinance"

    # Neither a name nor an actor: refused next to the name, nothing saved.
    page.click("#add-pillar button[type=submit]")
    page.wait_for_selector("#field-new-pillar-name .field-errors:has-text('must not be blank')")
    assert not Pillar.objects.exists()
    page.select_option("#id_new-pillar-actor", label="Food Bank")
    page.select_option("#id_new-pillar-sector", label="Civil society")
    page.fill("#id_new-pillar-note", "Feeds half the ward")
    page.click("#add-pillar button[type=submit]")
    page.get_by_text("Pillar added.").wait_for()
    pillar = Pillar.objects.get()
    assert (pillar.name, pillar.sector) == ("Food Bank", "civil_society")

    card = page.locator(f"article[data-pillar='{pillar.pk}']")
    card.locator("summary:has-text('Record a proximity')").click()
    form = card.locator(".record-proximity-form")
    form.locator("select[name$='-actor']").select_option(label="Council Clerk")
    form.locator("select[name$='-proximity']").select_option("4")
    form.locator("button[type=submit]").click()
    page.get_by_text("Proximity to Food Bank recorded.").wait_for()
    assert PillarProximity.objects.get().proximity == 4
    assert card.locator("tr:has-text('Council Clerk') td[data-value='4']").count() == 1

    # On the map: the target's panel lists its pillar; the clerk's, its proximity to it.
    page.goto(f"{page.base}/coalitions/{coalition.pk}/map/")
    page.wait_for_function("window.weftMap && document.getElementById('map-app').dataset.loaded")
    find(page, "Mayor Reyes")
    page.wait_for_selector("#pillars-of-support .pillars-list li:has-text('Food Bank')")
    find(page, "Council Clerk")
    page.wait_for_selector("#proximities-list li:has-text('Food Bank')")
    assert "proximity 4 of 5" in page.inner_text("#proximities-list")
    page.click("#proximities-list a:has-text('target page')")
    page.wait_for_selector("h1#target-name:has-text('Mayor Reyes')")

    # Kept after a reload.
    page.reload()
    card = page.locator(f"article[data-pillar='{pillar.pk}']")
    assert "Feeds half the ward" in card.inner_text()
    assert card.locator("tr:has-text('Council Clerk') td[data-value='4']").count() == 1
    # The refused save answered 400 (the browser notes it); no script error.
    assert [e for e in page.js_errors if "Failed to load resource" not in e] == []


def test_the_power_grid_draws_a_target_with_its_pillars_not_its_neighbours(
    browser_page, sign_in, network
):
    from coalitions.align.services.targets import pillar_create, proximity_record, target_create

    coalition = network["coalition"]
    actors = {a.name: a for a in coalition.actors.all()}
    target = target_create(coalition=coalition, actor=actors["Mayor Reyes"], created_by=None)
    pillar = pillar_create(target=target, actor=actors["Food Bank"], created_by=None)
    proximity_record(pillar=pillar, actor=actors["Tenants Union"], proximity=2, recorded_by=None)
    page = browser_page
    test_map.open_map(page, sign_in, network, "weaver", "?layout=power")
    find(page, "Mayor Reyes")
    page.wait_for_selector("#pillars-of-support")
    page.select_option("#neighbourhood", "1")
    page.wait_for_timeout(400)
    shown = page.evaluate(
        "window.weftMap.graph.filterNodes((n, a) => !a.hidden)"
        ".map(n => window.weftMap.graph.getNodeAttribute(n, 'name')).sort()"
    )
    # The Mayor, her pillar and who stands near it; not Faith Alliance or the clerk (ties).
    assert shown == ["Food Bank", "Mayor Reyes", "Tenants Union"]
    assert page.js_errors == []
