"""Funder reports: a period's figures against the one before, frozen when published, and
the share links that let someone without an account read one."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from coalitions.models import Coalition


# ---------------------------------------------------------------------------------------------
# Funder reports
class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class Report(models.Model):
    """A success report for one period, against the period before (coalitions/reporting.py
    builds its figures). A draft's figures are computed when it is read; publishing freezes
    them, with the narrative, into ``snapshot``, which nothing changes afterwards: a later
    report is a new row."""

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="reports")
    period_start = models.DateField()
    period_end = models.DateField()
    narrative = models.TextField(
        blank=True, help_text="The organizers' story of the period (Markdown)."
    )
    # Grows by one on every narrative save, so that two organizers writing at once do not
    # silently overwrite each other (If-Match on the API, a hidden field on the page).
    version = models.PositiveIntegerField(default=1, editable=False)
    narrative_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    narrative_updated_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    snapshot = models.JSONField(
        default=dict, blank=True, help_text="The figures as published (empty for a draft)."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["coalition_id", "-period_end", "-id"]
        indexes = [models.Index(fields=["coalition", "status", "period_end"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="coalitions_report_period_in_order",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values), name="coalitions_report_status"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="coalitions_report_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Report {self.pk} of coalition {self.coalition_id} ({self.period_label})"

    @property
    def period_label(self) -> str:
        from coalitions.reports.figures import period_label

        return period_label(self.period_start, self.period_end)

    def is_published(self) -> bool:
        return self.status == ReportStatus.PUBLISHED


class ShareLink(models.Model):
    """A read-only link to one published report, for someone without an account. Only the
    SHA-256 of its token is stored: the token itself is shown once, to the steward who made
    it. Every opening is written to the audit log."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="share_links")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["report_id", "-created_at", "-id"]

    def __str__(self) -> str:
        # Never the hash: it is as good as the token for looking a link up.
        return f"Share link {self.pk} of report {self.report_id}"

    def is_open(self, at) -> bool:
        return self.revoked_at is None and self.expires_at > at
