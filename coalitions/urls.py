from django.urls import path

from . import views

urlpatterns = [
    path("", views.coalition_list, name="coalition-list"),
    path("coalitions/<int:coalition_id>/", views.coalition_home, name="coalition-home"),
]
