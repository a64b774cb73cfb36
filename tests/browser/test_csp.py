"""The pages under the real Content Security Policy (#20): the map draws, its legend shows and
nothing is refused (a violation is a console error, which fails the test)."""

from tests.browser.test_map import map_names, network, open_map  # noqa: F401 - fixture


def test_the_map_works_under_the_content_security_policy(browser_page, sign_in, network):  # noqa: F811
    open_map(browser_page, sign_in, network, "organizer")
    assert "Tenants Union" in map_names(browser_page)
    assert "Active ally" in browser_page.inner_text("#map-legend")
    assert browser_page.js_errors == []
