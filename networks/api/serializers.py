"""Serializers of the networks API: ties and interactions."""

from rest_framework import serializers

from allies.api.fields import CoalitionActorField
from networks.models import PARTICIPANT_ELSEWHERE, STRENGTH_RANGE, Interaction, Tie
from weft.serializers import EDITABLE_ROW_FIELDS, WeftModelSerializer


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
        fields = (
            ("id", "source", "target", "kind", "direction", "strength", "started_on", "ended_on")
            + ("is_sensitive", "description")
            + ("type_label", "declared_weight", "custom_fields")
            + EDITABLE_ROW_FIELDS
        )
        # What an imported file said of the tie, kept as it said it: set by imports.
        read_only_fields = ["created_at", "updated_at", "type_label", "declared_weight"]
        read_only_fields += ["custom_fields"]

    def get_fields(self):
        fields = super().get_fields()
        access = self.context.get("access")
        if access is not None and not access.sees_sensitive:
            fields["is_sensitive"].read_only = True
        return fields


class ParticipantsField(serializers.ListField):
    """Ids of the actors who took part, read from the prefetched participations."""

    child = CoalitionActorField(error_messages={"does_not_exist": PARTICIPANT_ELSEWHERE})

    def get_attribute(self, interaction):
        return interaction

    def to_representation(self, interaction):
        return sorted(p.actor_id for p in interaction.participations.all())


class InteractionSerializer(WeftModelSerializer):
    participants = ParticipantsField(min_length=2, help_text="Ids of the actors who took part.")

    class Meta:
        model = Interaction
        fields = (
            ("id", "kind", "occurred_on", "summary", "participants")
            + ("follow_up", "follow_up_on")
            + ("action", "working_group")
            + EDITABLE_ROW_FIELDS
        )
        read_only_fields = ["created_at", "updated_at", "action", "working_group"]
