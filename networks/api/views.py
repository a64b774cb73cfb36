"""API views for ties, interactions and the map."""

import django_filters
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from allies.models import ActorKind, AllyKind, Stance
from coalitions import roles
from coalitions.models import RoleName
from coalitions.roles import Permission
from networks.api.serializers import InteractionSerializer, TieSerializer
from networks.map import MapFilters, map_payload
from networks.models import (
    Direction,
    Interaction,
    InteractionKind,
    InteractionParticipant,
    MapLayout,
    Tie,
    TieKind,
)
from networks.services import (
    layout_request_after_edit,
    position_place_beside_neighbours,
    tie_restore,
)
from weft.api import CoalitionViewSet, etag_for
from weft.history import HistoryEntrySerializer, history_entries


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


class TieViewSet(CoalitionViewSet):
    affects_metrics = True
    serializer_class = TieSerializer
    filterset_class = TieFilter
    search_fields = ["description"]
    ordering_fields = ["id", "strength", "started_on", "ended_on", "created_at", "updated_at"]

    def scoped_queryset(self):
        return Tie.objects.filter(coalition=self.access.coalition).visible(
            include_sensitive=self.access.sees_sensitive
        )

    members_create = True

    def member_may_write(self, tie) -> bool:
        # A member records and edits the ties of their own organisation.
        own = self.access.organisation_id
        return own is not None and own in (tie.source_id, tie.target_id)

    def perform_create(self, serializer):
        tie = serializer.save_as(user=self.request.user, coalition=self.access.coalition)
        # A new actor has no place on the map until the next layout run: beside its
        # neighbours is where a person looks for it.
        for end in (tie.source, tie.target):
            position_place_beside_neighbours(actor=end)
        layout_request_after_edit(coalition_id=self.access.coalition.pk)
        return tie

    def perform_destroy(self, tie):
        super().perform_destroy(tie)
        layout_request_after_edit(coalition_id=self.access.coalition.pk)

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
        if self.access.role == RoleName.MEMBER:  # organizers, weavers, stewards restore
            raise roles.PermissionDeniedForRole(self.access, Permission.MAP_EDIT)
        with transaction.atomic():
            tie = tie_restore(
                access=self.access, tie_id=int(pk), history_id=int(history_id), user=request.user
            )
            layout_request_after_edit(coalition_id=self.access.coalition.pk)
        response = Response(self.get_serializer(tie).data)
        response["ETag"] = etag_for(tie)
        return response


class InteractionFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=InteractionKind.choices)
    actor = django_filters.NumberFilter(field_name="participations__actor", distinct=True)
    occurred_after = django_filters.DateFilter(field_name="occurred_on", lookup_expr="gte")
    occurred_before = django_filters.DateFilter(field_name="occurred_on", lookup_expr="lte")


class InteractionViewSet(CoalitionViewSet):
    affects_metrics = True
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

    def member_may_write(self, interaction) -> bool:
        return False

    def perform_create(self, serializer):
        return serializer.save_as(
            user=self.request.user, coalition=self.access.coalition, recorded_by=self.request.user
        )


class MapQuerySerializer(serializers.Serializer):
    """The map's filters; a wrong value is a 400 naming the parameter."""

    stance = serializers.ListField(
        child=serializers.ChoiceField(choices=Stance.choices), required=False
    )
    kind = serializers.ListField(
        child=serializers.ChoiceField(choices=ActorKind.choices), required=False
    )
    ally_kind = serializers.ChoiceField(choices=AllyKind.choices, required=False)
    tag = serializers.CharField(required=False, max_length=80)
    working_group = serializers.IntegerField(required=False, min_value=1)
    min_strength = serializers.IntegerField(required=False, min_value=1, max_value=5)
    as_of = serializers.DateField(required=False, input_formats=["%Y-%m-%d"])
    layout = serializers.ChoiceField(
        choices=MapLayout.choices,
        required=False,
        help_text="force: the stored force-directed positions; power: stance across, influence up.",
    )
    inferred = serializers.BooleanField(
        required=False,
        default=True,
        help_text="Include inferred relationships: actors who interacted but have no declared "
        "tie (false leaves them out).",
    )


def filters_query(filters: dict):
    """A saved view's filters (a JSON object: a value or a list of values per parameter) as
    the query string the map takes."""
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for key, given in filters.items():
        for item in given if isinstance(given, list) else [given]:
            query.appendlist(key, str(item))
    return query


def map_filters_from(query_params) -> MapFilters:
    """The map's filters from a query string (the API's and the pages'); a wrong value raises
    a ValidationError naming the parameter."""
    query = MapQuerySerializer(
        data={
            **{k: v for k, v in query_params.items() if k not in ("stance", "kind") and v != ""},
            **{k: query_params.getlist(k) for k in ("stance", "kind") if k in query_params},
        }
    )
    query.is_valid(raise_exception=True)
    params = query.validated_data
    return MapFilters(
        stances=tuple(params.get("stance", ())),
        kinds=tuple(params.get("kind", ())),
        ally_kind=params.get("ally_kind"),
        tag=params.get("tag"),
        working_group=params.get("working_group"),
        min_strength=params.get("min_strength"),
        as_of=params.get("as_of"),
        layout=params.get("layout", MapLayout.FORCE),
        inferred=params.get("inferred", True),
    )


class MapNodeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=ActorKind.choices)
    is_sensitive = serializers.BooleanField()
    is_directly_affected = serializers.BooleanField()
    stance = serializers.ChoiceField(choices=Stance.choices, allow_null=True)
    ally_kind = serializers.ChoiceField(choices=AllyKind.choices, allow_null=True)
    influence = serializers.IntegerField(allow_null=True)
    proximity = serializers.IntegerField(allow_null=True)
    commitment = serializers.IntegerField(allow_null=True)
    x = serializers.FloatField(allow_null=True, help_text="Stored layout position.")
    y = serializers.FloatField(allow_null=True)
    is_pinned = serializers.BooleanField(allow_null=True)


class MapEdgeSerializer(serializers.Serializer):
    """A declared tie, or an inferred relationship (``inferred``: interactions between the
    two actors and no declared tie; it has no id, kind or declared strength)."""

    id = serializers.IntegerField(allow_null=True, help_text="The tie; null when inferred.")
    source = serializers.IntegerField()
    target = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=TieKind.choices, allow_null=True)
    direction = serializers.ChoiceField(choices=Direction.choices)
    strength = serializers.IntegerField(allow_null=True, help_text="Declared strength, 1–5.")
    started_on = serializers.DateField(allow_null=True)
    ended_on = serializers.DateField(allow_null=True)
    is_sensitive = serializers.BooleanField()
    inferred = serializers.BooleanField(help_text="No declared tie: inferred from interactions.")
    relationship_strength = serializers.FloatField(
        allow_null=True,
        help_text="Inferred only: observed strength 0–1 from the interactions "
        "(networks/strength.py), decayed to the map's date.",
    )
    interaction_count = serializers.IntegerField(
        allow_null=True, help_text="Inferred only: how many interactions the two shared."
    )


class MapSerializer(serializers.Serializer):
    coalition = serializers.IntegerField()
    as_of = serializers.DateField(allow_null=True)
    nodes = MapNodeSerializer(many=True)
    edges = MapEdgeSerializer(many=True)


class MapView(APIView):
    """Every visible actor (with its assessment and stored position) and tie, in one response."""

    @extend_schema(
        parameters=[MapQuerySerializer],
        responses={200: MapSerializer},
        summary="The coalition map (nodes and edges), optionally as it stood on a past date",
    )
    def get(self, request, coalition_id):
        access = roles.require(request.user, coalition_id, Permission.MAP_VIEW)
        filters = map_filters_from(request.query_params)
        return HttpResponse(map_payload(access, filters), content_type="application/json")
