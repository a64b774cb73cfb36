"""Serializers of the Produce API."""

from allies.api.fields import CoalitionActorField
from coalitions.api.fields import (
    CoalitionRowField,
    NamedChoiceField,
    UnversionedSerializer,
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
from weft.serializers import EDITABLE_ROW_FIELDS, WeftModelSerializer


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
        fields = ("id", "name", "kind", "parent", "purpose", *EDITABLE_ROW_FIELDS)
        read_only_fields = ["created_at", "updated_at"]


class GroupMemberSerializer(UnversionedSerializer):
    group = CoalitionRowField(WorkingGroup)
    actor = CoalitionActorField()

    class Meta:
        model = GroupMember
        fields = ["id", "group", "actor", "is_lead", "joined_on", "left_on"]
        validators = []  # the service refuses a second seat, naming the field (actor)


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
        fields = (
            ("id", "title", "is_convergence", "description", "starts_on", "place")
            + ("working_group", "leaders", "participants")
            + ("planned_turnout", "actual_turnout", "outcome")
            + EDITABLE_ROW_FIELDS
        )
        read_only_fields = ["created_at", "updated_at"]


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


class WinSerializer(ActionLinksSerializer):
    linked_by = "wins"

    class Meta:
        model = Win
        fields = ("id", "title", "won_on", "description", "actions", *EDITABLE_ROW_FIELDS)
        read_only_fields = ["created_at", "updated_at"]


class ClimateShiftSerializer(ActionLinksSerializer):
    linked_by = "climate_shifts"
    direction = NamedChoiceField(ClimateDirection, required=False)

    class Meta:
        model = ClimateShift
        fields = (
            ("id", "title", "recorded_on", "direction", "description")
            + ("actions",)
            + EDITABLE_ROW_FIELDS
        )
        read_only_fields = ["created_at", "updated_at"]
