"""Admin for saved views."""

from django.contrib import admin

from networks.map.models import LayoutRun, SavedView


@admin.register(SavedView)
class SavedViewAdmin(admin.ModelAdmin):
    list_display = ("name", "coalition", "layout", "created_by", "updated_at")
    list_filter = ("layout", "coalition")
    search_fields = ("name",)
    list_select_related = ("coalition", "created_by")
    readonly_fields = ("created_at", "updated_at", "version")


@admin.register(LayoutRun)
class LayoutRunAdmin(admin.ModelAdmin):
    """Layout runs are a record of the server's work: read only."""

    list_display = ("coalition", "started_at", "is_full", "actors", "moved", "seconds")
    list_filter = ("is_full", "coalition")
    list_select_related = ("coalition",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
