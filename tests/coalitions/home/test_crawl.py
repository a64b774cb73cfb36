"""A crawl of the demo coalition as each role: every page under the coalition carries the one
navigation, and no link on any page leads to a 404 or a 5xx (#16)."""

import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.contrib.auth import get_user_model

from tests.demo.test_loaddemo import demo, dev_settings  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

HREF = re.compile(r'href="([^"]+)"')
# Links that are not pages to read: files to download and the API's JSON, checked for their
# status only; sign-out is a form, never a link.
NOT_PAGES = (".csv", ".pdf", "/export", "/api/", ".png", ".svg", ".json", ".xlsx", ".gexf")
MAX_PAGES = 400  # per role: the demo has far fewer; a runaway crawl fails instead of looping


def links_of(html: str) -> list[str]:
    found = []
    for href in HREF.findall(html):
        href = urldefrag(href.replace("&amp;", "&"))[0]
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not href.startswith("/") or href.startswith("/static/"):
            continue
        found.append(href)
    return found


@pytest.mark.parametrize("role", ["steward", "organizer", "weaver", "member", "funder"])
def test_every_page_has_the_navigation_and_no_link_is_broken(client, demo, role):  # noqa: F811
    client.force_login(get_user_model().objects.get(username=role))
    home = f"/coalitions/{demo.pk}/"
    queue, seen, broken, without_nav = deque([home, "/"]), {home, "/"}, [], []
    while queue:
        assert len(seen) < MAX_PAGES, "the crawl does not end"
        url = queue.popleft()
        response = client.get(url)
        if response.status_code == 404 or response.status_code >= 500:
            broken.append((url, response.status_code))
            continue
        is_page = response.get("Content-Type", "").startswith("text/html") and not url.endswith(
            NOT_PAGES
        )
        if response.status_code != 200 or not is_page:
            continue
        html = response.content.decode()
        if url.startswith(home) and 'id="coalition-nav"' not in html:
            without_nav.append(url)
        for link in links_of(html):
            if link not in seen and not link.startswith("/logout"):
                seen.add(link)
                queue.append(link)
    assert broken == []
    assert without_nav == []
    assert len(seen) > 5  # it did crawl
