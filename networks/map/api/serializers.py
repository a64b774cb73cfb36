"""Serializers of the map's API (saved views)."""

from rest_framework import serializers

from networks.map.models import SavedView
from weft.serializers import EDITABLE_ROW_FIELDS, WeftModelSerializer


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

    class Meta:
        model = SavedView
        fields = (
            ("id", "name")
            + ("filters", "layout", "size_by", "camera")
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
