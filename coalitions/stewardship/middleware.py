"""Two-factor sign-in, when a coalition requires it of the roles that see personal data."""

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.shortcuts import redirect

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
