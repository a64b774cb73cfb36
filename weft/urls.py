from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from networks.dashboard import dashboard
from weft.views import ThrottledLoginView, healthz

urlpatterns = [
    path("login/", ThrottledLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include("weft.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("coalitions/<int:coalition_id>/dashboard/", dashboard, name="dashboard"),
    path("", include("networks.urls")),
    path("", include("coalitions.urls")),
    path("", include("networks.transfer.urls")),
]
