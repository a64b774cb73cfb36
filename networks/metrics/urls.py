from django.urls import path

from networks.metrics import views

urlpatterns = [
    path(
        "coalitions/<int:coalition_id>/settings/strength/",
        views.settings_strength,
        name="settings-strength",
    ),
]
