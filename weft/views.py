"""Project-level pages: the throttled sign-in page, the health check and the error pages."""

import logging
import sys

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.defaults import server_error as django_server_error

from weft.outages import DATABASE_ERRORS, is_outage, unavailable_response
from weft.throttles import attempt

logger = logging.getLogger(__name__)

# A worker that has not run the drain task (every few seconds) for this long is taken for gone.
WORKER_STALE_SECONDS = 60
# An outbox message older than this, still unsent, means the broker or the workers are away.
OUTBOX_STALE_SECONDS = 60


class ThrottledLoginView(auth_views.LoginView):
    """Sign-in with a cap on attempts per client address, so passwords cannot be guessed at
    speed. Counted in the database (weft/throttles.py), so it works while Redis is away; the
    address is stored hashed, and no username is logged."""

    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        allowed, _ = attempt("login-page", request.META.get("REMOTE_ADDR", ""))
        if not allowed:
            form = self.get_form()
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


def server_error(request, *args, **kwargs):
    """The 500 handler: an error that is the database being away (raised outside a view, in a
    middleware or while rendering) is a 503 to retry, not a 500."""
    error = sys.exc_info()[1]
    if error is not None and is_outage(error):
        return unavailable_response(request)
    return django_server_error(request, *args, **kwargs)
