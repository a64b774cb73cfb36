"""Serializers of the networks API: ties and interactions."""

from rest_framework import serializers

from networks.models import STRENGTH_RANGE, Interaction, InteractionParticipant, SavedView, Tie
from weft.serializers import CoalitionActorField, WeftModelSerializer, validate_dates_in_order


class TieSerializer(WeftModelSerializer):
    source = CoalitionActorField()
    target = CoalitionActorField()
    strength = serializers.IntegerField(
        min_value=STRENGTH_RANGE[0],
        max_value=STRENGTH_RANGE[1],
        required=False,
        allow_null=True,
        help_text="Declared strength, 1 (weak) to 5 (strong); optional.",
    )

    class Meta:
        model = Tie
        fields = [
            "id", "source", "target", "kind", "direction", "strength", "started_on",
            "ended_on", "is_sensitive", "description", "version", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]

    def get_fields(self):
        fields = super().get_fields()
        access = self.context.get("access")
        if access is not None and not access.sees_sensitive:
            fields["is_sensitive"].read_only = True
        return fields

    def validate(self, attrs):
        source = attrs.get("source", getattr(self.instance, "source", None))
        target = attrs.get("target", getattr(self.instance, "target", None))
        if source is not None and source == target:
            raise serializers.ValidationError({"target": "must be another actor than source."})
        validate_dates_in_order(attrs, self.instance, "started_on", "ended_on")
        return attrs


class ParticipantsField(serializers.ListField):
    """Ids of the actors who took part, read from the prefetched participations."""

    child = CoalitionActorField()

    def get_attribute(self, interaction):
        return interaction

    def to_representation(self, interaction):
        return sorted(p.actor_id for p in interaction.participations.all())


class InteractionSerializer(WeftModelSerializer):
    participants = ParticipantsField(min_length=2, help_text="Ids of the actors who took part.")

    class Meta:
        model = Interaction
        fields = [
            "id", "kind", "occurred_on", "summary", "participants", "action", "working_group",
            "version", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at", "action", "working_group"]

    def validate_participants(self, actors):
        if len({a.pk for a in actors}) != len(actors):
            raise serializers.ValidationError("lists an actor twice.")
        return actors

    def create(self, validated_data):
        actors = validated_data.pop("participants")
        interaction = super().create(validated_data)
        InteractionParticipant.objects.bulk_create(
            InteractionParticipant(interaction=interaction, actor=a) for a in actors
        )
        return interaction

    def update(self, interaction, validated_data):
        actors = validated_data.pop("participants", None)
        interaction = super().update(interaction, validated_data)
        if actors is not None:
            interaction.participations.all().delete()
            InteractionParticipant.objects.bulk_create(
                InteractionParticipant(interaction=interaction, actor=a) for a in actors
            )
        return interaction


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
        fields = [
            "id", "name", "filters", "layout", "size_by", "camera", "created_by", "version",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]

    def validate_name(self, value):
        value = value.strip()
        if not value:
            raise serializers.ValidationError("must not be blank.")
        access = self.context["access"]
        others = SavedView.objects.filter(coalition=access.coalition, name=value)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError("a saved view of this coalition has this name.")
        return value

    def validate_filters(self, value):
        """The same filters the map endpoint takes, checked by the same rules."""
        from networks.api.views import filters_query, map_filters_from

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
