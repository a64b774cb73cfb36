"""Project-level pages: the throttled sign-in page and the health check."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.http import JsonResponse

LOGIN_WINDOW_SECONDS = 60


def login_attempts_allowed() -> int:
    """From the same setting as the API token endpoint ("10/min")."""
    rate = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["login"]
    return int(rate.split("/", 1)[0])


class ThrottledLoginView(auth_views.LoginView):
    """Sign-in with a cap on attempts per client address, so passwords cannot be guessed at
    speed. The address is hashed into the cache key by Django; no username is logged."""

    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        key = f"login-attempts:{request.META.get('REMOTE_ADDR', '')}"
        cache.add(key, 0, LOGIN_WINDOW_SECONDS)
        attempts = cache.incr(key)
        if attempts > login_attempts_allowed():
            form = self.get_form()
            form.add_error(None, "Too many sign-in attempts. Wait a minute and try again.")
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().post(request, *args, **kwargs)


def healthz(request):
    return JsonResponse({"status": "ok"})
