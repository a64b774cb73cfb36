"""Invitations in the admin: read, and revoked only from the settings page (audited there)."""

from django.contrib import admin

from coalitions.stewardship.models import Invitation
from weft.admin import ReadOnlyAdmin


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "coalition", "role", "expires_at", "accepted_at", "revoked_at")
    list_filter = ("role", "coalition")
    search_fields = ("coalition__name", "role")
    list_select_related = ("coalition",)
    # The address is a person's: listed on the steward's page, not searched for here.
    exclude = ("token_hash",)
