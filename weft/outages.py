"""The database away (restarting, failing over, out of connections): every request that needs
it is answered 503 with ``Retry-After``, never 500. The API gets JSON, a browser a page that
retries by itself. The page is rendered without the database (no user, no context
processors)."""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader

logger = logging.getLogger(__name__)

# psycopg2's connection errors reach Django as these (SQLite's "database is locked" too).
DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5


def is_outage(error: BaseException) -> bool:
    """A database error that waiting fixes: on PostgreSQL every OperationalError (connection
    lost or refused, server shutting down, too many connections; a mistake in a query is a
    ProgrammingError), and an InterfaceError (a closed connection); on SQLite only a lock
    that outlived its timeout (a missing table there is an OperationalError too: a bug)."""
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    if cause is not None and type(cause).__module__.startswith("sqlite3"):
        return "locked" in str(cause)
    return True


def wants_json(request) -> bool:
    accept = request.META.get("HTTP_ACCEPT", "")
    return request.path.startswith("/api/") or (
        "application/json" in accept and "text/html" not in accept
    )


def unavailable_response(request) -> HttpResponse:
    logger.warning("database unavailable: answered 503 path_kind=%s", _path_kind(request))
    if wants_json(request):
        response = JsonResponse(
            {
                "detail": "The database is unavailable for a moment: try again shortly.",
                "code": "unavailable",
                "retry_after": RETRY_AFTER_SECONDS,
            },
            status=503,
        )
    else:
        html = loader.get_template("503.html").render({"retry_after": RETRY_AFTER_SECONDS})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _path_kind(request) -> str:
    # Logs name the kind of page, never a path (paths can carry names of coalitions' items).
    return "api" if request.path.startswith("/api/") else "page"


class DatabaseUnavailableMiddleware:
    """Turns a database connection error raised by a view into a 503 (weft/views.py's 500
    handler does it for errors raised outside views)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_outage(exception):
            return unavailable_response(request)
        return None
