"""A round's results in Chromium: the response-rate and answer charts drawn by the page's
module under the Content Security Policy, and the comparison with the round before."""

import os

import pytest

from coalitions.roles import access_for
from coalitions.surveys.services import answer_save, respondent_submit, round_close
from tests.allies.factories import ActorFactory
from tests.coalitions.factories import MembershipFactory
from tests.coalitions.surveys.test_comparison import run_round
from tests.conftest import PASSWORD
from weft.vocabulary import ActorKind, ContactKind

SCREENSHOT = os.environ.get("WEFT_SCREENSHOT_DIR")


@pytest.fixture
def four(coalition):
    result = []
    for i in range(4):
        org = ActorFactory(coalition=coalition, name=f"Member {i}", kind=ActorKind.ORGANISATION)
        designee = ActorFactory(coalition=coalition, name=f"Voice {i}", kind=ActorKind.PERSON)
        designee.contact_details.create(kind=ContactKind.EMAIL, value=f"voice{i}@example.org")
        MembershipFactory(coalition=coalition, organisation=org, phase="align", designee=designee)
        result.append(org)
    result.append(ActorFactory(coalition=coalition, name="Ally A", kind=ActorKind.ORGANISATION))
    return result


def test_a_weaver_sees_the_results_charted_and_compared_with_the_round_before(
    browser_page, sign_in, personas, coalition, four
):
    access = access_for(personas["weaver"], coalition.pk)
    run_round(
        access,
        four,
        "Autumn mapping",
        1,
        {0: [(1, 5)], 1: [(0, 4)], 2: [(4, 2)]},
        answered=[0, 1, 2],
    )
    spring = run_round(
        access,
        four,
        "Spring mapping",
        14,
        {0: [(1, 4)], 1: [(0, 4), (2, 3)], 2: [(1, 3)], 3: [(0, 2)]},
        answered=[],
        close=False,
    )
    single = spring.questions.get(kind="single_choice")
    scale = spring.questions.get(kind="scale")
    for number, org in enumerate(four[:4]):
        respondent = spring.respondents.get(organisation=org)
        choice = "Leading" if number == 3 else "Active"
        answer_save(respondent_id=respondent.pk, question_id=single.pk, choices=[choice])
        answer_save(respondent_id=respondent.pk, question_id=scale.pk, scale=4)
        respondent_submit(respondent_id=respondent.pk)

    page = browser_page
    sign_in(page, "weaver", PASSWORD)
    page.goto(f"{page.base}/coalitions/{coalition.pk}/surveys/{spring.pk}/results/")
    page.wait_for_selector("body[data-charts-drawn]")
    # The response rate and the three questions other than the grid and free text.
    assert page.locator("body").get_attribute("data-charts-drawn") == "4"
    for canvas in ("chart-response", f"chart-question-{single.pk}", f"chart-question-{scale.pk}"):
        box = page.locator(f"canvas#{canvas}").bounding_box()
        assert box and box["width"] > 200 and box["height"] > 100
    heading = page.get_by_role("heading", name="Compared with Autumn mapping")
    assert heading.is_visible()
    density = page.locator('#comparison-table tr[data-measure="density"] td')
    assert density.all_inner_texts() == ["0.50", "0.33", "+0.17"]
    if SCREENSHOT:
        page.screenshot(path=os.path.join(SCREENSHOT, "survey-results.png"), full_page=True)

    # Closed, the round is on the dashboard against the one before.
    round_close(access=access, round_id=spring.pk)
    page.goto(f"{page.base}/coalitions/{coalition.pk}/dashboard/")
    section = page.locator("#survey-comparison")
    assert section.get_by_text("compared with Autumn mapping").is_visible()
    density = section.locator('tr[data-measure="density"] td')
    assert density.all_inner_texts() == ["0.50", "0.33", "+0.17"]
    if SCREENSHOT:
        section.screenshot(path=os.path.join(SCREENSHOT, "dashboard-survey.png"))
    assert page.js_errors == []
