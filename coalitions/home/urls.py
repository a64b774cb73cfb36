from django.urls import path

from coalitions.home.views import coalition_home, coalition_list, coalition_new

urlpatterns = [
    path("", coalition_list, name="coalition-list"),
    path("coalitions/new/", coalition_new, name="coalition-new"),
    path("coalitions/<int:coalition_id>/", coalition_home, name="coalition-home"),
]
