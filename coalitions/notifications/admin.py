"""Admin for notifications and email preferences (read the titles; they name no person)."""

from django.contrib import admin

from coalitions.notifications.models import Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "user", "coalition", "created_at", "read_at", "emailed_at")
    list_filter = ("kind",)
    list_select_related = ("user", "coalition")
    raw_id_fields = ("user", "coalition")


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "delivery")
    list_filter = ("kind", "delivery")
    raw_id_fields = ("user",)
