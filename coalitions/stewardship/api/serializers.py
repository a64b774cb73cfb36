"""Serializers of the steward's API."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from allies.api.fields import CoalitionActorField
from coalitions.models import Role, RoleName
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
