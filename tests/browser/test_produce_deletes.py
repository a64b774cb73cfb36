"""A weaver in the browser deletes an action on the Produce page and undoes it (it is back, with
its leaders, after a reload); then deletes a principle and undoes that too."""

import datetime

from coalitions.align.models import Principle
from coalitions.produce.models import Action
from tests.coalitions.factories import ActionFactory, EndorsementFactory, PrincipleFactory
from tests.conftest import PASSWORD


def test_weaver_deletes_an_action_and_a_principle_and_undoes_both(
    browser_page, sign_in, coalition, personas, people, orgs
):
    action = ActionFactory(
        coalition=coalition, title="Tenants' assembly", starts_on=datetime.date(2026, 9, 12)
    )
    action.leaders.set([people[0]])
    principle = PrincipleFactory(coalition=coalition, title="Those most affected lead")
    EndorsementFactory(principle=principle, organisation=orgs[0])
    page = browser_page
    sign_in(page, "weaver", PASSWORD)
    page.js_errors.clear()

    produce = f"{page.base}/coalitions/{coalition.pk}/produce/"
    page.goto(produce)
    page.get_by_role("button", name="Delete Tenants' assembly").click()
    page.get_by_text("The action “Tenants' assembly” is deleted.").wait_for()
    assert page.get_by_role("link", name="Tenants' assembly", exact=True).count() == 0
    assert not Action.objects.filter(pk=action.pk).exists()
    page.get_by_role("button", name="Undo", exact=True).click()
    page.get_by_text("“Tenants' assembly” is back.").wait_for()
    page.reload()
    page.get_by_role("link", name="Tenants' assembly", exact=True).wait_for()
    row = page.get_by_role("row").filter(has_text="Tenants' assembly")
    assert "Person 0" in row.inner_text()
    assert page.get_by_role("button", name="Undo", exact=True).count() == 0

    principles = f"{page.base}/coalitions/{coalition.pk}/principles/"
    page.goto(principles)
    page.get_by_role("button", name="Delete the principle Those most affected lead").click()
    page.get_by_text("The principle “Those most affected lead” is deleted.").wait_for()
    assert page.get_by_role("heading", name="Those most affected lead", exact=True).count() == 0
    page.get_by_role("button", name="Undo", exact=True).click()
    page.get_by_text("The principle “Those most affected lead” is back.").wait_for()
    page.reload()
    page.get_by_role("heading", name="Those most affected lead", exact=True).wait_for()
    assert "1 endorsing organisation: Org 0" in page.locator("article.principle").inner_text()
    assert Principle.objects.filter(pk=principle.pk).exists()
    assert page.js_errors == []
