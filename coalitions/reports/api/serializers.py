"""Serializers of the reports API."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from coalitions.reports import selectors as report_selectors
from coalitions.reports import services as report_services
from coalitions.reports.models import Report, ReportStatus, ShareLink
from coalitions.reports.narrative import render_narrative


class ReportSummarySerializer(serializers.ModelSerializer):
    period_label = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=ReportStatus.choices, read_only=True)
    period_start = serializers.DateField(required=False)
    period_end = serializers.DateField(required=False)
    narrative = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=report_services.NARRATIVE_MAX_LENGTH,
        help_text="The organizers' story of the period (Markdown; no names of people).",
    )

    class Meta:
        model = Report
        fields = (
            ("id", "period_start", "period_end", "period_label")
            + ("status", "narrative", "version")
            + ("published_at", "created_at")
        )
        read_only_fields = ["version", "published_at", "created_at"]


class ReportSerializer(ReportSummarySerializer):
    """A report with its figures: the frozen snapshot of a published report, or a draft's
    figures as the data stands now."""

    narrative_html = serializers.SerializerMethodField()
    figures = serializers.SerializerMethodField()

    class Meta(ReportSummarySerializer.Meta):
        fields = [*ReportSummarySerializer.Meta.fields, "narrative_html", "figures"]

    def _snapshot(self, report) -> dict:
        cache = self.context.setdefault("snapshots", {})
        if report.pk not in cache:
            cache[report.pk] = report_selectors.report_figures(report)
        return cache[report.pk]

    def get_narrative_html(self, report) -> str:
        return render_narrative(self._snapshot(report).get("narrative", ""))

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_figures(self, report) -> dict:
        snapshot = dict(self._snapshot(report))
        snapshot.pop("narrative", None)
        return snapshot


class NarrativeSerializer(serializers.Serializer):
    narrative = serializers.CharField(
        allow_blank=True, max_length=report_services.NARRATIVE_MAX_LENGTH
    )


class ShareLinkSerializer(serializers.ModelSerializer):
    report = serializers.PrimaryKeyRelatedField(queryset=Report.objects.none())
    expires_in_days = serializers.IntegerField(
        write_only=True, required=False, default=30, min_value=1, max_value=90
    )
    url = serializers.SerializerMethodField(
        help_text="The link, returned once when it is created (only its hash is stored)."
    )
    is_open = serializers.SerializerMethodField()

    class Meta:
        model = ShareLink
        fields = (
            ("id", "report")
            + ("expires_in_days", "expires_at", "revoked_at", "created_at")
            + ("url", "is_open")
        )
        read_only_fields = ["expires_at", "revoked_at", "created_at"]

    def get_fields(self):
        fields = super().get_fields()
        access = self.context.get("access")
        if access is not None:
            fields["report"].queryset = Report.objects.filter(
                coalition=access.coalition, status=ReportStatus.PUBLISHED
            )
        return fields

    def get_url(self, link) -> str | None:
        token = self.context.get("tokens", {}).get(link.pk)
        request = self.context.get("request")
        if token is None or request is None:
            return None
        from django.urls import reverse

        return request.build_absolute_uri(reverse("shared-report", args=[token]))

    def get_is_open(self, link) -> bool:
        from django.utils import timezone

        return link.is_open(timezone.now())
