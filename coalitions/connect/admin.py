"""Admin for memberships, their moves, introductions and commitments."""

from django.contrib import admin

from coalitions.connect.models import Commitment, Introduction, Membership, PhaseMove
from weft.admin import EDITABLE_READONLY


# Inlines ------------------------------------------------------------------------------------
class PhaseMoveInline(admin.TabularInline):
    model = PhaseMove
    fields = ("from_phase", "to_phase", "moved_by", "moved_at")
    autocomplete_fields = ("moved_by",)
    extra = 0


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("organisation", "coalition", "phase", "designee", "joined_on", "left_on")
    list_filter = ("phase", "coalition")
    search_fields = ("organisation__name", "designee__name", "coalition__name")
    list_select_related = ("organisation", "coalition", "designee")
    autocomplete_fields = ("coalition", "organisation", "designee")
    readonly_fields = EDITABLE_READONLY
    inlines = (PhaseMoveInline,)


@admin.register(PhaseMove)
class PhaseMoveAdmin(admin.ModelAdmin):
    list_display = ("__str__", "organisation", "coalition", "moved_by", "moved_at")
    list_filter = ("to_phase", "from_phase", "membership__coalition")
    search_fields = ("membership__organisation__name",)
    list_select_related = ("membership__organisation", "membership__coalition", "moved_by")
    autocomplete_fields = ("membership", "moved_by")
    date_hierarchy = "moved_at"

    @admin.display(ordering="membership__organisation__name")
    def organisation(self, obj):
        return obj.membership.organisation

    @admin.display(ordering="membership__coalition__name")
    def coalition(self, obj):
        return obj.membership.coalition


# The weaver's workflow -----------------------------------------------------------------------
@admin.register(Introduction)
class IntroductionAdmin(admin.ModelAdmin):
    list_display = ("introduced_on", "introduced", "introduced_to", "outcome", "coalition")
    list_filter = ("outcome", "coalition")
    search_fields = ("reason", "introduced__name", "introduced_to__name")
    list_select_related = ("coalition", "introduced", "introduced_to")
    autocomplete_fields = ("coalition", "introduced", "introduced_to")
    raw_id_fields = ("interaction", "suggestion")
    readonly_fields = EDITABLE_READONLY
    date_hierarchy = "introduced_on"


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = ("membership", "kind", "amount", "due_on", "kept")
    list_filter = ("kind", "kept")
    search_fields = ("description", "membership__organisation__name")
    list_select_related = ("membership",)
    raw_id_fields = ("membership",)
    readonly_fields = EDITABLE_READONLY
