from django.urls import path

from allies.edit.views import actor_edit

urlpatterns = [
    path(
        "coalitions/<int:coalition_id>/actors/<int:actor_id>/edit/", actor_edit, name="actor-edit"
    ),
]
