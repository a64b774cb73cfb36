from django.urls import path

from coalitions.notifications import views

urlpatterns = [
    path("notifications/", views.inbox, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications-read-page"),
    path("notifications/settings/", views.notification_settings, name="notification-settings"),
    path(
        "notifications/unsubscribe/<str:token>/", views.unsubscribe, name="notification-unsubscribe"
    ),
    path("notifications/<int:notification_id>/", views.notification_open, name="notification-open"),
]
