"""API views the map page needs besides the map itself: who can reach an actor (the strongest
paths from the coalition's members) and the position a person drags an actor to."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from allies.models import Actor
from coalitions import roles
from coalitions.roles import Permission
from networks.api.serializers import SavedViewSerializer
from networks.models import SavedView
from networks.paths import strongest_paths
from networks.selectors import reach_graph
from networks.services import position_set
from weft.api import CoalitionViewSet


class PathsQuerySerializer(serializers.Serializer):
    to = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="The actor to reach.")
    limit = serializers.IntegerField(min_value=1, max_value=50, default=5, required=False)


class PathSerializer(serializers.Serializer):
    source = serializers.IntegerField(help_text="The member organisation the path starts from.")
    actors = serializers.ListField(child=serializers.IntegerField(), help_text="Member → target.")
    ties = serializers.ListField(child=serializers.IntegerField())
    strength = serializers.FloatField(help_text="Product of the ties' strengths out of 5, 0–1.")


class PathsSerializer(serializers.Serializer):
    to = serializers.IntegerField()
    paths = PathSerializer(many=True)


class PathsView(APIView):
    """The strongest paths to an actor from the coalition's member organisations, ranked by
    relationship strength: who is best placed to make the ask."""

    @extend_schema(
        parameters=[PathsQuerySerializer],
        responses={200: PathsSerializer},
        summary="Who can reach an actor: the strongest paths to it from the coalition's members",
    )
    def get(self, request, coalition_id):
        access = roles.require(request.user, coalition_id, Permission.MAP_VIEW)
        query = PathsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        target = query.validated_data["to"]
        actors = Actor.objects.filter(coalition=access.coalition).visible(
            include_sensitive=access.sees_sensitive
        )
        if not actors.filter(pk=target).exists():
            raise Http404("No such actor.")
        ties, members = reach_graph(access)
        paths = strongest_paths(target, ties, members, limit=query.validated_data["limit"])
        return Response(
            {
                "to": target,
                "paths": [
                    {
                        "source": path.source,
                        "actors": list(path.actors),
                        "ties": list(path.ties),
                        "strength": path.strength,
                    }
                    for path in paths
                ],
            }
        )


class PositionSerializer(serializers.Serializer):
    x = serializers.FloatField(min_value=-1e7, max_value=1e7)
    y = serializers.FloatField(min_value=-1e7, max_value=1e7)
    is_pinned = serializers.BooleanField(
        default=True, help_text="Kept by later layout runs (a position placed by hand)."
    )


class PositionView(APIView):
    """Where an actor sits on the map. Positions are layout, not data: no version, the last
    writer wins."""

    @extend_schema(
        request=PositionSerializer,
        responses={200: PositionSerializer},
        summary="Place an actor on the map (a dragged position is pinned)",
    )
    def put(self, request, coalition_id, actor_id):
        access = roles.require(request.user, coalition_id, Permission.MAP_EDIT)
        actors = Actor.objects.filter(coalition=access.coalition).visible(
            include_sensitive=access.sees_sensitive
        )
        actor = get_object_or_404(actors, pk=actor_id)
        if not access.can_edit_actor(actor):
            raise roles.PermissionDeniedForRole(access, Permission.MAP_EDIT)
        body = PositionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        position = position_set(actor=actor, **body.validated_data)
        return Response({"x": position.x, "y": position.y, "is_pinned": position.is_pinned})


class SavedViewViewSet(CoalitionViewSet):
    """Saved views of the map: read by everyone who may see the map, kept by the roles that
    edit it."""

    serializer_class = SavedViewSerializer
    search_fields = ["name"]
    ordering_fields = ["id", "name", "updated_at"]
    ordering = ["name", "id"]

    def scoped_queryset(self):
        return SavedView.objects.filter(coalition=self.access.coalition).select_related(
            "created_by"
        )

    def perform_create(self, serializer):
        return serializer.save_as(
            user=self.request.user, coalition=self.access.coalition, created_by=self.request.user
        )
