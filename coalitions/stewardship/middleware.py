"""Two-factor sign-in, when a coalition requires it of the roles that see personal data; browser
sessions that end after a time without activity."""

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.shortcuts import redirect
from django.utils import timezone

from coalitions.models import Role, RoleName

# Roles that hold activists' personal data (contacts, sensitive actors): the rule's scope.
GUARDED_ROLES = (RoleName.STEWARD, RoleName.ORGANIZER)
# Where a user must still be able to go: setting up the second factor, signing out, assets.
# The API is left to its own authentication: its pages (the map) are closed until then, and a
# script signs in with a token, not a session.
OPEN_PREFIXES = (
    "/accounts/",
    "/login/",
    "/logout/",
    "/static/",
    "/invitations/",
    "/healthz",
    "/api/",
)


def current_memberships(user) -> list[Role]:
    """The user's current roles with their coalitions, by coalition name: read once per
    request, for the two-factor rule and the navigation's coalition switcher."""
    return list(
        Role.objects.current()
        .filter(user=user)
        .select_related("coalition")
        .order_by("coalition__name", "coalition_id")
    )


def two_factor_required(user, memberships: list[Role]) -> bool:
    """Whether the user holds a guarded role in a coalition that requires two-factor sign-in
    and has not set up an authenticator app yet."""
    guarded = any(m.role in GUARDED_ROLES and m.coalition.require_two_factor for m in memberships)
    if not guarded:
        return False
    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class TwoFactorRequiredMiddleware:
    """Leads a user whose coalition requires a second factor through setting it up, at their
    next request after signing in, before any page of any coalition opens."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith(OPEN_PREFIXES):
            return self.get_response(request)
        request.weft_memberships = current_memberships(user)
        if two_factor_required(user, request.weft_memberships):
            why = (
                "A coalition you steward or organise requires two-factor sign-in. Set up an "
                "authenticator app to go on."
            )
            messages.warning(request, why)
            return redirect("mfa_activate_totp")
        return self.get_response(request)


# The session key holding when the session was last used (seconds since the epoch).
LAST_SEEN = "weft_last_seen"
# A used session's "last seen" is written at most this often: the map fetches several things
# at once, and a session saved by every request made those parallel requests trip over each
# other (SessionInterrupted); a minute's precision is enough for an idle limit in minutes.
LAST_SEEN_REFRESH_SECONDS = 60


def note_sign_in(sender, request, user, **kwargs):
    """A session starts "last seen" at sign-in (saved with the sign-in itself), so the requests
    of its first minute write nothing."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = int(timezone.now().timestamp())


user_logged_in.connect(note_sign_in, dispatch_uid="weft-idle-session-sign-in")


class IdleSessionMiddleware:
    """Signs out a browser session unused for ``WEFT_SESSION_IDLE_MINUTES`` (0: never): a
    laptop left open in a shared office does not keep activists' data on screen for ever. The
    request then goes on signed out (a page leads to the sign-in form, the API answers as to
    anyone signed out). API tokens are not sessions and are not concerned."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        idle_minutes = settings.WEFT_SESSION_IDLE_MINUTES
        user = getattr(request, "user", None)
        if idle_minutes and user is not None and user.is_authenticated:
            now = int(timezone.now().timestamp())
            last_seen = request.session.get(LAST_SEEN)
            if last_seen is not None and now - last_seen > idle_minutes * 60:
                logout(request)
                messages.info(
                    request,
                    f"You were signed out after {idle_minutes} minutes without activity. "
                    "Sign in again to go on.",
                )
            elif last_seen is None or now - last_seen >= LAST_SEEN_REFRESH_SECONDS:
                request.session[LAST_SEEN] = now
        return self.get_response(request)
