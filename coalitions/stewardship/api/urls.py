from coalitions.stewardship.api.views import RoleViewSet
from weft.routers import coalition_routes

urlpatterns = coalition_routes({"roles": RoleViewSet})
