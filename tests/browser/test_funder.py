"""A funder in the browser: signs in, finds the coalition's published reports, opens one and
sees the four measures and their trend charts; the map, dashboard and workflow are refused.
A share link opens the report without an account until it expires or is revoked."""

import datetime

import pytest
from django.utils import timezone

from coalitions.reports import services as report_services
from coalitions.reports.figures import TREND_KEYS
from tests.conftest import PASSWORD
from tests.networks.factories import MetricRunFactory


@pytest.fixture
def reports(coalition, personas):
    today = timezone.localdate()
    for months in range(9, -1, -1):
        MetricRunFactory(
            coalition=coalition,
            status="succeeded",
            input_hash=f"browser-{months}",
            computed_for=today - datetime.timedelta(days=30 * months),
            finished_at=timezone.now(),
            network={
                "public": {
                    "density": 0.1 + 0.01 * (9 - months),
                    "member_mean_strength": 0.3,
                    "strong_ties": 20 - months,
                    "distributed_leadership": 0.5,
                    "leaders": 4 + (9 - months),
                    "lead_roles": 5,
                }
            },
            leadership={},
        )
    organizer = personas["organizer"]
    published = report_services.report_create(
        coalition=coalition, created_by=organizer, narrative="The quarter we **won**."
    )
    published = report_services.report_publish(report=published, published_by=organizer)
    draft = report_services.report_create(
        coalition=coalition,
        created_by=organizer,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 1, 31),
    )
    return {"published": published, "draft": draft}


def test_a_funder_reads_a_published_report_and_nothing_else(
    browser_page, sign_in, coalition, reports
):
    page = browser_page
    sign_in(page, "funder", PASSWORD)
    page.get_by_role("link", name=coalition.name).click()
    page.get_by_role("link", name="Success reports").click()
    rows = page.locator("#report-list tbody tr")
    assert rows.count() == 1  # the draft is not listed
    rows.first.get_by_role("link").click()
    page.wait_for_selector("body[data-charts-drawn]")
    for measure in (
        "Wins",
        "Political climate",
        "Stronger relationships",
        "More leaders with more skills",
    ):
        assert page.get_by_role("heading", name=measure).is_visible(), measure
    assert page.locator("strong", has_text="won").is_visible()  # the narrative, rendered
    charts = str(len(TREND_KEYS))  # one per trend series, the health check's included
    assert page.locator("body").get_attribute("data-charts-drawn") == charts
    assert page.locator("canvas[data-series]").count() == len(TREND_KEYS)
    assert page.locator("canvas[data-series]").first.bounding_box()["height"] > 50
    assert page.get_by_role("link", name="Download PDF").is_visible()
    assert page.locator("#publish").count() == 0
    assert page.js_errors == []

    base = f"{page.base}/coalitions/{coalition.pk}"
    for refused in ("/map/", "/dashboard/", "/workflow/", f"/reports/{reports['draft'].pk}/"):
        response = page.goto(base + refused)
        assert response.status in (403, 404), refused
    response = page.goto(f"{page.base}/api/v1/coalitions/{coalition.pk}/map/")
    assert response.status == 403


def test_a_share_link_opens_the_report_until_it_expires_or_is_revoked(
    browser_page, personas, reports
):
    page = browser_page
    steward = personas["steward"]
    _, token = report_services.share_link_create(report=reports["published"], created_by=steward)
    response = page.goto(f"{page.base}/shared/reports/{token}/")
    assert response.status == 200
    page.wait_for_selector(f"body[data-charts-drawn='{len(TREND_KEYS)}']")
    assert page.get_by_role("heading", name="Stronger relationships").is_visible()
    assert page.get_by_role("link", name="Reports").count() == 0  # no way into the app
    assert page.js_errors == []

    expired, expired_token = report_services.share_link_create(
        report=reports["published"], created_by=steward, expires_in_days=1
    )
    expired.expires_at = timezone.now() - datetime.timedelta(minutes=1)
    expired.save(update_fields=["expires_at"])
    response = page.goto(f"{page.base}/shared/reports/{expired_token}/")
    assert response.status == 410
    assert page.get_by_role("heading", name="This link is closed").is_visible()

    link = reports["published"].share_links.order_by("created_at").first()
    report_services.share_link_revoke(link=link, revoked_by=steward)
    response = page.goto(f"{page.base}/shared/reports/{token}/")
    assert response.status == 410
