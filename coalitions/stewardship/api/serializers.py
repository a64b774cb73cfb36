"""Serializers of the steward's API."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from allies.api.fields import CoalitionActorField
from coalitions.models import AuditEntry, Role, RoleName
from coalitions.stewardship.models import Invitation
from coalitions.stewardship.services import INVITATION_DAYS
from weft.vocabulary import ActorKind


class RoleSerializer(serializers.ModelSerializer):
    """A user's current role in the coalition (stewards only). Changing it keeps the old one
    in the coalition's history and audit log."""

    user = serializers.SlugRelatedField(
        slug_field="username", queryset=get_user_model().objects.filter(is_active=True)
    )
    role = serializers.ChoiceField(choices=RoleName.choices)
    organisation = CoalitionActorField(
        required=False, allow_null=True, help_text="For members: their own organisation."
    )
    person = CoalitionActorField(
        required=False,
        allow_null=True,
        help_text="Who the user is on the map (a person): a member votes, answers and endorses "
        "for their organisation while this person is its designee.",
    )
    granted_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Role
        fields = ["id", "user", "role", "organisation", "person", "granted_by", "granted_at"]
        read_only_fields = ["granted_at"]

    def validate_person(self, person):
        if person is not None and person.kind != ActorKind.PERSON:
            raise serializers.ValidationError("must be a person.")
        return person

    def validate(self, attrs):
        if self.instance is not None and "user" in attrs and attrs["user"] != self.instance.user:
            raise serializers.ValidationError({"user": "cannot be changed; grant a new role."})
        return attrs


class InvitationSerializer(serializers.ModelSerializer):
    """An invitation (stewards only). The link's token is sent by email and kept nowhere."""

    role = serializers.ChoiceField(choices=RoleName.choices)
    organisation = CoalitionActorField(
        required=False, allow_null=True, help_text="For members: the organisation they speak for."
    )
    person = CoalitionActorField(
        required=False, allow_null=True, help_text="Who the invitee is on the map (a person)."
    )
    days = serializers.IntegerField(
        write_only=True,
        required=False,
        min_value=INVITATION_DAYS[0],
        max_value=INVITATION_DAYS[1],
        help_text="How many days the link stays open (1–30; 14 if left out).",
    )
    state = serializers.CharField(read_only=True, help_text="sent, accepted, expired or revoked")
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "role",
            "organisation",
            "person",
            "days",
            "state",
            "created_by",
            "created_at",
            "expires_at",
            "accepted_at",
            "revoked_at",
        ]
        read_only_fields = ["created_at", "expires_at", "accepted_at", "revoked_at"]


class AuditEntrySerializer(serializers.ModelSerializer):
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = AuditEntry
        fields = ["id", "created_at", "user", "action", "details"]
        read_only_fields = fields
