"""What keeps Weft answering when a dependency is away, in the parts a test can reach on its
own: sign-in throttled in the database (no Redis needed), the 503 answers to a database
outage, and the API docs closed in production. The whole of it, with real services stopped
and killed, is bench/faults (tests/faults/)."""

import json

import psycopg2
import pytest
from django.db import InterfaceError, OperationalError
from django.test import RequestFactory

from tests.conftest import PASSWORD
from tests.weft.test_settings import run
from weft.outages import DatabaseUnavailableMiddleware, is_outage


@pytest.mark.django_db
def test_token_sign_in_is_throttled_in_the_database(client, personas, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"writes": "600/min", "login": "3/min"},
    }
    body = {"username": "organizer", "password": PASSWORD}
    statuses = [
        client.post("/api/v1/auth/token/", body, content_type="application/json").status_code
        for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    from weft.models import AttemptCounter

    assert AttemptCounter.objects.get().count == 4  # counted in the database, address hashed
    assert "127.0.0.1" not in AttemptCounter.objects.get().key


@pytest.mark.django_db
def test_the_sign_in_page_is_throttled_in_the_database(client, personas, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"writes": "600/min", "login": "2/min"},
    }
    wrong = {"username": "organizer", "password": "wrong"}
    statuses = [client.post("/login/", wrong).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def connection_refused() -> OperationalError:
    """The error Django raises when PostgreSQL is away, built from psycopg2's own."""
    try:
        psycopg2.connect(host="127.0.0.1", port=1, connect_timeout=1)
    except psycopg2.OperationalError as cause:
        error = OperationalError(*cause.args)
        error.__cause__ = cause
        return error
    raise AssertionError("something listens on port 1")


def test_a_database_outage_is_a_503_with_retry_after_and_json_on_the_api():
    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    request = RequestFactory().get("/api/v1/coalitions/1/actors/")
    response = middleware.process_exception(request, connection_refused())
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert json.loads(response.content)["code"] == "unavailable"


def test_a_database_outage_is_a_styled_503_page_in_a_browser():
    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    request = RequestFactory().get("/coalitions/1/", HTTP_ACCEPT="text/html")
    response = middleware.process_exception(request, InterfaceError("connection already closed"))
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert b"Back in a moment" in response.content and b"weft.css" in response.content


def test_a_missing_sqlite_table_is_a_bug_not_an_outage():
    import sqlite3

    error = OperationalError("no such table: x")
    error.__cause__ = sqlite3.OperationalError("no such table: x")
    assert not is_outage(error)
    assert is_outage(connection_refused())


PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({"docs": settings.SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"],
                  "health_checks": settings.DATABASES["default"].get("CONN_HEALTH_CHECKS")}))
"""


def test_api_docs_are_closed_in_production_unless_opened():
    production = {"WEFT_ENV": "production", "SECRET_KEY": "k" * 50, "ALLOWED_HOSTS": "weft.example"}
    pg = {"DATABASE_URL": "postgres://u@127.0.0.1:5432/weft"}
    closed = json.loads(run(PROBE, **production, **pg).stdout)
    opened = json.loads(run(PROBE, **production, **pg, API_DOCS_PUBLIC="true").stdout)
    development = json.loads(run(PROBE).stdout)
    assert closed["docs"] == ["rest_framework.permissions.IsAuthenticated"]
    assert opened["docs"] == development["docs"] == ["rest_framework.permissions.AllowAny"]
    assert closed["health_checks"] is True
