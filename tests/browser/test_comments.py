"""Comments on the map in a real browser (#22): the side panel shows an actor's comment count
and latest threads, and links to its comments page, where a reply is written."""

from coalitions.roles import access_for
from networks.comments.services import comment_add
from tests.browser.test_map import find, network, open_map  # noqa: F401 - the fixture


def test_the_panel_shows_comments_and_leads_to_the_thread(
    browser_page,
    sign_in,
    network,  # noqa: F811 - the fixture imported above
    personas,
):
    coalition = network["coalition"]
    comment_add(
        access=access_for(personas["steward"], coalition.pk),
        item=network["mayor"],
        body="Ask **@organizer** to call the clerk first",
    )
    page = browser_page
    open_map(page, sign_in, network, "organizer")
    find(page, "Mayor Reyes")
    page.wait_for_selector("#panel-comments h3:text-is('Comments (1)')")
    assert "call the clerk first" in page.inner_text("#panel-comments")
    assert page.locator("#panel-comments strong").count() == 1  # Markdown, rendered
    page.click("#panel-comments-link")
    page.wait_for_selector("#comment-form")
    page.fill("#comment-body", "Done: he said yes")
    page.click("#comment-form button[type=submit]")
    page.wait_for_selector("#comment-threads :text('Done: he said yes')")
    assert page.js_errors == []
