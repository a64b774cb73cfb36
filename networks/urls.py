from django.urls import path

from networks import views

urlpatterns = [
    path("coalitions/<int:coalition_id>/map/", views.map_page, name="coalition-map"),
    path("coalitions/<int:coalition_id>/map/table/", views.map_table, name="coalition-map-table"),
]
