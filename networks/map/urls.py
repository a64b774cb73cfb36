from django.urls import path

from networks.map.bulk_pages import map_table_bulk, map_table_bulk_undo
from networks.map.saved_view_pages import saved_views
from networks.map.views import (
    map_page,
    map_table,
    shared_story,
    shared_story_colours,
    shared_story_map,
    shared_story_open,
    shared_story_steps,
)

urlpatterns = [
    path("coalitions/<int:coalition_id>/map/", map_page, name="coalition-map"),
    path("coalitions/<int:coalition_id>/map/table/", map_table, name="coalition-map-table"),
    path(
        "coalitions/<int:coalition_id>/map/table/bulk/",
        map_table_bulk,
        name="coalition-map-table-bulk",
    ),
    path(
        "coalitions/<int:coalition_id>/map/table/bulk/undo/",
        map_table_bulk_undo,
        name="coalition-map-table-bulk-undo",
    ),
    # Stories through a share link (no account): the token is exchanged for the session.
    path("shared/stories/open/<str:token>/", shared_story_open, name="shared-story-open"),
    path("shared/stories/<int:link_id>/", shared_story, name="shared-story"),
    path("shared/stories/<int:link_id>/map/", shared_story_map, name="shared-story-map"),
    path(
        "shared/stories/<int:link_id>/map/colours/",
        shared_story_colours,
        name="shared-story-colours",
    ),
    path("shared/stories/<int:link_id>/story/", shared_story_steps, name="shared-story-steps"),
    path("coalitions/<int:coalition_id>/map/views/", saved_views, name="map-saved-views"),
]
