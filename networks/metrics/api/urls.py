from django.urls import path

from networks.metrics.api.views import MetricRunViewSet, StrengthSettingsView
from weft.routers import coalition_routes

urlpatterns = [
    *coalition_routes({"metric-runs": MetricRunViewSet}),
    path(
        "coalitions/<int:coalition_id>/strength-settings/",
        StrengthSettingsView.as_view(),
        name="api-strength-settings",
    ),
]
