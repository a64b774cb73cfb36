"""Admin for ties, interactions, stored map positions and metric runs (read-only).

Foreign keys to actors, coalitions and users are autocomplete widgets, and every changelist
selects the related rows it shows in one query.
"""

from django.contrib import admin

from networks.models import ActorPosition, Interaction, InteractionParticipant, Suggestion, Tie
from weft.admin import EDITABLE_READONLY, ReadOnlyAdmin


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


@admin.register(Suggestion)
class SuggestionAdmin(ReadOnlyAdmin):
    list_display = ("kind", "actor", "other", "score", "status", "coalition")
    list_filter = ("kind", "status", "coalition")
    search_fields = ("actor__name", "other__name", "reason")
    list_select_related = ("actor", "other", "coalition")
