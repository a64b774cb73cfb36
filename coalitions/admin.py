"""Admin for coalitions: roles, members, the unity statement, principles, groups and what
they achieve, and the (read-only) audit log.

Foreign keys to actors, coalitions and users are autocomplete widgets, and every changelist
selects the related rows it shows in one query. A signer's email is personal data: it is
searchable but never a changelist column.
"""

from django.contrib import admin

from coalitions.models import AuditEntry, Coalition, Role
from weft.admin import EDITABLE_READONLY


# Coalition, targets, roles, members --------------------------------------------------------
@admin.register(Coalition)
class CoalitionAdmin(admin.ModelAdmin):
    list_display = ("name", "scale", "phase", "created_by", "created_at")
    list_filter = ("scale", "phase")
    search_fields = ("name", "cause", "demo_key")
    list_select_related = ("created_by",)
    autocomplete_fields = ("created_by",)
    readonly_fields = ("demo_key", *EDITABLE_READONLY)


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "coalition", "organisation", "granted_at", "revoked_at")
    list_filter = ("role", ("revoked_at", admin.EmptyFieldListFilter), "coalition")
    search_fields = ("user__username", "user__email", "coalition__name", "organisation__name")
    list_select_related = ("user", "coalition", "organisation")
    autocomplete_fields = (
        "coalition",
        "user",
        "organisation",
        "person",
        "granted_by",
        "revoked_by",
    )
    date_hierarchy = "granted_at"


# Audit log ----------------------------------------------------------------------------------
@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log is evidence: it can be read here, never written, changed or deleted."""

    list_display = ("created_at", "action", "coalition", "user")
    list_filter = ("action", "coalition")
    search_fields = ("action", "coalition__name", "user__username")
    list_select_related = ("coalition", "user")
    readonly_fields = ("created_at", "coalition", "user", "action", "details")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
