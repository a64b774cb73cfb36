"""A relationship survey end to end (#21): a weaver opens a round for three member
organisations; each designee answers on a phone from the emailed link (one names an
organisation not on the map); the weaver reviews and accepts; the map has the new ties and
the prospect, and the strengths move as the answers say."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from allies.models import Actor
from coalitions.connect.models import Membership
from networks.graph.strength import StrengthSettings, relationship_strengths
from networks.metrics.selectors import metric_input
from networks.models import Tie
from tests.allies.factories import ActorFactory
from tests.coalitions.factories import MembershipFactory
from tests.conftest import PASSWORD
from weft.vocabulary import ActorKind, ContactKind

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def three_members(coalition, personas):
    orgs = []
    for number in range(3):
        org = ActorFactory(coalition=coalition, name=f"Org {number}", kind=ActorKind.ORGANISATION)
        designee = ActorFactory(coalition=coalition, name=f"Designee {number}", kind="person")
        designee.contact_details.create(kind=ContactKind.EMAIL, value=f"d{number}@example.org")
        MembershipFactory(coalition=coalition, organisation=org, phase="align", designee=designee)
        orgs.append(org)
    return orgs


def answer_on_a_phone(chromium, base, link, *, names, strength, other=None):
    context = chromium.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(link)
    assert "Who will see your answers" in page.content()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the answering page scrolls sideways on a phone"
    page.fill("input[type=search]", names)
    page.click("button:text('Search')")
    page.click(f"button:text('Add {names}')")
    form = page.locator(f"form.relationship:has(h3:text('{names}'))")
    form.locator(f"input[name=strength][value='{strength}']").check()
    form.locator("select[name=frequency]").select_option("monthly")
    form.locator("button:text('Save')").click()
    if other:
        page.fill("#someone-else input[name=other_name]", other)
        page.click("#someone-else button:text('Add')")
    page.click("#submit-answers button")
    assert "Thank you" in page.content()
    context.close()


def test_members_map_themselves(
    browser_page, chromium, sign_in, coalition, personas, three_members
):
    page = browser_page
    sign_in(page, "weaver", PASSWORD)
    page.goto(f"{page.base}/coalitions/{coalition.pk}/surveys/")
    today = timezone.localdate()
    page.fill("#id_title", "Spring mapping")
    page.fill("#id_opens_on", today.isoformat())
    page.fill("#id_closes_on", (today + datetime.timedelta(days=14)).isoformat())
    page.click("#round-form button[type=submit]")
    for org in three_members:
        page.select_option("#id_respondent-organisation", str(org.pk))
        page.click("#respondent-form button[type=submit]")
    page.click("#open-round")
    assert "Round opened" in page.content()
    links = {
        message.to[0]: re.search(r"http\S+/surveys/[\w-]+/", message.body).group(0)
        for message in mail.outbox
    }
    assert len(links) == 3
    answer_on_a_phone(chromium, page.base, links["d0@example.org"], names="Org 1", strength=5)
    answer_on_a_phone(
        chromium,
        page.base,
        links["d1@example.org"],
        names="Org 0",
        strength=4,
        other="River Keepers",
    )
    answer_on_a_phone(chromium, page.base, links["d2@example.org"], names="Org 1", strength=1)

    assert not Tie.objects.exists()  # nothing before the weaver accepts
    page.click("#review-link")
    page.click("#accept-all")
    assert "Nothing waiting for review" in page.content()

    org0, org1, org2 = three_members
    prospect = Actor.objects.get(name="River Keepers")
    assert Membership.objects.get(organisation=prospect).phase == "prospect"
    page.goto(f"{page.base}/coalitions/{coalition.pk}/map/table/")
    table = page.content()
    assert "River Keepers" in table
    assert Tie.objects.filter(source=org1, target=prospect).exists()
    inputs = metric_input(coalition.pk)
    strengths = relationship_strengths(
        inputs.interactions,
        [((s, t), w) for s, t, w, *_ in inputs.ties],
        timezone.localdate(),
        StrengthSettings.from_overrides(inputs.strength_settings),
    )
    pair = lambda a, b: (min(a.pk, b.pk), max(a.pk, b.pk))  # noqa: E731
    assert strengths[pair(org0, org1)].strength > strengths[pair(org1, org2)].strength
    assert page.js_errors == []
