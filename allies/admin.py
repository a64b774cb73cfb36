"""Admin for actors and what is known about them.

Every foreign key to an actor, a coalition or a user is an autocomplete widget, so that a form
never loads thousands of rows into a <select>; every changelist selects the rows it shows in
one query. Contact details are personal data: their value is never a changelist column.
"""

from django.contrib import admin

from allies.models import (
    Actor,
    Affiliation,
    AllyAssessment,
    ContactDetail,
    EngagementPlan,
    Skill,
    SkillLevel,
    Tag,
)
from weft.admin import EDITABLE_READONLY


# Inlines on Actor ---------------------------------------------------------------------------
class ContactDetailInline(admin.TabularInline):
    model = ContactDetail
    fields = ("kind", "value", "label", "is_primary")
    extra = 0


class EngagementPlanInline(admin.StackedInline):
    model = EngagementPlan
    fk_name = "actor"
    fields = ("ask", "frame", "messenger", "owner", "next_step", "next_step_on")
    autocomplete_fields = ("messenger", "owner")
    extra = 0
    max_num = 1


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    fk_name = "person"
    fields = ("organisation", "role_title", "is_lead", "started_on", "ended_on")
    autocomplete_fields = ("organisation",)
    extra = 0
    verbose_name = "affiliation (as the person)"
    verbose_name_plural = "affiliations (as the person)"


class AllyAssessmentInline(admin.TabularInline):
    model = AllyAssessment
    fields = (
        "assessed_on",
        "stance",
        "ally_kind",
        "influence",
        "proximity",
        "commitment",
        "assessed_by",
        "note",
        "created_at",
    )
    readonly_fields = ("created_at",)
    autocomplete_fields = ("assessed_by",)
    extra = 0


class SkillLevelInline(admin.TabularInline):
    model = SkillLevel
    fields = ("skill", "level", "assessed_on", "note", "recorded_by")
    autocomplete_fields = ("skill", "recorded_by")
    extra = 0


# Model admins -------------------------------------------------------------------------------
@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "coalition")
    list_filter = ("coalition",)
    search_fields = ("name", "coalition__name")
    list_select_related = ("coalition",)
    autocomplete_fields = ("coalition",)


@admin.register(Actor)
class ActorAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "kind",
        "coalition",
        "is_sensitive",
        "is_directly_affected",
        "updated_at",
    )
    list_filter = ("kind", "is_sensitive", "is_directly_affected", "coalition")
    search_fields = ("name", "description", "external_key")
    list_select_related = ("coalition",)
    autocomplete_fields = ("coalition", "tags")
    readonly_fields = EDITABLE_READONLY
    inlines = (
        ContactDetailInline,
        AllyAssessmentInline,
        SkillLevelInline,
        EngagementPlanInline,
        AffiliationInline,
    )


@admin.register(ContactDetail)
class ContactDetailAdmin(admin.ModelAdmin):
    # Personal data: the value is searchable by stewards but never shown in the changelist.
    list_display = ("actor", "kind", "label", "is_primary")
    list_filter = ("kind", "is_primary", "actor__coalition")
    search_fields = ("value", "label", "actor__name")
    list_select_related = ("actor",)
    autocomplete_fields = ("actor",)
    readonly_fields = EDITABLE_READONLY


@admin.register(EngagementPlan)
class EngagementPlanAdmin(admin.ModelAdmin):
    list_display = ("actor", "next_step", "next_step_on", "messenger", "owner", "updated_at")
    list_filter = ("next_step_on", "actor__coalition")
    search_fields = ("actor__name", "ask", "frame", "next_step")
    list_select_related = ("actor", "messenger", "owner")
    autocomplete_fields = ("actor", "messenger", "owner")
    readonly_fields = EDITABLE_READONLY


@admin.register(Affiliation)
class AffiliationAdmin(admin.ModelAdmin):
    list_display = ("person", "organisation", "role_title", "is_lead", "started_on", "ended_on")
    list_filter = ("is_lead", "person__coalition")
    search_fields = ("person__name", "organisation__name", "role_title")
    list_select_related = ("person", "organisation")
    autocomplete_fields = ("person", "organisation")
    readonly_fields = EDITABLE_READONLY


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ("name", "coalition")
    list_filter = ("coalition",)
    search_fields = ("name", "description")
    list_select_related = ("coalition",)
    autocomplete_fields = ("coalition",)


@admin.register(SkillLevel)
class SkillLevelAdmin(admin.ModelAdmin):
    list_display = ("actor", "skill", "level", "assessed_on", "recorded_by")
    list_filter = ("level", "assessed_on", "skill__coalition")
    search_fields = ("actor__name", "skill__name", "note")
    list_select_related = ("actor", "skill", "recorded_by")
    autocomplete_fields = ("actor", "skill", "recorded_by")
    readonly_fields = ("created_at",)
    date_hierarchy = "assessed_on"


@admin.register(AllyAssessment)
class AllyAssessmentAdmin(admin.ModelAdmin):
    list_display = (
        "actor",
        "stance",
        "ally_kind",
        "influence",
        "proximity",
        "commitment",
        "assessed_on",
        "assessed_by",
    )
    list_filter = ("stance", "ally_kind", "assessed_on", "actor__coalition")
    search_fields = ("actor__name", "note")
    list_select_related = ("actor", "assessed_by")
    autocomplete_fields = ("actor", "assessed_by")
    readonly_fields = ("created_at",)
    date_hierarchy = "assessed_on"
