"""Serializers of the networks API: ties and interactions."""

from rest_framework import serializers

from allies.api.fields import CoalitionActorField
from networks.models import STRENGTH_RANGE, Interaction, InteractionParticipant, Tie
from weft.serializers import WeftModelSerializer, validate_dates_in_order


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
