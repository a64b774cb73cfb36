"""Project-level pages: the throttled sign-in page, the health check and the error pages."""

import logging
import sys

from allauth.account.views import LoginView
from django.conf import settings
from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from weft.outages import DATABASE_ERRORS, is_outage, unavailable_response
from weft.throttles import attempt

logger = logging.getLogger(__name__)

# A worker that has not run the drain task (every few seconds) for this long is taken for gone.
WORKER_STALE_SECONDS = 60
# An outbox message older than this, still unsent, means the broker or the workers are away.
OUTBOX_STALE_SECONDS = 60


class ThrottledLoginView(LoginView):
    """django-allauth's sign-in (username or email, then the second factor when the account
    has one) with a cap on attempts per client address, so passwords cannot be guessed at
    speed. Counted in the database (weft/throttles.py), so it works while Redis is away; the
    address is stored hashed, and no username is logged."""

    def post(self, request, *args, **kwargs):
        allowed, _ = attempt("login-page", request.META.get("REMOTE_ADDR", ""))
        if not allowed:
            form = self.get_form()
            form.is_valid()  # bound and cleaned, so the page shows what was typed
            form.add_error(None, "Too many sign-in attempts. Wait a minute and try again.")
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().post(request, *args, **kwargs)


# ---------------------------------------------------------------------------------------------
# Health: each dependency on its own


def _check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"status": "ok"}
    except DATABASE_ERRORS as error:
        return {"status": "down", "error": type(error).__name__}


def _check_redis() -> dict:
    if not settings.REDIS_URL:
        return {"status": "embedded"}  # no Redis: tasks run in-process
    import redis

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        client.ping()
        return {"status": "ok"}
    except (redis.RedisError, OSError) as error:
        return {"status": "down", "error": type(error).__name__}


def _check_workers() -> dict:
    if not settings.REDIS_URL:
        return {"status": "embedded"}
    from weft.models import Heartbeat

    seen = Heartbeat.objects.filter(name="worker").values_list("seen_at", flat=True).first()
    if seen is None:
        return {"status": "down", "last_seen_seconds": None}
    age = round((timezone.now() - seen).total_seconds(), 1)
    return {"status": "ok" if age <= WORKER_STALE_SECONDS else "down", "last_seen_seconds": age}


def _check_outbox() -> dict:
    from weft.queue import backlog

    count, oldest = backlog()
    stale = oldest is not None and oldest > OUTBOX_STALE_SECONDS
    return {
        "status": "backlog" if stale else "ok",
        "unsent": count,
        "oldest_seconds": None if oldest is None else round(oldest, 1),
    }


def healthz(request):
    """Each dependency on its own: ``database``, ``redis``, ``workers`` and the ``outbox``'s
    backlog. ``status`` is ok when all are, degraded when the site answers but some
    background work waits (Redis or the workers away), down (503) without the database."""
    checks = {"database": _check_database()}
    if checks["database"]["status"] != "ok":
        checks["redis"] = _check_redis()
        return JsonResponse({"status": "down", "checks": checks}, status=503)
    checks["redis"] = _check_redis()
    try:
        checks["workers"] = _check_workers()
        checks["outbox"] = _check_outbox()
    except DATABASE_ERRORS as error:
        checks["database"] = {"status": "down", "error": type(error).__name__}
        return JsonResponse({"status": "down", "checks": checks}, status=503)
    healthy = all(check["status"] in ("ok", "embedded") for check in checks.values())
    return JsonResponse({"status": "ok" if healthy else "degraded", "checks": checks})


# ---------------------------------------------------------------------------------------------
# Errors


def _error_page(request, status: int, title: str, why: str):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": why}, status=status)
    return render(
        request, "error.html", {"status": status, "title": title, "why": why}, status=status
    )


def page_not_found(request, exception=None):
    return _error_page(
        request,
        404,
        "Page not found",
        "There is nothing at this address, or it belongs to a coalition you are not part of.",
    )


def permission_denied(request, exception=None):
    return _error_page(
        request,
        403,
        "Not open to your role",
        "Your role in this coalition does not open this page. A steward of the coalition "
        "can change your role.",
    )


def server_error(request, *args, **kwargs):
    """The 500 handler: an error that is the database being away (raised outside a view, in a
    middleware or while rendering) is a 503 to retry, not a 500; any other says so plainly,
    rendered without the request's context (the database may be what failed)."""
    error = sys.exc_info()[1]
    if error is not None and is_outage(error):
        return unavailable_response(request)
    why = (
        "Weft could not answer this request. Nothing you sent was half saved: try again, and "
        "if it happens again, tell the coalition's steward what you were doing."
    )
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": why}, status=500)
    page = render_to_string(
        "error.html", {"status": 500, "title": "Something went wrong", "why": why}
    )
    return HttpResponseServerError(page)
