"""The pipeline's memberships as a weaver does it in the browser (issue #17, item 5): add an
organisation as a prospect from the board, edit its designee and commitments, see them on the
board, reload, remove it and undo; and add another from its panel on the map."""

from coalitions.connect.models import Commitment, Membership
from tests.browser import test_map
from tests.browser.test_map import find, open_map
from tests.conftest import PASSWORD

network = test_map.network  # the map page's hand-built network (a fixture)


def card(page, name):
    return page.locator(f'.member-card:has(h3:text-is("{name}"))')


def test_a_weaver_adds_a_prospect_edits_it_removes_it_and_undoes_the_removal(
    browser_page, sign_in, network
):
    page = browser_page
    coalition = network["coalition"]
    sign_in(page, "weaver", PASSWORD)
    page.js_errors.clear()  # the sign-in page's own requests are not this feature's
    page.goto(f"{page.base}/coalitions/{coalition.pk}/pipeline/")

    # Add Food Bank as a prospect; nothing chosen first is refused next to the field.
    page.click("#add-prospect summary")
    page.click("#prospect-form button[type=submit]")
    page.wait_for_selector("#field-organisation .field-errors")
    assert Membership.objects.count() == 2
    page.select_option("#id_organisation", label="Food Bank")
    page.click("#prospect-form button[type=submit]")
    page.get_by_text("Food Bank is on the pipeline as a prospect.").wait_for()
    prospects = page.locator('.column[data-phase="prospect"]')
    assert prospects.locator(".member-card h3", has_text="Food Bank").count() == 1

    # Its page: a designee, what it brings and gets, notes, a commitment.
    page.get_by_role("link", name="Edit Food Bank").click()
    page.wait_for_selector("h1:text-is('Food Bank')")
    page.select_option("#id_designee", label="Council Clerk")
    page.fill("#id_brings", "Hot meals for every action")
    page.fill("#id_gets", "Volunteers")
    page.fill("#id_phase_notes", "Meets their board in June")
    page.click("#membership-form button[type=submit]")
    page.get_by_text("Food Bank: saved.").wait_for()
    assert "Council Clerk: from" in page.inner_text("#designee-history")
    page.select_option("#id_new-kind", "hours")
    page.fill("#id_new-amount", "-5")
    page.click("#commitment-new button[type=submit]")
    page.get_by_text("The amount must be more than zero.").wait_for()
    assert Commitment.objects.filter(membership__organisation=network["bank"]).count() == 0
    page.fill("#id_new-amount", "12")
    page.fill("#id_new-description", "Kitchen shifts")
    page.click("#commitment-new button[type=submit]")
    page.get_by_text("Commitment added.").wait_for()

    # On the board, and still there after a reload.
    for _ in range(2):
        page.goto(f"{page.base}/coalitions/{coalition.pk}/pipeline/")
        food = card(page, "Food Bank")
        text = food.inner_text()
        assert "Council Clerk" in text and "Hot meals for every action" in text
        assert "12 hours (Kitchen shifts)" in text and "Meets their board in June" in text
    membership = Membership.objects.get(organisation=network["bank"])
    assert (membership.designee, membership.gets) == (network["clerk"], "Volunteers")

    # Remove it, then undo: it comes back with its commitment.
    page.get_by_role("link", name="Edit Food Bank").click()
    page.click("#membership-remove button[type=submit]")
    page.get_by_text("Food Bank was removed from the pipeline.").first.wait_for()
    assert card(page, "Food Bank").count() == 0
    assert not Membership.objects.filter(organisation=network["bank"]).exists()
    page.click("#membership-undo button[type=submit]")
    page.get_by_text("Food Bank is back on the pipeline.").wait_for()
    assert "12 hours (Kitchen shifts)" in card(page, "Food Bank").inner_text()
    page.reload()
    assert card(page, "Food Bank").count() == 1
    assert Membership.objects.get(organisation=network["bank"]).pk == membership.pk
    # The two refused forms answered 400, as they should (the browser logs each); nothing else.
    refused = [e for e in page.js_errors if "status of 400 (Bad Request)" in e]
    assert len(refused) == 2
    assert [e for e in page.js_errors if e not in refused] == []


def test_a_weaver_adds_an_organisation_to_the_pipeline_from_its_panel_on_the_map(
    browser_page, sign_in, network
):
    page = browser_page
    open_map(page, sign_in, network, "weaver")
    page.js_errors.clear()
    # A person is never a member: no button in their panel.
    find(page, "Council Clerk")
    assert page.locator("#add-to-pipeline").count() == 0
    # A member already: its phase and a link to its page.
    find(page, "Faith Alliance")
    page.wait_for_selector("#pipeline-membership")
    find(page, "Food Bank")
    page.click("#add-to-pipeline")
    page.wait_for_selector("#pipeline-added")
    assert "Prospect" in page.inner_text("#pipeline-membership")
    assert page.locator("#add-to-pipeline").count() == 0
    membership = Membership.objects.get(organisation=network["bank"])
    assert membership.phase == "prospect"
    page.click("#pipeline-membership a")
    page.wait_for_selector("h1:text-is('Food Bank')")
    page.goto(f"{page.base}/coalitions/{network['coalition'].pk}/pipeline/")
    prospects = page.locator('.column[data-phase="prospect"]')
    assert prospects.locator(".member-card h3", has_text="Food Bank").count() == 1
    assert page.js_errors == []


def test_a_member_sees_no_pipeline_button_on_the_map(browser_page, sign_in, network):
    page = browser_page
    open_map(page, sign_in, network, "member")
    find(page, "Food Bank")
    assert page.locator("#add-to-pipeline").count() == 0
    assert page.locator("#pipeline-membership").count() == 0
