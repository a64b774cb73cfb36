"""Admin for saved views."""

from django.contrib import admin

from networks.map.models import LayoutRun, SavedView, Story, StoryLink


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

    list_display = (
        "coalition",
        "started_at",
        "status",
        "is_full",
        "actors",
        "moved",
        "seconds",
        "attempts",
    )
    list_filter = ("status", "is_full", "coalition")
    list_select_related = ("coalition",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ("title", "coalition", "created_by", "updated_at")
    list_filter = ("coalition",)
    search_fields = ("title",)
    list_select_related = ("coalition", "created_by")
    readonly_fields = ("created_at", "updated_at", "version")


@admin.register(StoryLink)
class StoryLinkAdmin(admin.ModelAdmin):
    """Story links are made in the app, where their token is shown once; the hash stays out
    of the admin (it looks a link up as well as the token does). Read only: revoking is the
    app's (it is audited)."""

    list_display = ("story", "created_by", "created_at", "expires_at", "revoked_at")
    list_select_related = ("story", "created_by")
    exclude = ("token_hash",)
    readonly_fields = ("story", "created_by", "created_at") + (
        "expires_at",
        "revoked_at",
        "revoked_by",
    )

    def has_add_permission(self, request):
        return False
