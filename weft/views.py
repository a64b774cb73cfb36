"""Project-level pages: the throttled sign-in page, the health check and the error pages."""

from allauth.account.views import LoginView
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string

LOGIN_WINDOW_SECONDS = 60


def login_attempts_allowed() -> int:
    """From the same setting as the API token endpoint ("10/min")."""
    rate = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["login"]
    return int(rate.split("/", 1)[0])


class ThrottledLoginView(LoginView):
    """django-allauth's sign-in (username or email, then the second factor when the account
    has one) with a cap on attempts per client address, so passwords cannot be guessed at
    speed. The address is hashed into the cache key by Django; no username is logged."""

    def post(self, request, *args, **kwargs):
        key = f"login-attempts:{request.META.get('REMOTE_ADDR', '')}"
        cache.add(key, 0, LOGIN_WINDOW_SECONDS)
        attempts = cache.incr(key)
        if attempts > login_attempts_allowed():
            form = self.get_form()
            form.is_valid()  # bound and cleaned, so the page shows what was typed
            form.add_error(None, "Too many sign-in attempts. Wait a minute and try again.")
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().post(request, *args, **kwargs)


def healthz(request):
    return JsonResponse({"status": "ok"})


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


def server_error(request):
    why = (
        "Weft could not answer this request. Nothing you sent was half saved: try again, and "
        "if it happens again, tell the coalition's steward what you were doing."
    )
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": why}, status=500)
    # Rendered without the request's context: the database may be what failed.
    page = render_to_string(
        "error.html", {"status": 500, "title": "Something went wrong", "why": why}
    )
    return HttpResponseServerError(page)
