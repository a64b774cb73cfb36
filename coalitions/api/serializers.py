"""Serializers of the coalitions API: coalitions and roles, and the coalition's workflow
(targets, memberships, unity statements and their signatures, principles and endorsements,
working groups, actions, wins and shifts in the political climate)."""

from rest_framework import serializers

from coalitions.models import Coalition
from weft.serializers import EDITABLE_ROW_FIELDS, WeftModelSerializer


class CoalitionSerializer(WeftModelSerializer):
    role = serializers.SerializerMethodField(help_text="Your role in this coalition.")

    class Meta:
        model = Coalition
        fields = (
            ("id", "name", "cause", "social_change_goal", "social_power_goal", "scale", "phase")
            + ("reports_show_organisation_names", "reports_small_count_threshold")
            + ("require_two_factor",)
            + ("retain_contacts_days", "retain_interaction_notes_days", "retain_signatures_days")
            + ("retain_invitations_days", "retain_audit_days")
            + ("role",)
            + EDITABLE_ROW_FIELDS
        )
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {"reports_small_count_threshold": {"min_value": 1, "max_value": 100}}

    def get_role(self, coalition) -> str | None:
        role = getattr(coalition, "user_role", None)
        if role is None and self.context.get("access") is not None:
            role = self.context["access"].role.value
        return role
