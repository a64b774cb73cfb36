from django.urls import path

from networks.map.saved_view_pages import saved_views
from networks.map.views import map_page, map_table

urlpatterns = [
    path("coalitions/<int:coalition_id>/map/", map_page, name="coalition-map"),
    path("coalitions/<int:coalition_id>/map/table/", map_table, name="coalition-map-table"),
    path("coalitions/<int:coalition_id>/map/views/", saved_views, name="map-saved-views"),
]
