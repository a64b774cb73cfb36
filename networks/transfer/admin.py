"""Admin for imports and merges (read-only records)."""

from django.contrib import admin

from networks.transfer.models import ActorMerge, ColumnMapping, ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Imports are made and confirmed on the page or the API; here they are only looked at.
    The upload is not shown (it may hold personal data)."""

    list_display = ("id", "coalition", "filename", "file_format", "status", "created_at")
    list_filter = ("status", "file_format", "coalition")
    search_fields = ("filename", "coalition__name")
    list_select_related = ("coalition",)
    exclude = ("content",)
    readonly_fields = (
        ("coalition", "created_by", "filename", "file_format", "size")
        + ("status", "progress", "stage", "rows_total", "rows_done")
        + ("summary", "decisions", "options")
        + ("created_at", "applied_at", "applied_by")
    )


@admin.register(ColumnMapping)
class ColumnMappingAdmin(admin.ModelAdmin):
    """A CSV header's columns as a coalition mapped them in an import's preview."""

    list_display = ("id", "coalition", "updated_at")
    list_filter = ("coalition",)
    list_select_related = ("coalition",)
    readonly_fields = ("coalition", "header", "columns", "updated_at")


@admin.register(ActorMerge)
class ActorMergeAdmin(admin.ModelAdmin):
    list_display = ("id", "coalition", "kept", "merged_name", "merged_at", "undone_at")
    list_filter = ("coalition",)
    search_fields = ("merged_name", "kept__name")
    list_select_related = ("coalition", "kept")
    readonly_fields = (
        ("coalition", "kept", "merged_actor_id", "merged_name", "moves")
        + ("merged_by", "merged_at")
        + ("undone_at", "undone_by")
    )
