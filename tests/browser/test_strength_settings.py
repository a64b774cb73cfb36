"""The relationship strength settings page as a steward uses it: preview, then save."""

import os

from coalitions.models import Coalition
from tests.conftest import PASSWORD
from tests.networks.metrics.test_strength_settings import network  # noqa: F401 (a fixture)


def test_a_steward_previews_and_saves_the_strength_settings(
    browser_page,
    sign_in,
    coalition,
    personas,
    network,  # noqa: F811
):
    page = browser_page
    sign_in(page, "steward", PASSWORD)
    page.goto(f"{page.base}/coalitions/{coalition.pk}/settings/strength/")
    page.get_by_label("One-to-one relational meeting").fill("0.3")
    page.get_by_label("Communication").fill("0.5")
    page.get_by_role("button", name="Preview").click()
    page.locator("#strength-preview").wait_for()
    assert "2 of 3 relationships would change band" in page.inner_text("#strength-preview")
    if os.environ.get("WEFT_SCREENSHOTS"):
        page.screenshot(path=os.environ["WEFT_SCREENSHOTS"] + "/strength.png", full_page=True)
    assert Coalition.objects.get(pk=coalition.pk).strength_settings == {}
    page.get_by_role("button", name="Save the settings").click()
    page.get_by_text("Strength settings saved").wait_for()
    saved = Coalition.objects.get(pk=coalition.pk).strength_settings
    assert saved["weights"]["one_to_one"] == 0.3
    assert page.js_errors == []
