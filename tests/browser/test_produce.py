"""A weaver in the browser: change the coalition's phase from the pipeline board, then add a
working group with a lead, an action it led, and a win recorded against that action."""

from coalitions.models import Coalition
from coalitions.produce.models import Action, GroupMember, Win, WorkingGroup
from tests.conftest import PASSWORD


def test_weaver_changes_the_phase_and_records_what_the_coalition_produced(
    browser_page, sign_in, coalition, personas, people
):
    page = browser_page
    sign_in(page, "weaver", PASSWORD)
    page.js_errors.clear()
    page.goto(f"{page.base}/coalitions/{coalition.pk}/pipeline/")
    page.get_by_label("The coalition as a whole is in").select_option("align")
    page.get_by_role("button", name="Change the coalition's phase").click()
    page.get_by_text("The coalition is now in Align.").wait_for()
    assert Coalition.objects.get(pk=coalition.pk).phase == "align"

    page.goto(f"{page.base}/coalitions/{coalition.pk}/produce/")
    page.get_by_role("link", name="Add a working group, hub or caucus").click()
    page.get_by_label("Name").fill("Eastside hub")
    page.get_by_label("Kind").select_option("hub")
    page.get_by_role("button", name="Save the working group").click()
    page.get_by_text("is saved").wait_for()
    hub = WorkingGroup.objects.get(name="Eastside hub")
    page.get_by_role("link", name="Edit Eastside hub").click()
    page.get_by_label("Member:", exact=True).select_option(label="Person 0")
    page.get_by_label("Leads the group").check()
    page.get_by_role("button", name="Save the seat").click()
    page.get_by_text("Person 0's seat is saved.").wait_for()
    assert GroupMember.objects.get(group=hub).is_lead

    page.goto(f"{page.base}/coalitions/{coalition.pk}/produce/actions/new/")
    page.get_by_label("Title").fill("Tenants' assembly")
    page.get_by_label("Date").fill("2026-09-12")
    page.get_by_label("Place").fill("Eastside towers")
    page.get_by_label("Working group").select_option(label="Eastside hub")
    page.get_by_label("Led by").select_option(label="Person 0")
    page.get_by_label("Planned turnout").fill("120")
    page.get_by_role("button", name="Save the action").click()
    page.get_by_text("is saved").wait_for()
    action = Action.objects.get(title="Tenants' assembly")
    assert [a.name for a in action.leaders.all()] == ["Person 0"]

    page.get_by_role("link", name="Record a win").click()
    page.get_by_label("Title").fill("Repairs ordered")
    page.get_by_label("Won on").fill("2026-10-01")
    page.get_by_label("Tenants' assembly").check()
    page.get_by_role("button", name="Save the win").click()
    page.get_by_text("after Tenants' assembly").wait_for()
    assert list(Win.objects.get().actions.all()) == [action]
    assert page.js_errors == []
