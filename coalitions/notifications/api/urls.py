from django.urls import path

from coalitions.notifications.api.views import (
    NotificationListView,
    NotificationReadView,
    PreferencesView,
)

COALITION = "coalitions/<int:coalition_id>/"

urlpatterns = [
    path(COALITION + "notifications/", NotificationListView.as_view(), name="notifications-list"),
    path(
        COALITION + "notifications/read/",
        NotificationReadView.as_view(),
        name="notifications-read",
    ),
    path(
        "notification-preferences/",
        PreferencesView.as_view(),
        name="api-notification-preferences",
    ),
]
