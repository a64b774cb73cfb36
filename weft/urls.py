"""The site's routes: the project's own (sign-in, health, API schema) and each package's."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from weft.views import ThrottledLoginView, healthz

handler500 = "weft.views.server_error"

urlpatterns = [
    path("login/", ThrottledLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include("weft.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    *(
        path("", include(f"{package}.urls"))
        for package in (
            "coalitions.home",
            "networks.map",
            "networks.dashboard",
            "networks.transfer",
            "coalitions.connect",
            "coalitions.align",
            "coalitions.produce",
            "coalitions.activity",
            "coalitions.reports",
        )
    ),
]
