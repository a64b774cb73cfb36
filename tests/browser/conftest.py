"""Browser tests: Playwright (from PyPI) driving Debian's Chromium, headless, against
pytest-django's live server. Never a downloaded browser: /usr/bin/chromium or skip.

Playwright's sync API runs an event loop in the test thread, and Django refuses ORM calls
from a thread with a running loop unless told that this is deliberate (the tests only use the
ORM to set up data and to check what the pages wrote, never concurrently with the server).
"""

import contextlib
import copy
import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("WEFT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
DIST = Path(__file__).resolve().parents[2] / "static" / "dist"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium():
    # CI sets WEFT_REQUIRE_BROWSER so that a missing browser fails the run instead of skipping.
    give_up = pytest.fail if os.environ.get("WEFT_REQUIRE_BROWSER") else pytest.skip
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        give_up(f"{CHROMIUM} is not installed (apt-get install chromium)")
    if not DIST.exists():
        give_up("static/dist is missing: run `make static` (make test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def csp_for_playwright(request, settings):
    """Every browser test runs under the Content Security Policy with one addition,
    'unsafe-eval': Playwright's wait_for_function evaluates strings in the page, and its
    bypass_csp does not reach that. An inline script or handler still fails any test (a
    violation is a console error); tests marked ``real_csp`` run under the policy exactly as
    served (tests/browser/test_csp.py). The live server reads the policy on each request."""
    if request.node.get_closest_marker("real_csp") is None:
        policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
        policy["DIRECTIVES"]["script-src"] = [*policy["DIRECTIVES"]["script-src"], "'unsafe-eval'"]
        settings.CONTENT_SECURITY_POLICY = policy


@contextlib.contextmanager
def watched_page(chromium, base: str, **options):
    """A new browser context (its own cookies) with one page; ``page.base`` is the server URL.
    Console errors and failed requests are collected in ``page.js_errors``: a page that throws
    is broken."""
    context = chromium.new_context(**({"viewport": {"width": 1280, "height": 860}} | options))
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    page.on(
        "console",
        lambda message: (
            errors.append(f"console: {message.text}")
            if message.type == "error" and "favicon" not in message.text
            else None
        ),
    )
    page.base = base
    page.js_errors = errors
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def browser_page(chromium, live_server, transactional_db, request):
    """A fresh browser context (no cookies) with one page (``watched_page``)."""
    with watched_page(chromium, live_server.url) as page:
        yield page


@pytest.fixture
def second_page(chromium, live_server, browser_page):
    """A second browser (its own cookies) on the same server: another person."""
    with watched_page(chromium, live_server.url) as page:
        yield page


@pytest.fixture
def sign_in():
    """Sign a browser page in through the real login form."""

    def do(page, username: str, password: str):
        page.goto(f"{page.base}/login/")
        page.fill("input[name=login]", username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")

    return do
