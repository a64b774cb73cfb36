"""An actor's details edited from its panel on the map: a member edits its own organisation
and is offered no edit on another's; an organizer edits any actor's kind and tags."""

from allies.models import Actor
from tests.browser import test_map
from tests.browser.test_map import find, open_map

network = test_map.network  # the map page's hand-built network (a fixture)


def test_a_member_edits_its_own_organisation_from_the_map_and_no_other(
    browser_page, sign_in, network
):
    page = browser_page
    open_map(page, sign_in, network, "member")
    find(page, "Faith Alliance")
    assert page.locator("#edit-actor").count() == 0
    find(page, "Tenants Union")
    page.click("#edit-actor")
    page.wait_for_selector("h1:text-is('Edit Tenants Union')")
    assert page.locator("#id_is_sensitive").count() == 0
    page.fill("#id_description", "Renters organising renters")
    page.check("#id_is_directly_affected")
    page.click("#actor-form button[type=submit]")
    page.wait_for_function("document.getElementById('map-app')?.dataset.loaded")
    page.get_by_text("Tenants Union: details saved.").wait_for()
    find(page, "Tenants Union")
    page.wait_for_selector("#side-panel p:text-is('Renters organising renters')")
    union = Actor.objects.get(pk=network["union"].pk)
    assert union.is_directly_affected
    # Another organisation's page is refused, even typed in by hand.
    response = page.goto(
        f"{page.base}/coalitions/{network['coalition'].pk}/actors/{network['faith'].pk}/edit/"
    )
    assert response.status == 403


def test_an_organizer_changes_an_actors_kind_and_tags_and_a_blank_name_is_refused(
    browser_page, sign_in, network
):
    page = browser_page
    open_map(page, sign_in, network, "organizer")
    find(page, "Food Bank")
    page.click("#edit-actor")
    page.fill("#id_name", "")
    page.fill("#id_tags", "food, mutual aid")
    page.click("#actor-form button[type=submit]")
    page.wait_for_selector("#field-name .field-errors")
    assert Actor.objects.get(pk=network["bank"].pk).name == "Food Bank"
    assert page.input_value("#id_tags") == "food, mutual aid"
    page.fill("#id_name", "Community Food Bank")
    page.select_option("#id_kind", "group")
    page.click("#actor-form button[type=submit]")
    page.get_by_text("Community Food Bank: details saved.").wait_for()
    bank = Actor.objects.get(pk=network["bank"].pk)
    assert (bank.name, bank.kind) == ("Community Food Bank", "group")
    assert sorted(bank.tags.values_list("name", flat=True)) == ["food", "mutual aid"]
