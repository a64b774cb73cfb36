"""One count for one thing, and the activity stream, in Chromium (issue #17, items 12 and 13):
an organisation signs on the public page and confirms by the emailed link; the public page,
the statement page and the dashboard then show the same number of signatories, with the words
that say what counts; the weaver finds the signature in the activity stream, filtered to
signatures, with its moment and without the signer's name."""

import re

import pytest
from django.core import mail

from coalitions.align.services.statements import statement_create
from tests.conftest import PASSWORD
from weft.vocabulary import SIGNATORY_DEFINITION


@pytest.fixture
def statement(coalition, personas):
    return statement_create(
        coalition=coalition,
        title="Homes for all",
        body="We stand together.",
        status="published",
        created_by=personas["weaver"],
    )


def test_a_confirmed_signature_counts_alike_everywhere_and_shows_in_the_activity_stream(
    browser_page, sign_in, coalition, personas, statement
):
    page = browser_page
    page.goto(f"{page.base}/sign/{statement.pk}/")
    assert page.locator("#signatories-heading [data-signatories]").inner_text() == "0"
    page.get_by_role("textbox", name="Organisation", exact=True).fill("Faith Alliance")
    page.get_by_role("textbox", name="Your name", exact=True).fill("Rev. Amos Private")
    page.get_by_role("textbox", name="Your email", exact=True).fill("amos.private@example.org")
    page.get_by_label("I am authorised to sign for this organisation").check()
    page.get_by_role("button", name="Sign", exact=True).click()
    page.wait_for_load_state("networkidle")
    # Asked, not confirmed: not a signatory yet.
    page.goto(f"{page.base}/sign/{statement.pk}/")
    assert page.locator("#signatories-heading [data-signatories]").inner_text() == "0"

    link = re.search(r"(/sign/confirm/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(f"{page.base}{link}")
    page.get_by_role("button", name="Confirm the signature").click()
    page.wait_for_load_state("networkidle")
    page.goto(f"{page.base}/sign/{statement.pk}/")
    assert page.locator("#signatories-heading [data-signatories]").inner_text() == "1"
    assert page.locator("ul.signatories li").all_inner_texts() == ["Faith Alliance"]
    assert SIGNATORY_DEFINITION in page.locator('[data-count-rule="signatories"]').inner_text()

    sign_in(page, "weaver", PASSWORD)
    page.goto(f"{page.base}/coalitions/{coalition.pk}/statements/{statement.pk}/")
    assert page.locator("[data-signatories]").inner_text() == "1 signatory"
    page.goto(f"{page.base}/coalitions/{coalition.pk}/dashboard/")
    assert page.locator(f'[data-statement="{statement.pk}"]').inner_text() == "1"

    page.goto(f"{page.base}/coalitions/{coalition.pk}/activity/")
    page.get_by_label("Signature", exact=True).check()
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state("networkidle")
    rows = page.locator("tbody tr[data-kind]")
    assert rows.count() == 2
    assert rows.first.locator("td").nth(3).inner_text() == "signed"
    assert "Faith Alliance" in rows.first.inner_text()
    assert "asked to sign" in rows.nth(1).inner_text()
    assert "Amos Private" not in page.content() and "amos.private" not in page.content()
    page.reload()  # the filter is in the address: kept on reload
    assert page.get_by_label("Signature", exact=True).is_checked()
    assert page.locator("tbody tr[data-kind]").count() == 2
    assert page.js_errors == []
