"""Serializers of the coalitions API: coalitions and roles, and the coalition's workflow
(targets, memberships, unity statements and their signatures, principles and endorsements,
working groups, actions, wins and shifts in the political climate)."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from allies.api.fields import CoalitionActorField
from coalitions.api.fields import other_rows
from coalitions.models import Coalition, Role, RoleName, Target
from weft.serializers import WeftModelSerializer
from weft.vocabulary import ActorKind

PRIVACY_FIELDS = ("reports_show_organisation_names", "reports_small_count_threshold")


class CoalitionSerializer(WeftModelSerializer):
    role = serializers.SerializerMethodField(help_text="Your role in this coalition.")

    class Meta:
        model = Coalition
        fields = [
            "id", "name", "cause", "social_change_goal", "social_power_goal", "scale", "phase",
            "reports_show_organisation_names", "reports_small_count_threshold", "role",
            "version", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {"reports_small_count_threshold": {"min_value": 1, "max_value": 100}}

    def get_role(self, coalition) -> str | None:
        role = getattr(coalition, "user_role", None)
        if role is None and self.context.get("access") is not None:
            role = self.context["access"].role.value
        return role

    def validate_name(self, value):
        if not value.strip():
            raise serializers.ValidationError("must not be blank.")
        return value.strip()


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


class TargetSerializer(WeftModelSerializer):
    actor = CoalitionActorField(help_text="The decision-maker the coalition means to move.")

    class Meta:
        model = Target
        fields = ["id", "actor", "demand", "is_primary", "version", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]

    def validate_actor(self, actor):
        if other_rows(self, Target.objects.filter(actor=actor)).exists():
            raise serializers.ValidationError("is already a target of this coalition.")
        return actor
