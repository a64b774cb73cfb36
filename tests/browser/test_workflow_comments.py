"""Comments on a statement's paragraph in a real browser (#22): a weaver opens the thread of
paragraph 2 in place and mentions a member; the member sees the bell's count, opens the
notification and lands on the statement with that thread open. WEFT_SCREENSHOTS=1 also writes
docs/statement-thread.png."""

import os
from pathlib import Path

from coalitions.notifications.models import Notification
from networks.comments.models import Comment
from tests.coalitions.factories import StatementVersionFactory, UnityStatementFactory
from tests.conftest import PASSWORD

DOCS = Path(__file__).resolve().parents[2] / "docs"
SCREENSHOTS = os.environ.get("WEFT_SCREENSHOTS") == "1"


def test_a_weaver_mentions_a_member_on_a_paragraph_and_the_member_reads_the_thread(
    browser_page, second_page, sign_in, coalition, personas
):
    statement = UnityStatementFactory(coalition=coalition, title="Homes for all")
    StatementVersionFactory(
        statement=statement,
        number=1,
        body="We stand together for homes people can afford.\n\n"
        "Rents must fall where families are pushed out.\n\nWe act together, in the open.",
    )
    page = browser_page
    sign_in(page, "weaver", PASSWORD)
    page.goto(f"{page.base}/coalitions/{coalition.pk}/statements/{statement.pk}/")
    thread = page.locator("#thread-2")
    assert thread.locator("[data-thread-count]").text_content() == "0"
    thread.locator("summary").click()  # opens in place: no navigation
    thread.get_by_label("Discuss paragraph 2").fill(
        "Should we name **renters** here? @member, what does your board say?"
    )
    thread.get_by_role("button", name="Post to the discussion").click()
    page.get_by_text("Comment added.").wait_for()
    comment = Comment.objects.get()
    assert (comment.statement_id, comment.paragraph) == (statement.pk, 2)
    assert page.locator("#thread-2").get_attribute("open") is not None
    assert page.locator("#thread-2 [data-thread-count]").text_content() == "1"
    assert page.js_errors == []

    # The member, in their own browser context.
    member = second_page
    sign_in(member, "member", PASSWORD)
    member.goto(f"{member.base}/coalitions/{coalition.pk}/")
    unread = Notification.objects.filter(user=personas["member"], read_at__isnull=True)
    assert unread.filter(kind="mention").count() == 1  # besides the role given to them
    assert member.locator("#notification-count").text_content().strip() == str(unread.count())
    member.locator("#notification-bell").click()
    member.get_by_role("link", name="weaver mentioned you in a comment on paragraph 2").click()
    member.wait_for_selector(f"#comment-{comment.pk}")
    opened = member.locator("#thread-2")
    assert opened.get_attribute("open") is not None
    assert member.locator("#thread-1").get_attribute("open") is None
    assert opened.locator(".comment-body strong").text_content() == "renters"
    assert "what does your board say?" in opened.text_content()
    # The member answers in the thread.
    opened.locator(".thread details summary").first.click()
    opened.get_by_label("Reply").fill("Yes: name renters first.")
    opened.get_by_role("button", name="Reply").click()
    member.get_by_text("Comment added.").wait_for()
    assert member.locator("#thread-2 [data-thread-count]").text_content() == "2"
    assert "name renters first" in member.locator("#thread-2").text_content()
    if SCREENSHOTS:
        member.screenshot(path=str(DOCS / "statement-thread.png"), full_page=True)
    assert member.js_errors == []
