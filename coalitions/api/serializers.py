"""Serializers of the coalitions API: coalitions and roles."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from weft.serializers import CoalitionActorField, WeftModelSerializer

from ..models import Coalition, Role, RoleName

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
    granted_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Role
        fields = ["id", "user", "role", "organisation", "granted_by", "granted_at"]
        read_only_fields = ["granted_at"]

    def validate(self, attrs):
        if self.instance is not None and "user" in attrs and attrs["user"] != self.instance.user:
            raise serializers.ValidationError({"user": "cannot be changed; grant a new role."})
        return attrs
