"""Every page of the demo, for every role, on a phone (390 × 844): nothing wider than the
screen, so nothing needs sideways scrolling (wide tables scroll inside themselves) (#16)."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.coalitions.home.test_crawl import NOT_PAGES, links_of
from tests.demo.test_loaddemo import DEFAULT_PASSWORD, loaddemo

PHONE = {"width": 390, "height": 844}


def pages_for(username: str, coalition_id: int) -> list[str]:
    """The HTML pages a role reaches by following links from its coalition's home."""
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    home = f"/coalitions/{coalition_id}/"
    queue, seen, pages = [home, "/"], {home, "/"}, []
    while queue:
        url = queue.pop(0)
        response = client.get(url)
        if response.status_code != 200 or url.endswith(NOT_PAGES):
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        pages.append(url)
        for link in links_of(response.content.decode()):
            if link not in seen and not link.startswith(("/logout", "/admin")):
                seen.add(link)
                queue.append(link)
    return pages


@pytest.mark.parametrize("role", ["steward", "organizer", "weaver", "member", "funder"])
def test_no_page_of_the_demo_scrolls_sideways_on_a_phone(
    chromium, live_server, transactional_db, settings, role
):
    settings.DEBUG = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    loaddemo()
    from coalitions.models import Coalition

    coalition = Coalition.objects.get(demo_key__gt="")
    pages = pages_for(role, coalition.pk)
    assert len(pages) > 3
    context = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=login]", role)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    too_wide = {}
    for url in pages:
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("load")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[url] = width
    context.close()
    assert too_wide == {}
