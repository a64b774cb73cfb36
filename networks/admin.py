"""Admin for ties, interactions, stored map positions and metric runs (read-only).

Foreign keys to actors, coalitions and users are autocomplete widgets, and every changelist
selects the related rows it shows in one query.
"""

from django.contrib import admin

from networks.models import (
    ActorMerge,
    ActorMetric,
    ActorPosition,
    ImportJob,
    Interaction,
    InteractionParticipant,
    MetricRun,
    RelationshipMetric,
    SavedView,
    Suggestion,
    Tie,
)

EDITABLE_READONLY = ("version", "created_at", "updated_at")


class InteractionParticipantInline(admin.TabularInline):
    model = InteractionParticipant
    fields = ("actor",)
    autocomplete_fields = ("actor",)
    extra = 0


@admin.register(Tie)
class TieAdmin(admin.ModelAdmin):
    list_display = (
        "source",
        "target",
        "kind",
        "direction",
        "strength",
        "coalition",
        "is_sensitive",
        "started_on",
        "ended_on",
    )
    list_filter = ("kind", "direction", "strength", "is_sensitive", "coalition")
    search_fields = ("source__name", "target__name", "description")
    list_select_related = ("source", "target", "coalition")
    autocomplete_fields = ("coalition", "source", "target")
    readonly_fields = EDITABLE_READONLY


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "summary",
        "coalition",
        "action",
        "working_group",
        "recorded_by",
    )
    list_filter = ("kind", "occurred_on", "coalition")
    search_fields = ("summary", "participants__name")
    list_select_related = ("coalition", "action", "working_group", "recorded_by")
    autocomplete_fields = ("coalition", "action", "working_group", "recorded_by")
    readonly_fields = EDITABLE_READONLY
    date_hierarchy = "occurred_on"
    inlines = (InteractionParticipantInline,)


@admin.register(InteractionParticipant)
class InteractionParticipantAdmin(admin.ModelAdmin):
    list_display = ("actor", "interaction", "coalition")
    list_filter = ("interaction__kind", "interaction__coalition")
    search_fields = ("actor__name", "interaction__summary")
    list_select_related = ("actor", "interaction__coalition")
    autocomplete_fields = ("interaction", "actor")

    @admin.display(ordering="interaction__coalition__name")
    def coalition(self, obj):
        return obj.interaction.coalition


@admin.register(ActorPosition)
class ActorPositionAdmin(admin.ModelAdmin):
    list_display = ("actor", "x", "y", "is_pinned", "updated_at")
    list_filter = ("is_pinned", "actor__coalition")
    search_fields = ("actor__name",)
    list_select_related = ("actor",)
    autocomplete_fields = ("actor",)
    readonly_fields = ("updated_at",)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Metric runs are computed, never typed: the admin shows them, and a steward deletes a
    run there if ever needed (its rows go with it)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MetricRun)
class MetricRunAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "coalition",
        "status",
        "trigger",
        "computed_for",
        "created_at",
        "finished_at",
    )
    list_filter = ("status", "trigger", "coalition")
    search_fields = ("coalition__name", "input_hash", "task_id")
    list_select_related = ("coalition",)


@admin.register(ActorMetric)
class ActorMetricAdmin(ReadOnlyAdmin):
    list_display = ("actor", "run", "degree", "betweenness", "pagerank", "community", "is_broker")
    list_filter = ("is_broker", "is_peripheral", "is_leader")
    search_fields = ("actor__name",)
    list_select_related = ("actor", "run")


@admin.register(RelationshipMetric)
class RelationshipMetricAdmin(ReadOnlyAdmin):
    list_display = ("source", "target", "run", "strength", "declared", "is_inferred")
    list_filter = ("is_inferred", "is_sensitive")
    search_fields = ("source__name", "target__name")
    list_select_related = ("source", "target", "run")


@admin.register(Suggestion)
class SuggestionAdmin(ReadOnlyAdmin):
    list_display = ("kind", "actor", "other", "score", "status", "coalition")
    list_filter = ("kind", "status", "coalition")
    search_fields = ("actor__name", "other__name", "reason")
    list_select_related = ("actor", "other", "coalition")


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Imports are made and confirmed on the page or the API; here they are only looked at.
    The upload and its rows are not shown (they may hold personal data)."""

    list_display = ("id", "coalition", "filename", "file_format", "status", "created_at")
    list_filter = ("status", "file_format", "coalition")
    search_fields = ("filename", "coalition__name")
    list_select_related = ("coalition",)
    exclude = ("content", "parsed")
    readonly_fields = (
        "coalition", "created_by", "filename", "file_format", "size", "status", "progress",
        "summary", "decisions", "created_at", "applied_at", "applied_by",
    )  # fmt: skip


@admin.register(ActorMerge)
class ActorMergeAdmin(admin.ModelAdmin):
    list_display = ("id", "coalition", "kept", "merged_name", "merged_at", "undone_at")
    list_filter = ("coalition",)
    search_fields = ("merged_name", "kept__name")
    list_select_related = ("coalition", "kept")
    readonly_fields = (
        "coalition", "kept", "merged_actor_id", "merged_name", "moves", "merged_by",
        "merged_at", "undone_at", "undone_by",
    )  # fmt: skip


@admin.register(SavedView)
class SavedViewAdmin(admin.ModelAdmin):
    list_display = ("name", "coalition", "layout", "created_by", "updated_at")
    list_filter = ("layout", "coalition")
    search_fields = ("name",)
    list_select_related = ("coalition", "created_by")
    readonly_fields = ("created_at", "updated_at", "version")
