"""Routes of the API, under /api/v1/. Everything a coalition holds is nested under it; each
package keeps its own routes."""

from django.urls import include, path
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.parsers import FormParser, MultiPartParser

from weft.parsers import JSONParser
from weft.throttles import LoginThrottle


class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token (for scripts). Throttled per
    client address in the database (weft/throttles.py); its JSON is bounded like any other
    (weft/parsers.py), since anyone may send it."""

    throttle_classes = [LoginThrottle]
    parser_classes = [JSONParser, FormParser, MultiPartParser]


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
            "coalitions.notifications",
            "networks.comments",
        )
    ),
]
