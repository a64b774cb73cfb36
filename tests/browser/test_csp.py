"""The pages under the real Content Security Policy (#20): the map draws, its legend shows and
nothing is refused (a violation is a console error, which fails the test)."""

import pytest

from tests.browser.test_map import map_names, network  # noqa: F401 - fixture
from tests.conftest import PASSWORD


@pytest.mark.real_csp
def test_the_map_works_under_the_content_security_policy(browser_page, sign_in, network):  # noqa: F811
    page = browser_page
    sign_in(page, "organizer", PASSWORD)
    page.goto(f"{page.base}/coalitions/{network['coalition'].pk}/map/")
    # No wait_for_function here: the policy as served refuses Playwright's string evaluation.
    page.wait_for_selector("#map-app[data-loaded]", state="attached")
    assert "Tenants Union" in map_names(browser_page)
    assert "Active ally" in browser_page.inner_text("#map-legend")
    assert browser_page.js_errors == []
