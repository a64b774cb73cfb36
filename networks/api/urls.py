from networks.api.views import InteractionViewSet, TieViewSet
from weft.routers import coalition_routes

urlpatterns = coalition_routes({"ties": TieViewSet, "interactions": InteractionViewSet})
