"""An actor's details edited from its panel on the map: a member edits its own organisation
and is offered no edit on another's; an organizer edits any actor's kind and tags."""

from allies.models import Actor, Affiliation
from tests.allies.factories import ContactDetailFactory
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


def test_an_organizer_records_a_persons_fields_contact_skill_and_affiliation_from_the_panel(
    browser_page, sign_in, network
):
    page = browser_page
    clerk = network["clerk"]
    clerk.custom_fields = {"Office": "Room 12"}
    clerk.save()
    open_map(page, sign_in, network, "organizer")
    find(page, "Council Clerk")
    page.wait_for_selector("#actor-records:has-text('No contact details recorded.')")
    page.click("#edit-actor-records")
    page.wait_for_selector("h1:text-is('Edit Council Clerk')")

    page.get_by_label("Office").fill("Room 14")
    page.click("#custom-fields-form button[type=submit]")
    page.get_by_text("Council Clerk: fields saved.").wait_for()

    page.select_option("#id_contact-kind", "email")
    page.fill("#id_contact-value", "clerk@city.example")
    page.fill("#id_contact-label", "work")
    page.click("#contact-form button[type=submit]")
    page.get_by_text("contact detail added").wait_for()

    page.fill("#id_skill-skill", "Facilitation")
    page.select_option("#id_skill-level", "4")
    page.click("#skill-form button[type=submit]")
    page.get_by_text("Facilitation recorded").wait_for()

    page.select_option("#id_affiliation-other", label="Faith Alliance")
    page.fill("#id_affiliation-role_title", "Liaison")
    page.fill("#id_affiliation-started_on", "2024-01-01")
    page.fill("#id_affiliation-ended_on", "2023-06-30")
    page.click("#affiliation-form button[type=submit]")
    # An end before the start: refused next to the field, nothing saved, the input kept.
    page.wait_for_selector("#field-affiliation-ended_on .field-errors:has-text('on or after')")
    assert not Affiliation.objects.exists()
    assert page.input_value("#id_affiliation-role_title") == "Liaison"
    page.fill("#id_affiliation-ended_on", "")
    page.click("#affiliation-form button[type=submit]")
    page.get_by_text("affiliation added").wait_for()

    page.click("#back-to-map")
    page.wait_for_function("document.getElementById('map-app')?.dataset.loaded")
    page.reload()
    page.wait_for_function("document.getElementById('map-app').dataset.loaded")
    find(page, "Council Clerk")
    page.wait_for_selector("#actor-fields dd:text-is('Room 14')")
    assert "Email (work): clerk@city.example" in page.inner_text("#actor-contacts")
    assert "Facilitation: 4 of 5" in page.inner_text("#actor-skills")
    assert "Faith Alliance · Liaison · from 2024-01-01" in page.inner_text("#actor-affiliations")
    assert [e for e in page.js_errors if "Failed to load resource" not in e] == []


def test_a_member_sees_no_contact_details_and_edits_only_its_own_organisations_fields(
    browser_page, sign_in, network
):
    page = browser_page
    union = network["union"]
    union.custom_fields = {"Founded": "1998"}
    union.save()
    ContactDetailFactory(actor=union, kind="email", value="union@private.example")
    open_map(page, sign_in, network, "member")
    find(page, "Tenants Union")
    page.wait_for_selector("#actor-records")
    assert "Contact" not in page.inner_text("#side-panel")
    page.click("#edit-actor-records")
    page.wait_for_selector("h1:text-is('Edit Tenants Union')")
    assert "private.example" not in page.content() and page.locator("#contacts").count() == 0
    page.get_by_label("Founded").fill("1997")
    page.click("#custom-fields-form button[type=submit]")
    page.get_by_text("Tenants Union: fields saved.").wait_for()
    assert Actor.objects.get(pk=union.pk).custom_fields == {"Founded": "1997"}
    # Faith Alliance: no edit link in its panel, its page refused.
    page.click("#back-to-map")
    page.wait_for_function("document.getElementById('map-app')?.dataset.loaded")
    find(page, "Faith Alliance")
    page.wait_for_selector("#actor-records")
    assert page.locator("#edit-actor-records").count() == 0
    coalition = network["coalition"].pk
    response = page.goto(f"{page.base}/coalitions/{coalition}/actors/{network['faith'].pk}/edit/")
    assert response.status == 403
