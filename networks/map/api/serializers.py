"""Serializers of the map's API (saved views)."""

from rest_framework import serializers

from networks.map.models import MapLayout, SavedView, Story, StoryLink
from weft.serializers import EDITABLE_ROW_FIELDS, WeftModelSerializer

# What the map can colour by (the "Colour by" menu); custom fields by name.
COLOUR_BY = r"^(stance|kind|ally_kind|community|phase|working_group|tag|custom:.{1,80})$"


class SavedViewSerializer(WeftModelSerializer):
    """A named view of the map: filters (the map's query parameters), layout and camera."""

    FILTER_KEYS = (
        "stance",
        "kind",
        "ally_kind",
        "tag",
        "working_group",
        "min_strength",
        "as_of",
        "inferred",
    )
    # The layout is a field of its own, not a filter.
    SIZE_BY = ("influence", "degree", "commitment", "proximity")

    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    size_by = serializers.ChoiceField(choices=SIZE_BY, default="influence")
    colour_by = serializers.RegexField(COLOUR_BY, default="stance")

    class Meta:
        model = SavedView
        fields = (
            ("id", "name", "description")
            + ("filters", "layout", "size_by", "colour_by", "camera")
            + ("created_by",)
            + EDITABLE_ROW_FIELDS
        )
        read_only_fields = ["created_at", "updated_at"]

    def validate_filters(self, value):
        """The same filters the map endpoint takes, checked by the same rules."""
        from networks.map.filters import filters_query, map_filters_from

        if not isinstance(value, dict):
            raise serializers.ValidationError("must be an object of map filters.")
        unknown = sorted(set(value) - set(self.FILTER_KEYS))
        if unknown:
            raise serializers.ValidationError(f"unknown filters: {', '.join(unknown)}.")
        for key, given in value.items():
            for item in given if isinstance(given, list) else [given]:
                if not isinstance(item, str | int):
                    raise serializers.ValidationError({key: "must be text or a number."})
        query = filters_query(value)
        map_filters_from(query)  # raises a ValidationError naming the parameter
        return {
            key: query.getlist(key) if key in ("stance", "kind") else query[key] for key in query
        }

    def validate_camera(self, value):
        if value in (None, {}):
            return {}
        if not isinstance(value, dict) or set(value) - {"x", "y", "ratio", "angle"}:
            raise serializers.ValidationError("must be an object with x, y and ratio.")
        for key, number in value.items():
            if isinstance(number, bool) or not isinstance(number, int | float):
                raise serializers.ValidationError({key: "must be a number."})
            if not -1e9 < number < 1e9:
                raise serializers.ValidationError({key: "is out of range."})
        return value


# ---------------------------------------------------------------------------------------------
# Stories (issue #18, story mode)


class StoryLayersSerializer(serializers.Serializer):
    inferred = serializers.BooleanField(
        default=False, help_text="Draw inferred relationships (interactions, no declared tie)."
    )
    hulls = serializers.BooleanField(default=False, help_text="Draw groups as soft hulls.")


class StoryStepSerializer(serializers.Serializer):
    """One step: where the camera is, what is filtered, which layers and colours, a caption
    (Markdown) and the actors it highlights."""

    key = serializers.RegexField(
        r"^[0-9a-f]{12}$",
        required=False,
        help_text="The step's own key (given by the server): send it back to keep the step.",
    )
    caption = serializers.CharField(allow_blank=True, max_length=4000, default="")
    caption_html = serializers.CharField(
        read_only=True, help_text="The caption rendered (Markdown, sanitised) for the reader."
    )
    filters = serializers.JSONField(default=dict, help_text="The map's query parameters.")
    layout = serializers.ChoiceField(choices=MapLayout.choices, default=MapLayout.FORCE)
    size_by = serializers.ChoiceField(choices=SavedViewSerializer.SIZE_BY, default="influence")
    colour_by = serializers.RegexField(COLOUR_BY, default="stance")
    layers = StoryLayersSerializer(default=dict)
    camera = serializers.JSONField(default=dict, help_text="x, y and ratio of the view.")
    highlighted = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        max_length=50,
        default=list,
        help_text="Actors this step lifts out (those the reader may not see are left out).",
    )

    def validate_filters(self, value):
        value = SavedViewSerializer().validate_filters(value)
        value.pop("inferred", None)  # a layer, kept in ``layers``
        return value

    def validate_camera(self, value):
        return SavedViewSerializer().validate_camera(value)

    def validate_layers(self, value):
        return {"inferred": False, "hulls": False, **(value or {})}


class StorySerializer(WeftModelSerializer):
    """A story: an ordered list of steps, played forward and back."""

    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    steps = StoryStepSerializer(many=True, required=False, max_length=60)

    class Meta:
        model = Story
        fields = ("id", "title", "steps", "created_by") + EDITABLE_ROW_FIELDS
        read_only_fields = ["created_at", "updated_at"]

    def to_representation(self, story):
        from networks.map.selectors import story_steps_for

        data = super().to_representation(story)
        access = self.context.get("access")
        if access is not None:
            data["steps"] = story_steps_for(story, access)
        return data


class StoryLinkSerializer(serializers.ModelSerializer):
    story = serializers.PrimaryKeyRelatedField(queryset=Story.objects.none())
    expires_in_days = serializers.IntegerField(
        write_only=True, required=False, default=30, min_value=1, max_value=90
    )
    url = serializers.SerializerMethodField(
        help_text="The link, returned once when it is created (only its hash is stored)."
    )
    is_open = serializers.SerializerMethodField()

    class Meta:
        model = StoryLink
        fields = (
            ("id", "story")
            + ("expires_in_days", "expires_at", "revoked_at", "created_at")
            + ("url", "is_open")
        )
        read_only_fields = ["expires_at", "revoked_at", "created_at"]

    def get_fields(self):
        fields = super().get_fields()
        access = self.context.get("access")
        if access is not None:
            fields["story"].queryset = Story.objects.filter(coalition=access.coalition)
        return fields

    def get_url(self, link) -> str | None:
        from django.urls import reverse

        token = self.context.get("tokens", {}).get(link.pk)
        request = self.context.get("request")
        if token is None or request is None:
            return None
        return request.build_absolute_uri(reverse("shared-story-open", args=[token]))

    def get_is_open(self, link) -> bool:
        from django.utils import timezone

        return link.is_open(timezone.now())
