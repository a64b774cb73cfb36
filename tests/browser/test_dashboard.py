"""The dashboard in Chromium: trends drawn, a run started from the page, roles."""

import datetime

import pytest

from networks.metrics.models import MetricRun
from networks.metrics.services import metric_run_execute, metric_run_request
from tests.conftest import PASSWORD
from tests.networks.factories import TieFactory

pytestmark = pytest.mark.usefixtures("tasks_in_process")


@pytest.fixture
def two_runs(coalition, orgs):
    for a, b in [(0, 1), (1, 2), (2, 3)]:
        TieFactory(coalition=coalition, source=orgs[a], target=orgs[b], strength=3)
    for day in (datetime.date(2026, 9, 1), None):
        run, _ = metric_run_request(coalition_id=coalition.pk, on=day, queue=False)
        metric_run_execute(run_id=run.pk)


def test_an_organizer_sees_the_trends_and_recomputes_after_an_edit(
    browser_page, sign_in, personas, coalition, orgs, two_runs
):
    page = browser_page
    sign_in(page, "organizer", PASSWORD)
    page.goto(f"{page.base}/coalitions/{coalition.pk}/dashboard/")
    assert page.locator("canvas#chart-mean_strength").is_visible()
    page.get_by_text("Trend figures as a table").click()
    assert page.locator("#trend-rows tr").count() == 2  # one row per run, filled by the module
    assert page.locator("#changed-mark").count() == 0

    TieFactory(coalition=coalition, source=orgs[3], target=orgs[4], strength=5)
    page.reload()
    assert page.locator("#changed-mark").is_visible()
    page.get_by_role("button", name="Compute now").click()
    page.wait_for_selector("#changed-mark", state="detached")
    assert MetricRun.objects.filter(coalition=coalition).count() == 3
    ties = page.locator('[data-figure="strong_ties"] .value').inner_text()
    assert ties == str(MetricRun.objects.latest("created_at").network["strong_ties"])
    assert page.js_errors == []


def test_a_member_reads_the_dashboard_without_the_button_and_a_funder_is_refused(
    browser_page, sign_in, personas, coalition, two_runs
):
    page = browser_page
    sign_in(page, "member", PASSWORD)
    page.goto(f"{page.base}/coalitions/{coalition.pk}/dashboard/")
    assert page.get_by_role("heading", name="Dashboard").is_visible()
    assert page.get_by_role("button", name="Compute now").count() == 0

    page.context.clear_cookies()
    sign_in(page, "funder", PASSWORD)
    response = page.goto(f"{page.base}/coalitions/{coalition.pk}/dashboard/")
    assert response.status == 403
