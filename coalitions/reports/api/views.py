"""API of funder reports: ``/api/v1/coalitions/<id>/reports/`` (the same figures as the
page, for the same roles: funders read published reports only), publishing, and the
stewards' share links (``share-links/``)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from coalitions import roles
from coalitions.reports import selectors as report_selectors
from coalitions.reports import services as report_services
from coalitions.reports.api.serializers import (
    NarrativeSerializer,
    ReportSerializer,
    ReportSummarySerializer,
    ShareLinkSerializer,
)
from coalitions.reports.models import Report, ShareLink
from weft.api import IF_MATCH, etag_for, expected_version

Permission = roles.Permission


class ScopedMixin:
    """Access resolved once per request: REPORTS_VIEW to read, ``write_permission`` to write."""

    write_permission = Permission.REPORTS_EDIT
    read_permission = Permission.REPORTS_VIEW
    lookup_value_regex = r"\d+"
    filter_backends: list = []

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.access = roles.access_for(request.user, kwargs.get("coalition_id"))
        needed = self.read_permission if request.method in SAFE_METHODS else self.write_permission
        self.access.require(needed)


class ReportViewSet(
    ScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Success reports of the coalition. Organizers and stewards start drafts, write their
    narrative and publish them; every role reads them, funders the published ones only."""

    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Report.objects.none()
        return report_selectors.report_list_for(self.access).select_related("coalition")

    def get_serializer_class(self):
        if self.action == "list":
            return ReportSummarySerializer
        if self.action == "partial_update":
            return NarrativeSerializer
        return ReportSerializer

    @extend_schema(request=ReportSummarySerializer, responses={201: ReportSerializer})
    def create(self, request, *args, **kwargs):
        serializer = ReportSummarySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = report_services.report_create(
            coalition=self.access.coalition, created_by=request.user, **serializer.validated_data
        )
        response = Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)
        response["ETag"] = etag_for(report)
        return response

    def retrieve(self, request, *args, **kwargs):
        report = self.get_object()
        response = Response(self.get_serializer(report).data)
        response["ETag"] = etag_for(report)
        return response

    @extend_schema(
        request=NarrativeSerializer,
        responses={200: ReportSerializer},
        parameters=[IF_MATCH],
        summary="Write a draft's narrative (If-Match: 412 if someone saved it since; 409 once "
        "published)",
    )
    def partial_update(self, request, *args, **kwargs):
        report = self.get_object()
        expected = expected_version(request)
        serializer = NarrativeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            report = report_services.report_narrative_update(
                report=report,
                updated_by=request.user,
                expected_version=expected,
                **serializer.validated_data,
            )
        except report_services.StaleNarrative as stale:
            stale.current = ReportSerializer(stale.instance).data
            raise
        response = Response(ReportSerializer(report).data)
        response["ETag"] = etag_for(report)
        return response

    @extend_schema(
        request=None,
        responses={200: ReportSerializer},
        summary="Publish: freeze the figures and narrative (409 if already published)",
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, *args, **kwargs):
        report = report_services.report_publish(report=self.get_object(), published_by=request.user)
        return Response(ReportSerializer(report).data)


class ShareLinkViewSet(
    ScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Read-only links to a published report for people without an account (stewards only):
    unguessable, expiring, revocable; every opening is written to the audit log."""

    serializer_class = ShareLinkSerializer
    read_permission = Permission.REPORTS_SHARE
    write_permission = Permission.REPORTS_SHARE
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ShareLink.objects.none()
        return ShareLink.objects.filter(report__coalition=self.access.coalition).order_by(
            "-created_at", "-id"
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["access"] = getattr(self, "access", None)
        return context

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        link, token = report_services.share_link_create(
            report=serializer.validated_data["report"],
            created_by=request.user,
            expires_in_days=serializer.validated_data["expires_in_days"],
        )
        context = {**self.get_serializer_context(), "tokens": {link.pk: token}}
        return Response(
            ShareLinkSerializer(link, context=context).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=None, responses={200: ShareLinkSerializer}, summary="Revoke a link")
    @action(detail=True, methods=["post"])
    def revoke(self, request, *args, **kwargs):
        link = report_services.share_link_revoke(link=self.get_object(), revoked_by=request.user)
        return Response(self.get_serializer(link).data)
