"""What the apps' admin modules share. (Not an app's admin module: weft is not an installed
app, so Django never autodiscovers this one.)"""

from django.contrib import admin

from weft.db import EDITABLE_FIELDS

# The bookkeeping fields of an editable row: shown, never typed.
EDITABLE_READONLY = EDITABLE_FIELDS


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that are computed or recorded, never typed (metric runs, suggestions, imports):
    the admin shows them, and a steward deletes one there if ever needed."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
