"""The site's routes: the project's own (sign-in, health, API schema) and each package's."""

from allauth.account.views import logout as account_logout
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from weft.views import ThrottledLoginView, healthz

handler500 = "weft.views.server_error"

urlpatterns = [
    path("login/", ThrottledLoginView.as_view(), name="login"),
    path("logout/", account_logout, name="logout"),
    # allauth's own sign-in address, throttled like the one above.
    path("accounts/login/", ThrottledLoginView.as_view()),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include("weft.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    *(
        path("", include(f"{package}.urls"))
        for package in (
            "coalitions.home",
            "coalitions.stewardship",
            "networks.map",
            "networks.interactions",
            "allies.edit",
            "networks.dashboard",
            "networks.metrics",
            "networks.transfer",
            "coalitions.connect",
            "coalitions.align",
            "coalitions.produce",
            "coalitions.activity",
            "coalitions.reports",
            "coalitions.surveys",
            "coalitions.notifications",
            "networks.comments",
        )
    ),
]

handler403 = "weft.views.permission_denied"
handler404 = "weft.views.page_not_found"
handler500 = "weft.views.server_error"
