"""Admin for funder reports and their share links."""

from django.contrib import admin

from coalitions.reports.models import Report, ShareLink


# Funder reports -----------------------------------------------------------------------------
@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Reports are made and published in the app (coalitions/report_services.py); a published
    report is frozen, so its snapshot is shown, never edited here."""

    list_display = ("__str__", "coalition", "period_start", "period_end", "status", "published_at")
    list_filter = ("status", "coalition")
    list_select_related = ("coalition",)
    readonly_fields = (
        ("coalition", "period_start", "period_end", "status", "snapshot")
        + ("created_by", "created_at", "updated_at")
        + ("published_at", "published_by")
    )
    date_hierarchy = "period_end"

    def has_add_permission(self, request):
        return False


@admin.register(ShareLink)
class ShareLinkAdmin(admin.ModelAdmin):
    """Share links are made in the app, where their token is shown once; the hash stays out of
    the admin (it looks a link up as well as the token does)."""

    list_display = ("__str__", "report", "created_at", "expires_at", "revoked_at")
    list_select_related = ("report",)
    exclude = ("token_hash",)
    # Revoking is done in the app, where it is audited.
    readonly_fields = (
        "report",
        "created_by",
        "created_at",
        "expires_at",
        "revoked_at",
        "revoked_by",
    )

    def has_add_permission(self, request):
        return False
