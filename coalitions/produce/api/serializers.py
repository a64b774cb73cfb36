"""Serializers of the Produce API."""

from django.db.models import Prefetch, prefetch_related_objects
from rest_framework import serializers

from allies.api.fields import CoalitionActorField
from coalitions.api.fields import (
    CoalitionRowField,
    NamedChoiceField,
    UnversionedSerializer,
    coalition_of,
    other_rows,
)
from coalitions.produce.models import (
    Action,
    ClimateDirection,
    ClimateShift,
    GroupMember,
    Win,
    WorkingGroup,
)
from coalitions.produce.selectors import visible_actions
from weft.serializers import WeftModelSerializer, validate_dates_in_order


# ---------------------------------------------------------------------------------------------
# Working groups and their members
class WorkingGroupSerializer(WeftModelSerializer):
    parent = CoalitionRowField(
        WorkingGroup,
        required=False,
        allow_null=True,
        help_text="The group (of this coalition) this one sits in, e.g. a regional hub.",
    )

    class Meta:
        model = WorkingGroup
        fields = [
            "id", "name", "kind", "parent", "purpose", "version", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]

    def validate_name(self, value):
        value = value.strip()
        if not value:
            raise serializers.ValidationError("must not be blank.")
        named = WorkingGroup.objects.filter(coalition=coalition_of(self), name__iexact=value)
        if other_rows(self, named).exists():
            raise serializers.ValidationError("another group of this coalition has this name.")
        return value

    def validate_parent(self, parent):
        if parent is None or self.instance is None:
            return parent
        # Walk up from the new parent: meeting this group means it would sit inside itself.
        parents = dict(
            WorkingGroup.objects.filter(coalition_id=self.instance.coalition_id).values_list(
                "id", "parent_id"
            )
        )
        group_id, seen = parent.pk, set()
        while group_id is not None and group_id not in seen:
            if group_id == self.instance.pk:
                raise serializers.ValidationError(
                    "must not be the group itself or one of the groups inside it."
                )
            seen.add(group_id)
            group_id = parents.get(group_id)
        return parent


class GroupMemberSerializer(UnversionedSerializer):
    group = CoalitionRowField(WorkingGroup)
    actor = CoalitionActorField()

    class Meta:
        model = GroupMember
        fields = ["id", "group", "actor", "is_lead", "joined_on", "left_on"]
        validators = []  # validate() names the field (actor) instead of non_field_errors

    def validate(self, attrs):
        group = attrs.get("group", getattr(self.instance, "group", None))
        actor = attrs.get("actor", getattr(self.instance, "actor", None))
        seat = GroupMember.objects.filter(group=group, actor=actor)
        if other_rows(self, seat).exists():
            raise serializers.ValidationError({"actor": "is already in this group."})
        validate_dates_in_order(attrs, self.instance, "joined_on", "left_on")
        return attrs


# ---------------------------------------------------------------------------------------------
# Actions, wins, shifts in the political climate
class ActionSerializer(WeftModelSerializer):
    """A joint action or moment of convergence. Who led it counts towards leadership."""

    working_group = CoalitionRowField(WorkingGroup, required=False, allow_null=True)
    leaders = CoalitionActorField(
        many=True, required=False, help_text="Ids of the actors who led it."
    )
    participants = CoalitionActorField(
        many=True, required=False, help_text="Ids of the actors who took part."
    )

    class Meta:
        model = Action
        fields = [
            "id", "title", "is_convergence", "description", "starts_on", "place",
            "working_group", "leaders", "participants", "planned_turnout", "actual_turnout",
            "outcome", "version", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]

    def validate_title(self, value):
        if not value.strip():
            raise serializers.ValidationError("must not be blank.")
        return value.strip()


class ActionLinksSerializer(WeftModelSerializer):
    """Wins and climate shifts name the actions that brought them about. A role that may not
    see an action (one with a sensitive actor) neither sees its id here nor unlinks it by
    sending the list it sees."""

    linked_by: str  # the name of the link from an action back to the item

    actions = CoalitionRowField(
        Action,
        rows=visible_actions,
        many=True,
        required=False,
        help_text="Ids of this coalition's actions that brought it about.",
    )

    def update(self, instance, validated_data):
        if "actions" in validated_data:
            access = self.context["access"]
            hidden = Action.objects.filter(**{self.linked_by: instance}).exclude(
                pk__in=visible_actions(access).values("pk")
            )
            validated_data["actions"] = [*validated_data["actions"], *hidden]
        return self._with_visible_actions(super().update(instance, validated_data))

    def create(self, validated_data):
        return self._with_visible_actions(super().create(validated_data))

    def _with_visible_actions(self, instance):
        """The saved item, its links read back as the role sees them (as the list does)."""
        visible = visible_actions(self.context["access"]).only("id")
        prefetch_related_objects([instance], Prefetch("actions", queryset=visible))
        return instance

    def validate_title(self, value):
        if not value.strip():
            raise serializers.ValidationError("must not be blank.")
        return value.strip()


class WinSerializer(ActionLinksSerializer):
    linked_by = "wins"

    class Meta:
        model = Win
        fields = [
            "id", "title", "won_on", "description", "actions", "version", "created_at",
            "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]


class ClimateShiftSerializer(ActionLinksSerializer):
    linked_by = "climate_shifts"
    direction = NamedChoiceField(ClimateDirection, required=False)

    class Meta:
        model = ClimateShift
        fields = [
            "id", "title", "recorded_on", "direction", "description", "actions", "version",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]
