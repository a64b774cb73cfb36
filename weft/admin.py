"""What the apps' admin modules share. (Not an app's admin module: weft is not an installed
app, so Django never autodiscovers this one.)"""

from django.contrib import admin

# The bookkeeping fields of an editable row (weft.db.Editable): shown, never typed.
EDITABLE_READONLY = ("version", "created_at", "updated_at")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that are computed or recorded, never typed (metric runs, suggestions, imports):
    the admin shows them, and a steward deletes one there if ever needed."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
