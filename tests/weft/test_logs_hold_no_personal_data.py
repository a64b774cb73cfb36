"""What Weft writes to its log during a crawl of the demo holds no activist's personal data
and no token (#20, item 5). The crawl opens every page and API list of the demo coalition as
each of its five users, then opens share and invitation links, good and bad, signed out. The
log read is the one the configured console handler writes, with its filters."""

import io
import logging
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

from allies.models import ContactDetail
from coalitions.align.models import Signature
from coalitions.models import Coalition, RoleName
from coalitions.reports.models import Report
from coalitions.reports.services import share_link_create
from coalitions.roles import access_for
from coalitions.stewardship.services import invitation_create
from demo.builder import DEMO_KEY

pytestmark = pytest.mark.django_db

DEMO_USERS = ("steward", "organizer", "weaver", "member", "funder")
PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")
REGEX_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")  # DRF's routers write regex routes


def routes(patterns=None, prefix="") -> list[str]:
    """Every route of the project, as a pattern string ("coalitions/<int:coalition_id>/map/")."""
    found = []
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            found += routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            found.append(prefix + str(entry.pattern))
    return found


def coalition_routes(coalition_id: int) -> list[str]:
    """The routes whose only parameter is the coalition: its pages and API lists."""
    paths = []
    for route in routes():
        route = REGEX_GROUP.sub(r"<\1>", route).replace("^", "").replace("$", "")
        if route.startswith("admin") or any(char in route for char in "()\\?*+[]"):
            continue
        if PARAMETER.findall(route) == ["coalition_id"]:
            paths.append("/" + PARAMETER.sub(str(coalition_id), route))
    return sorted(set(paths))


@pytest.fixture
def console_log():
    """What the configured console handler writes, with its own filters, while the test runs."""
    handler = next(
        h
        for h in logging.getLogger().handlers
        if isinstance(h, logging.StreamHandler) and h.filters
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


@pytest.fixture
def demo(settings):
    settings.DEBUG = True  # loaddemo's own guard: demo users never reach a production database
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("loaddemo", stdout=io.StringIO())
    return Coalition.objects.get(demo_key=DEMO_KEY)


def test_a_crawl_of_the_demo_logs_no_contact_value_signer_email_or_token(demo, client, console_log):
    users = get_user_model().objects.filter(username__in=DEMO_USERS)
    steward = users.get(username="steward")
    tokens = []
    report = Report.objects.filter(coalition=demo).exclude(published_at=None).first()
    if report is not None:
        _, token = share_link_create(report=report, created_by=steward)
        tokens.append(token)
    _, invitation = invitation_create(
        access=access_for(steward, demo.pk), email="newcomer@example.org", role=RoleName.WEAVER
    )
    tokens.append(invitation)

    paths = coalition_routes(demo.pk)
    assert len(paths) > 60  # pages and API lists, not a handful
    answered = 0
    for user in users:
        client.force_login(user)
        for path in paths:
            answered += client.get(path).status_code < 500
        client.logout()
    # Links signed out: good ones, and bad ones (Django names the path of what it refuses).
    for token in tokens:
        for path in (f"/shared/reports/{token}/", f"/invitations/{token}/"):
            client.get(path)
            client.get(path + "x/")
    client.get("/sign/confirm/not-a-real-token-at-all/")

    log = console_log.getvalue()
    assert answered == len(paths) * len(DEMO_USERS)
    assert log, "the crawl wrote nothing to the log: the handler read is not the one in use"
    personal = set(ContactDetail.objects.values_list("value", flat=True))
    personal |= set(
        Signature.objects.exclude(signer_email="").values_list("signer_email", flat=True)
    )
    personal |= {email for email in users.values_list("email", flat=True) if email}
    personal = {value for value in personal if len(value) >= 6}
    assert personal, "the demo holds contact values to look for"
    leaked = sorted(value for value in personal | set(tokens) if value in log)
    assert leaked == [], leaked
