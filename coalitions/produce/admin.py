"""Admin for working groups, actions, wins and climate shifts."""

from django.contrib import admin

from coalitions.produce.models import Action, ClimateShift, GroupMember, Win, WorkingGroup
from weft.admin import EDITABLE_READONLY


class GroupMemberInline(admin.TabularInline):
    model = GroupMember
    fields = ("actor", "is_lead", "joined_on", "left_on")
    autocomplete_fields = ("actor",)
    extra = 0


# Working groups -----------------------------------------------------------------------------
@admin.register(WorkingGroup)
class WorkingGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "coalition", "parent")
    list_filter = ("kind", "coalition")
    search_fields = ("name", "purpose")
    list_select_related = ("coalition", "parent")
    autocomplete_fields = ("coalition", "parent")
    readonly_fields = EDITABLE_READONLY
    inlines = (GroupMemberInline,)


@admin.register(GroupMember)
class GroupMemberAdmin(admin.ModelAdmin):
    list_display = ("actor", "group", "is_lead", "joined_on", "left_on")
    list_filter = ("is_lead", "group__kind", "group__coalition")
    search_fields = ("actor__name", "group__name")
    list_select_related = ("actor", "group")
    autocomplete_fields = ("group", "actor")


# Actions, wins and shifts -------------------------------------------------------------------
@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "coalition",
        "starts_on",
        "is_convergence",
        "working_group",
        "planned_turnout",
        "actual_turnout",
    )
    list_filter = ("is_convergence", "starts_on", "coalition")
    search_fields = ("title", "place", "description")
    list_select_related = ("coalition", "working_group")
    autocomplete_fields = ("coalition", "working_group", "leaders", "participants")
    readonly_fields = EDITABLE_READONLY
    date_hierarchy = "starts_on"


@admin.register(Win)
class WinAdmin(admin.ModelAdmin):
    list_display = ("title", "coalition", "won_on")
    list_filter = ("won_on", "coalition")
    search_fields = ("title", "description")
    list_select_related = ("coalition",)
    autocomplete_fields = ("coalition", "actions")
    readonly_fields = EDITABLE_READONLY
    date_hierarchy = "won_on"


@admin.register(ClimateShift)
class ClimateShiftAdmin(admin.ModelAdmin):
    list_display = ("title", "coalition", "direction", "recorded_on")
    list_filter = ("direction", "recorded_on", "coalition")
    search_fields = ("title", "description")
    list_select_related = ("coalition",)
    autocomplete_fields = ("coalition", "actions")
    readonly_fields = EDITABLE_READONLY
    date_hierarchy = "recorded_on"
