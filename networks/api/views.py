"""API views for ties, interactions and the map."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from coalitions.api.viewsets import CoalitionScopedViewSet
from networks.api.serializers import InteractionSerializer, TieSerializer
from networks.models import Interaction, InteractionParticipant, Tie
from networks.services import (
    interaction_create,
    interaction_delete,
    interaction_update,
    tie_create,
    tie_delete,
    tie_restore,
    tie_update,
)
from weft.api import optional_version
from weft.history import HistoryEntrySerializer, history_entries
from weft.vocabulary import Direction, InteractionKind, TieKind


class TieFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=TieKind.choices)
    direction = django_filters.ChoiceFilter(choices=Direction.choices)
    source = django_filters.NumberFilter()
    target = django_filters.NumberFilter()
    actor = django_filters.NumberFilter(method="either_end", label="Either end is this actor")
    min_strength = django_filters.NumberFilter(field_name="strength", lookup_expr="gte")
    is_sensitive = django_filters.BooleanFilter()
    current_on = django_filters.DateFilter(method="current_on_date", label="Existed on this date")

    def either_end(self, queryset, name, value):
        return queryset.filter(Q(source_id=value) | Q(target_id=value))

    def current_on_date(self, queryset, name, value):
        return queryset.current(value)


class TieViewSet(CoalitionScopedViewSet):
    """Declared ties. A member records and edits the ties of their own organisation."""

    serializer_class = TieSerializer
    filterset_class = TieFilter
    search_fields = ["description"]
    ordering_fields = ["id", "strength", "started_on", "ended_on", "created_at", "updated_at"]

    def scoped_queryset(self):
        return Tie.objects.filter(coalition=self.access.coalition).visible(
            include_sensitive=self.access.sees_sensitive
        )

    members_create = True

    def perform_create(self, serializer):
        return tie_create(access=self.access, **serializer.validated_data)

    def perform_update(self, serializer, tie, expected_version):
        return tie_update(
            access=self.access,
            tie=tie,
            expected_version=expected_version,
            **serializer.validated_data,
        )

    def perform_destroy(self, tie, expected_version):
        tie_delete(access=self.access, tie=tie, expected_version=expected_version)

    @extend_schema(responses=HistoryEntrySerializer(many=True), summary="A tie's history")
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request, coalition_id, pk):
        records = Tie.history.filter(id=pk, coalition_id=self.access.coalition.pk)
        return Response(history_entries(self.access, records))

    @extend_schema(
        request=None,
        responses={200: TieSerializer},
        summary="Restore a tie to a version of its history (also a deleted tie)",
    )
    @action(detail=True, methods=["post"], url_path=r"history/(?P<history_id>\d+)/restore")
    def restore(self, request, coalition_id, pk, history_id):
        tie = tie_restore(
            access=self.access,
            tie_id=int(pk),
            history_id=int(history_id),
            expected_version=optional_version(request),
        )
        return self.item_response(tie, read_again=False)


class InteractionFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=InteractionKind.choices)
    actor = django_filters.NumberFilter(field_name="participations__actor", distinct=True)
    occurred_after = django_filters.DateFilter(field_name="occurred_on", lookup_expr="gte")
    occurred_before = django_filters.DateFilter(field_name="occurred_on", lookup_expr="lte")


class InteractionViewSet(CoalitionScopedViewSet):
    """Interactions: the evidence relationship strength is computed from."""

    serializer_class = InteractionSerializer
    filterset_class = InteractionFilter
    search_fields = ["summary"]
    ordering_fields = ["id", "occurred_on", "created_at"]
    ordering = ["-occurred_on", "id"]

    def scoped_queryset(self):
        interactions = Interaction.objects.filter(coalition=self.access.coalition)
        if not self.access.sees_sensitive:
            # An interaction involving a sensitive actor would reveal that actor.
            hidden = InteractionParticipant.objects.filter(
                interaction=OuterRef("pk"), actor__is_sensitive=True
            )
            interactions = interactions.exclude(Exists(hidden))
        return interactions.prefetch_related("participations")

    def perform_create(self, serializer):
        return interaction_create(access=self.access, **serializer.validated_data)

    def perform_update(self, serializer, interaction, expected_version):
        return interaction_update(
            access=self.access,
            interaction=interaction,
            expected_version=expected_version,
            **serializer.validated_data,
        )

    def perform_destroy(self, interaction, expected_version):
        interaction_delete(
            access=self.access, interaction=interaction, expected_version=expected_version
        )
