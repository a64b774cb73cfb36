from rest_framework.routers import SimpleRouter

from coalitions.api.views import CoalitionViewSet, RoleViewSet, TargetViewSet
from weft.routers import coalition_routes

coalitions = SimpleRouter()
coalitions.register("coalitions", CoalitionViewSet, basename="api-coalition")

urlpatterns = [
    *coalitions.urls,
    *coalition_routes({"roles": RoleViewSet, "targets": TargetViewSet}),
]
