"""API of metric runs: start one, follow its progress, read its figures.

``…/metric-runs/`` lists runs (newest first) and starts one (POST: 202 with the new run, or 200
with the existing run when the input has not changed since it); ``…/metric-runs/<run>/`` is one
run with its status, progress and network and leadership figures; ``…/metric-runs/<run>/actors/``,
``…/relationships/`` and ``…/suggestions/`` are its rows. ``latest`` in place of ``<run>`` is the
latest succeeded run (404 before the first). Read by every role with the dashboard; started by
organizers, weavers and stewards. Sensitive actors and relationships are left out for the roles
that may not see them.
"""

import django_filters
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import filters, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from coalitions import roles
from coalitions.roles import Permission
from networks.graph.strength import StrengthSettings
from networks.metrics.api.serializers import (
    ActorMetricSerializer,
    MetricRunSerializer,
    MetricRunSuggestionSerializer,
    RelationshipMetricSerializer,
    StrengthSettingsSerializer,
)
from networks.metrics.models import ActorMetric, MetricRun, MetricTrigger, RelationshipMetric
from networks.metrics.selectors import latest_run
from networks.metrics.services import metric_run_request, strength_settings_update
from networks.models import Suggestion, SuggestionKind, SuggestionStatus
from weft.api import IF_MATCH, etag_for, expected_version

RUN_ID = OpenApiParameter(
    "id",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="A run's id, or `latest` for the latest succeeded run.",
)


class ActorMetricFilter(django_filters.FilterSet):
    actor = django_filters.NumberFilter(field_name="actor_id")
    community = django_filters.NumberFilter()
    is_broker = django_filters.BooleanFilter()
    is_peripheral = django_filters.BooleanFilter()
    is_leader = django_filters.BooleanFilter()


class RelationshipMetricFilter(django_filters.FilterSet):
    actor = django_filters.NumberFilter(method="either_end", label="Either end is this actor")
    min_strength = django_filters.NumberFilter(field_name="strength", lookup_expr="gte")
    is_inferred = django_filters.BooleanFilter()

    def either_end(self, queryset, name, value):
        return queryset.filter(Q(source_id=value) | Q(target_id=value))


class SuggestionFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=SuggestionKind.choices)
    status = django_filters.MultipleChoiceFilter(choices=SuggestionStatus.choices)


ACTOR_ORDERING = (
    ["degree", "weighted_degree", "betweenness", "weighted_betweenness", "closeness", "pagerank"]
    + ["eigenvector", "core_number", "reach", "community"]
    + ["actor"]
)


@extend_schema_view(retrieve=extend_schema(parameters=[RUN_ID]))
class MetricRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = MetricRunSerializer
    lookup_value_regex = r"\d+|latest"
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter]
    # Set per row action (actors, relationships, suggestions); runs themselves are unfiltered.
    filterset_class = None
    ordering_fields: list[str] = []
    queryset = MetricRun.objects.none()  # for the schema; get_queryset scopes by coalition

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.access = roles.access_for(request.user, kwargs.get("coalition_id"))
        wanted = Permission.METRICS_RUN if request.method == "POST" else Permission.DASHBOARD_VIEW
        self.access.require(wanted)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return MetricRun.objects.none()
        return MetricRun.objects.filter(coalition=self.access.coalition).order_by(
            "-created_at", "-id"
        )

    def get_object(self):
        key = self.kwargs["pk"]
        if key == "latest":
            run = latest_run(self.access.coalition.pk)
        else:
            run = self.get_queryset().filter(pk=int(key)).first()
        if run is None:
            raise Http404("No such metric run." if key != "latest" else "No metric run yet.")
        return run

    @extend_schema(
        request=None,
        responses={202: MetricRunSerializer, 200: MetricRunSerializer},
        summary="Start a metric run (202), or get the run of the unchanged input (200)",
    )
    def create(self, request, coalition_id):
        with transaction.atomic():
            run, created = metric_run_request(
                coalition_id=self.access.coalition.pk,
                trigger=MetricTrigger.MANUAL,
                requested_by=request.user,
            )
        # Embedded mode: the task ran in-process when the transaction committed.
        run.refresh_from_db()
        return Response(
            self.get_serializer(run).data,
            status=status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK,
        )

    def _rows(self, queryset, serializer_class):
        """A page of a run's rows, filtered by the action's filterset and ``?ordering=``."""
        page = self.paginate_queryset(self.filter_queryset(queryset))
        return self.get_paginated_response(serializer_class(page, many=True).data)

    @extend_schema(
        parameters=[RUN_ID],
        responses=ActorMetricSerializer(many=True),
        filters=True,
        summary="Per-actor figures of a run",
    )
    @action(
        detail=True,
        methods=["get"],
        filterset_class=ActorMetricFilter,
        ordering_fields=ACTOR_ORDERING,
    )
    def actors(self, request, coalition_id, pk):
        run = self.get_object()
        rows = ActorMetric.objects.filter(run=run).select_related("actor")
        rows = rows.order_by("-pagerank", "actor_id")
        if not self.access.sees_sensitive:
            rows = rows.filter(actor__is_sensitive=False)
        return self._rows(rows, ActorMetricSerializer)

    @extend_schema(
        parameters=[RUN_ID],
        responses=RelationshipMetricSerializer(many=True),
        filters=True,
        summary="Relationship strengths of a run",
    )
    @action(
        detail=True,
        methods=["get"],
        filterset_class=RelationshipMetricFilter,
        ordering_fields=["strength", "evidence", "observed", "declared", "source", "target"],
    )
    def relationships(self, request, coalition_id, pk):
        run = self.get_object()
        rows = RelationshipMetric.objects.filter(run=run).select_related("source", "target")
        rows = rows.order_by("-strength", "source_id", "target_id")
        if not self.access.sees_sensitive:
            rows = rows.filter(is_sensitive=False)
        return self._rows(rows, RelationshipMetricSerializer)

    @extend_schema(
        parameters=[RUN_ID],
        responses=MetricRunSuggestionSerializer(many=True),
        filters=True,
        summary="Weaver suggestions found by a run",
    )
    @action(
        detail=True,
        methods=["get"],
        filterset_class=SuggestionFilter,
        ordering_fields=["score", "kind", "id"],
    )
    def suggestions(self, request, coalition_id, pk):
        run = self.get_object()
        rows = Suggestion.objects.filter(run=run).select_related("actor", "other")
        rows = rows.order_by("kind", "-score", "id")
        if not self.access.sees_sensitive:
            rows = rows.filter(actor__is_sensitive=False).exclude(other__is_sensitive=True)
        return self._rows(rows, MetricRunSuggestionSerializer)


class StrengthSettingsView(APIView):
    """``…/strength-settings/``: the coalition's relationship strength settings (stewards),
    the same as the settings page's. GET answers the settings in effect, defaults filled in,
    with the coalition's version (and ETag); PUT replaces them (a setting left out is its
    default) at that version, through the page's service: audited, and applied from the next
    metric run, which it requests."""

    @staticmethod
    def _answer(coalition) -> Response:
        current = StrengthSettings.from_overrides(coalition.strength_settings)
        body = {
            "half_life_days": current.half_life_days,
            "co_affiliation_weight": current.co_affiliation_weight,
            "weights": dict(current.weights),
            "version": coalition.version,
        }
        response = Response(StrengthSettingsSerializer(body).data)
        response["ETag"] = etag_for(coalition)
        return response

    @extend_schema(
        responses={200: StrengthSettingsSerializer}, summary="The relationship strength settings"
    )
    def get(self, request, coalition_id):
        access = roles.require(request.user, coalition_id, Permission.STRENGTH_MANAGE)
        return self._answer(access.coalition)

    @extend_schema(
        request=StrengthSettingsSerializer,
        responses={200: StrengthSettingsSerializer},
        parameters=[IF_MATCH],
        summary="Change the relationship strength settings (from the next metric run)",
    )
    def put(self, request, coalition_id):
        access = roles.require(request.user, coalition_id, Permission.STRENGTH_MANAGE)
        body = StrengthSettingsSerializer(
            data=request.data if isinstance(request.data, dict) else {}
        )
        body.is_valid(raise_exception=True)
        version = expected_version(request)
        settings = {
            name: body.validated_data[name]
            for name in ("half_life_days", "co_affiliation_weight", "weights")
            if name in body.validated_data
        }
        coalition = strength_settings_update(
            access=access, expected_version=version, settings=settings
        )
        return self._answer(coalition)
