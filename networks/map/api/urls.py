from django.urls import path

from networks.map.api.views import (
    ColoursView,
    MapChangesView,
    MapView,
    PathsView,
    PositionView,
    SavedViewViewSet,
    StoryLinkViewSet,
    StoryViewSet,
)
from weft.compression import fast_gzip_page
from weft.routers import coalition_routes

urlpatterns = [
    path("coalitions/<int:coalition_id>/map/", fast_gzip_page(MapView.as_view()), name="api-map"),
    path(
        "coalitions/<int:coalition_id>/map/changes/",
        MapChangesView.as_view(),
        name="api-map-changes",
    ),
    path(
        "coalitions/<int:coalition_id>/map/colours/", ColoursView.as_view(), name="api-map-colours"
    ),
    path("coalitions/<int:coalition_id>/paths/", PathsView.as_view(), name="api-paths"),
    path(
        "coalitions/<int:coalition_id>/positions/<int:actor_id>/",
        PositionView.as_view(),
        name="api-position",
    ),
    *coalition_routes(
        {"saved-views": SavedViewViewSet, "stories": StoryViewSet, "story-links": StoryLinkViewSet}
    ),
]
