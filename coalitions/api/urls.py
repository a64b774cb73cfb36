from rest_framework.routers import SimpleRouter

from coalitions.api.views import CoalitionViewSet

coalitions = SimpleRouter()
coalitions.register("coalitions", CoalitionViewSet, basename="api-coalition")

urlpatterns = coalitions.urls
