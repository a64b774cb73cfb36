"""Routes of the API, under /api/v1/. Everything a coalition holds is nested under it; each
package keeps its own routes."""

from django.urls import include, path
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.throttling import ScopedRateThrottle


class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token (for scripts). Throttled."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"


urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    *(
        path("", include(f"{package}.api.urls"))
        for package in (
            "coalitions",
            "allies",
            "networks",
            "networks.map",
            "networks.metrics",
            "networks.transfer",
            "coalitions.connect",
            "coalitions.align",
            "coalitions.produce",
            "coalitions.reports",
            "coalitions.stewardship",
            "coalitions.surveys",
        )
    ),
]
