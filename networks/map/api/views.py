"""API views the map page needs besides the map itself: who can reach an actor (the strongest
paths from the coalition's members) and the position a person drags an actor to."""

import orjson
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from allies.models import Actor
from coalitions import roles
from coalitions.api.viewsets import CoalitionScopedViewSet
from coalitions.roles import Permission
from networks.graph.paths import strongest_paths
from networks.map import presence
from networks.map.api.serializers import (
    SavedViewSerializer,
    StoryLinkSerializer,
    StorySerializer,
)
from networks.map.filters import MapQuerySerializer, map_filters_from
from networks.map.live import MAX_AGE, BadCursor, Cursor, map_changes, present_header
from networks.map.models import SavedView, Story, StoryLink
from networks.map.payload import map_payload_kept, map_version
from networks.map.selectors import colour_values, reach_graph
from networks.map.services import (
    position_set,
    saved_view_create,
    saved_view_delete,
    saved_view_update,
    story_create,
    story_delete,
    story_link_create,
    story_link_revoke,
    story_update,
)
from weft.vocabulary import ActorKind, AllyKind, Direction, Stance, TieKind

# No ask travels through them.
OPPOSITION = {Stance.ACTIVE_OPPOSITION, Stance.PASSIVE_OPPOSITION}


class PathsQuerySerializer(serializers.Serializer):
    to = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="The actor to reach.")
    limit = serializers.IntegerField(min_value=1, max_value=50, default=5, required=False)


class PathStepSerializer(serializers.Serializer):
    tie = serializers.IntegerField()
    source = serializers.IntegerField(help_text="The actor this step starts from.")
    target = serializers.IntegerField(help_text="The actor this step reaches.")
    kind = serializers.ChoiceField(choices=TieKind.choices)
    strength = serializers.IntegerField(allow_null=True, help_text="Declared, 1–5 (null: 3).")


class PathSerializer(serializers.Serializer):
    source = serializers.IntegerField(help_text="The member organisation the path starts from.")
    actors = serializers.ListField(child=serializers.IntegerField(), help_text="Member → target.")
    ties = serializers.ListField(child=serializers.IntegerField())
    strength = serializers.FloatField(help_text="Product of the ties' strengths out of 5, 0–1.")
    steps = PathStepSerializer(many=True, help_text="Why it ranks where it does: each hand-over.")
    neutrals = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Actors along the way (not its ends) who are neutral: the ask relies on them.",
    )


class PathsSerializer(serializers.Serializer):
    to = serializers.IntegerField()
    paths = PathSerializer(many=True)


class PathsView(APIView):
    """The strongest paths to an actor from the coalition's member organisations, ranked by
    relationship strength: who is best placed to make the ask. A path never runs through an
    actor in active or passive opposition, nor along a conflict tie; each step says its tie's
    kind and strength, and the neutrals it relies on are named."""

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
        ties, members, stances = reach_graph(access)
        opponents = {a for a, stance in stances.items() if stance in OPPOSITION}
        paths = strongest_paths(
            target,
            [tie[:4] for tie in ties],
            members,
            limit=query.validated_data["limit"],
            blocked=opponents,
        )
        used = {tie for path in paths for tie in path.ties}
        kinds = {tie_id: kind for tie_id, _, _, _, kind in ties if tie_id in used}
        strengths = {tie_id: strength for tie_id, _, _, strength, _ in ties if tie_id in used}
        return Response(
            {
                "to": target,
                "paths": [
                    {
                        "source": path.source,
                        "actors": list(path.actors),
                        "ties": list(path.ties),
                        "strength": path.strength,
                        "steps": [
                            {
                                "tie": tie,
                                "source": path.actors[i],
                                "target": path.actors[i + 1],
                                "kind": kinds[tie],
                                "strength": strengths[tie],
                            }
                            for i, tie in enumerate(path.ties)
                        ],
                        "neutrals": [
                            a for a in path.actors[1:-1] if stances.get(a) == Stance.NEUTRAL
                        ],
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
        body = PositionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        position = position_set(access=access, actor=actor, **body.validated_data)
        return Response({"x": position.x, "y": position.y, "is_pinned": position.is_pinned})


class SavedViewViewSet(CoalitionScopedViewSet):
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
        return saved_view_create(access=self.access, **serializer.validated_data)

    def perform_update(self, serializer, view, expected_version):
        return saved_view_update(
            access=self.access,
            view=view,
            expected_version=expected_version,
            **serializer.validated_data,
        )

    def perform_destroy(self, view, expected_version):
        saved_view_delete(access=self.access, view=view, expected_version=expected_version)


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
        read_at = timezone.now()  # before the version: a later write shows in the changes
        version = map_version(access, filters)
        etag = f'"{version}"' if version else None
        if etag and etag in _etags(request.headers.get("If-None-Match", "")):
            response = HttpResponse(status=304)
        else:
            response = HttpResponse(
                map_payload_kept(access, filters, version), content_type="application/json"
            )
        if etag:
            response["ETag"] = etag
        # Where the live map's polling starts (…/map/changes/?since=).
        response[CURSOR_HEADER] = str(Cursor(at=read_at, map=version or ""))
        # Kept by the browser, and asked again each time: an unchanged map is a 304.
        response["Cache-Control"] = "private, no-cache"
        return response


CURSOR_HEADER = "Weft-Map-Cursor"
PRESENT_HEADER = "Weft-Map-Present"


class MapChangesQuerySerializer(MapQuerySerializer):
    since = serializers.CharField(
        required=False,
        help_text="The cursor of the last answer (its Weft-Map-Cursor header, or the map's). "
        "Without it: a cursor for now, and no changes.",
    )


class MapChangeStampSerializer(serializers.Serializer):
    change = serializers.CharField(help_text="This change (mark it once).")
    changed_by = serializers.CharField(allow_null=True, help_text="Username; null: a layout run.")
    changed_at = serializers.DateTimeField()


class ChangedNodeSerializer(MapNodeSerializer, MapChangeStampSerializer):
    pass


class ChangedEdgeSerializer(MapEdgeSerializer, MapChangeStampSerializer):
    pass


class RemovedSerializer(MapChangeStampSerializer):
    id = serializers.IntegerField()


class MapChangesSerializer(serializers.Serializer):
    since = serializers.CharField(help_text="The cursor to send next time.")
    reload = serializers.BooleanField(help_text="Too long since the cursor: fetch the map whole.")
    actors = ChangedNodeSerializer(many=True)
    ties = ChangedEdgeSerializer(many=True)
    removed_actors = RemovedSerializer(many=True)
    removed_ties = RemovedSerializer(many=True)
    present = serializers.ListField(
        child=serializers.CharField(),
        allow_null=True,
        help_text="Who else has the map open (usernames); null: unknown (Redis away).",
    )


class MapChangesView(APIView):
    """The live map: what changed on the map since a cursor, and who else has it open. A 304
    (no body; the fresh cursor in the Weft-Map-Cursor header) when the map did not change, in
    one query and one Redis round trip; otherwise the changed actors and ties as the map
    payload shapes them for this role and these filters, each with who changed it, and the
    ids that left this viewer's map. Every answer says who else has the map open in its
    Weft-Map-Present header (percent-encoded usernames joined by commas; "?" when unknown).
    Holds no worker: the page asks again every few seconds."""

    @extend_schema(
        parameters=[MapChangesQuerySerializer],
        responses={200: MapChangesSerializer, 304: None},
        summary="Live map: changes since a cursor (304 when none), and who else is here",
    )
    def get(self, request, coalition_id):
        access = roles.require(request.user, coalition_id, Permission.MAP_VIEW)
        filters = map_filters_from(request.query_params)
        try:
            since = Cursor.parse(request.query_params["since"])
        except KeyError:
            since = None
        except BadCursor as error:
            raise serializers.ValidationError({"since": [str(error)]}) from error
        now = timezone.now()  # before the reads: anything later is in the next answer
        others = presence.present(access.coalition.pk, request.user.get_username())
        version = map_version(access, filters) or ""
        cursor = str(Cursor(at=now, map=version))
        if since is not None and version and since.map == version:
            response = HttpResponse(status=304)
        else:
            answer = {"since": cursor, "reload": False}
            empty = {"actors": [], "ties": [], "removed_actors": [], "removed_ties": []}
            if since is None:
                answer.update(empty)  # a first poll: from now on
            elif now - since.at > MAX_AGE:
                answer.update(empty, reload=True)
            else:
                answer.update(map_changes(access, filters, since.at))
            answer["present"] = others
            response = HttpResponse(
                orjson.dumps(answer, option=orjson.OPT_NON_STR_KEYS),
                content_type="application/json",
            )
        response[CURSOR_HEADER] = cursor
        response[PRESENT_HEADER] = present_header(others)
        response["Cache-Control"] = "no-store"
        return response


def _etags(header: str) -> set[str]:
    """The entity tags of an If-None-Match header, weak or strong alike (RFC 9110 13.1.2:
    weak comparison; the gzip layer makes the tag weak)."""
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


class ColoursQuerySerializer(serializers.Serializer):
    by = serializers.RegexField(
        r"^(community|phase|working_group|tag|custom:.{1,80})$",
        help_text="community (latest metric run), phase, working_group, tag or custom:<field>.",
    )


class ColoursSerializer(serializers.Serializer):
    by = serializers.CharField(help_text="What the map is coloured by, as asked.")
    title = serializers.CharField(help_text="The legend's title.")
    values = serializers.DictField(
        child=serializers.CharField(),
        help_text="Each actor's value by actor id; actors without a value are absent.",
    )


class ColoursView(APIView):
    """What each actor is by something the map payload does not carry (its community in the
    latest metric run, its member phase, working group, tag or a custom field), for colouring
    the map by it. Actors without a value are absent."""

    @extend_schema(
        parameters=[ColoursQuerySerializer],
        responses=ColoursSerializer,
        summary="Colour the map by community, phase, working group, tag or a custom field",
    )
    def get(self, request, coalition_id):
        access = roles.require(request.user, coalition_id, Permission.MAP_VIEW)
        query = ColoursQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        values, title = colour_values(access, query.validated_data["by"])
        return Response({"by": query.validated_data["by"], "title": title, "values": values})


class StoryViewSet(CoalitionScopedViewSet):
    """Stories (story mode): ordered steps through the map, each a camera, filters, layers,
    colours, a caption and highlighted actors. Played by everyone who may see the map (each
    step scoped to the reader), written by the roles that edit the whole map; the steps are
    sent whole (add, reorder, edit, remove) with the version they were read at."""

    serializer_class = StorySerializer
    write_permission = Permission.MAP_EDIT_ALL
    search_fields = ["title"]
    ordering_fields = ["id", "title", "updated_at"]
    ordering = ["title", "id"]

    def scoped_queryset(self):
        return Story.objects.filter(coalition=self.access.coalition).select_related("created_by")

    def perform_create(self, serializer):
        return story_create(access=self.access, **serializer.validated_data)

    def perform_update(self, serializer, story, expected_version):
        return story_update(
            access=self.access,
            story=story,
            expected_version=expected_version,
            **serializer.validated_data,
        )

    def perform_destroy(self, story, expected_version):
        story_delete(access=self.access, story=story, expected_version=expected_version)


class StoryLinkViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Read-only links to a story for people without an account (stewards only): unguessable,
    expiring, revocable, audited; what they show has no sensitive item and no personal
    detail. The link's address is returned once, when it is made."""

    serializer_class = StoryLinkSerializer
    http_method_names = ["get", "post", "head", "options"]
    lookup_value_regex = r"\d+"
    filter_backends: list = []

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.access = roles.access_for(request.user, kwargs.get("coalition_id"))
        self.access.require(Permission.REPORTS_SHARE)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return StoryLink.objects.none()
        return StoryLink.objects.filter(story__coalition=self.access.coalition).order_by(
            "-created_at", "-id"
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["access"] = getattr(self, "access", None)
        return context

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        link, token = story_link_create(
            access=self.access,
            story=serializer.validated_data["story"],
            expires_in_days=serializer.validated_data["expires_in_days"],
        )
        context = {**self.get_serializer_context(), "tokens": {link.pk: token}}
        return Response(
            StoryLinkSerializer(link, context=context).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=None, responses={200: StoryLinkSerializer}, summary="Revoke a link")
    @action(detail=True, methods=["post"])
    def revoke(self, request, *args, **kwargs):
        link = story_link_revoke(access=self.access, link=self.get_object())
        return Response(self.get_serializer(link).data)
