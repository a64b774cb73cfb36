"""Browser sessions end after a time without activity (WEFT_SESSION_IDLE_MINUTES): a laptop
left open does not keep activists' data on screen; activity keeps a session going; API tokens
are not concerned."""

from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from coalitions.stewardship.middleware import LAST_SEEN

pytestmark = pytest.mark.django_db


@pytest.fixture
def at():
    """The clock, frozen ``minutes`` after the test began (when its client signs in)."""
    start = timezone.now()

    def frozen(minutes: float):
        moment = start + timedelta(minutes=minutes)
        return mock.patch("django.utils.timezone.now", return_value=moment)

    frozen.start = start
    return frozen


@pytest.fixture
def idle_limit(settings):
    settings.WEFT_SESSION_IDLE_MINUTES = 30
    return 30


def coalition_page(coalition):
    return reverse("coalition-map", args=[coalition.pk])


def test_a_session_unused_past_the_limit_is_signed_out_and_told_why(
    client_for, coalition, idle_limit, at
):
    client = client_for("organizer")
    with at(0):
        assert client.get(coalition_page(coalition)).status_code == 200
    with at(idle_limit + 1):
        response = client.get(coalition_page(coalition), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert "signed out after 30 minutes without activity" in response.content.decode()
    # And it stays signed out: the next page asks to sign in again.
    with at(idle_limit + 2):
        assert client.get(coalition_page(coalition)).status_code == 302


def test_activity_keeps_a_session_going(client_for, coalition, idle_limit, at):
    client = client_for("organizer")
    for minute in (0, 25, 50, 75, 100):  # never more than 25 minutes apart: 100 minutes in all
        with at(minute):
            assert client.get(coalition_page(coalition)).status_code == 200


def test_the_api_answers_a_timed_out_browser_session_as_signed_out(
    client_for, coalition, idle_limit, at
):
    client = client_for("organizer")
    api = f"/api/v1/coalitions/{coalition.pk}/actors/"
    with at(0):
        assert client.get(api).status_code == 200
    with at(idle_limit + 1):
        assert client.get(api).status_code in (401, 403)


def test_api_tokens_are_not_sessions(client, personas, coalition, idle_limit, at):
    token = Token.objects.create(user=personas["organizer"])
    api = f"/api/v1/coalitions/{coalition.pk}/actors/"
    for minute in (0, idle_limit * 10):
        with at(minute):
            response = client.get(api, HTTP_AUTHORIZATION=f"Token {token.key}")
        assert response.status_code == 200


def test_the_last_use_is_written_at_most_once_a_minute(client_for, coalition, idle_limit, at):
    """Parallel requests of one page (the map's fetches) do not all save the session."""
    client = client_for("organizer")

    def stored_last_seen():
        session = Session.objects.get(session_key=client.session.session_key)
        return session.get_decoded().get(LAST_SEEN)

    first = stored_last_seen()  # noted at sign-in
    assert abs(first - at.start.timestamp()) < 5
    with at(0.5):
        client.get(coalition_page(coalition))
    assert stored_last_seen() == first
    with at(2):
        client.get(coalition_page(coalition))
    assert stored_last_seen() == int((at.start + timedelta(minutes=2)).timestamp())


def test_no_limit_when_set_to_zero(client_for, coalition, settings, at):
    settings.WEFT_SESSION_IDLE_MINUTES = 0
    client = client_for("organizer")
    with at(0):
        assert client.get(coalition_page(coalition)).status_code == 200
    with at(60 * 24 * 7):
        assert client.get(coalition_page(coalition)).status_code == 200
