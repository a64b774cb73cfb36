"""Admin for saved views."""

from django.contrib import admin

from networks.map.models import SavedView


@admin.register(SavedView)
class SavedViewAdmin(admin.ModelAdmin):
    list_display = ("name", "coalition", "layout", "created_by", "updated_at")
    list_filter = ("layout", "coalition")
    search_fields = ("name",)
    list_select_related = ("coalition", "created_by")
    readonly_fields = ("created_at", "updated_at", "version")
