from networks.metrics.api.views import MetricRunViewSet
from weft.routers import coalition_routes

urlpatterns = coalition_routes({"metric-runs": MetricRunViewSet})
