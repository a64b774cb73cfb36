"""Serializers of the allies API: validation and schema for actors, contact details,
assessments, affiliations, skills and skill levels, and engagement plans."""

from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework import serializers

from allies.api.fields import CoalitionActorField
from allies.models import (
    SCORE_RANGE,
    Actor,
    Affiliation,
    AllyAssessment,
    ContactDetail,
    EngagementPlan,
    Skill,
    SkillLevel,
)
from coalitions.api.fields import CoalitionRowField, UnversionedSerializer
from weft.serializers import EDITABLE_ROW_FIELDS, WeftModelSerializer

SCORE = {"min_value": SCORE_RANGE[0], "max_value": SCORE_RANGE[1]}


class CurrentAssessmentSerializer(serializers.Serializer):
    stance = serializers.CharField()
    ally_kind = serializers.CharField()
    influence = serializers.IntegerField()
    proximity = serializers.IntegerField()
    commitment = serializers.IntegerField()
    assessed_on = serializers.DateField()


class ContactDetailSerializer(WeftModelSerializer):
    actor = CoalitionActorField()

    class Meta:
        model = ContactDetail
        fields = ["id", "actor", "kind", "value", "label", "is_primary", "version"]


class TagNamesField(serializers.ListField):
    """Tags as a list of names, read from the (prefetched) tags of the actor."""

    child = serializers.CharField(max_length=80, allow_blank=False)

    def to_representation(self, tags):
        return sorted(tag.name for tag in tags.all())


class ActorSerializer(WeftModelSerializer):
    """An actor. ``contact_details`` is present only for roles that may see personal data;
    for the others the field is absent, not empty."""

    tags = TagNamesField(required=False, help_text="Tag names; unknown names are created.")
    current_assessment = serializers.SerializerMethodField()
    contact_details = ContactDetailSerializer(many=True, read_only=True)

    class Meta:
        model = Actor
        fields = (
            ("id", "name", "kind", "type_label", "description", "tags")
            + ("is_sensitive", "is_directly_affected", "external_key", "custom_fields")
            + ("current_assessment", "contact_details")
            + EDITABLE_ROW_FIELDS
        )
        # The type label is the imported file's own word for the kind: set by imports.
        read_only_fields = ["created_at", "updated_at", "type_label"]

    def get_fields(self):
        fields = super().get_fields()
        access = self.context.get("access")
        if access is None or not access.sees_contacts:
            fields.pop("contact_details")
        if access is not None and not access.sees_sensitive:
            # A role that cannot see sensitive actors cannot make one either.
            fields["is_sensitive"].read_only = True
        return fields

    def get_current_assessment(self, actor) -> CurrentAssessmentSerializer(allow_null=True):
        stance = getattr(actor, "current_stance", None)
        if stance is None:
            return None
        return {
            "stance": stance,
            "ally_kind": actor.current_ally_kind,
            "influence": actor.current_influence,
            "proximity": actor.current_proximity,
            "commitment": actor.current_commitment,
            "assessed_on": actor.current_assessed_on,
        }


class AssessmentSerializer(serializers.ModelSerializer):
    """A new assessment of an actor. Assessments are history: created, never changed."""

    actor = CoalitionActorField()
    influence = serializers.IntegerField(**SCORE)
    proximity = serializers.IntegerField(**SCORE, help_text="Closeness to the target, 1–5.")
    commitment = serializers.IntegerField(**SCORE)
    assessed_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = AllyAssessment
        fields = (
            ("id", "actor")
            + ("stance", "ally_kind", "influence", "proximity", "commitment")
            + ("assessed_on", "assessed_by", "note", "created_at")
        )
        read_only_fields = ["created_at"]


class AffiliationSerializer(WeftModelSerializer):
    """A person's place in an organisation, group or institution; ``is_lead`` marks a lead
    role, which counts towards the coalition's leadership."""

    person = CoalitionActorField(help_text="Id of the person (an actor of kind person).")
    organisation = CoalitionActorField(help_text="Id of the organisation, group or institution.")

    class Meta:
        model = Affiliation
        fields = (
            ("id", "person", "organisation")
            + ("role_title", "is_lead", "started_on", "ended_on")
            + EDITABLE_ROW_FIELDS
        )
        read_only_fields = ["created_at", "updated_at"]


class SkillSerializer(UnversionedSerializer):
    class Meta:
        model = Skill
        fields = ["id", "name", "description"]


class SkillLevelSerializer(serializers.ModelSerializer):
    """One observation of a person's level in a skill. Skill levels are history: added,
    never changed, so growth over a period can be measured."""

    actor = CoalitionActorField(help_text="Id of the person.")
    skill = CoalitionRowField(Skill, help_text="Id of a skill of this coalition.")
    level = serializers.IntegerField(**SCORE, help_text="1 (beginner) to 5 (can teach it).")
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = SkillLevel
        fields = [
            "id",
            "actor",
            "skill",
            "level",
            "assessed_on",
            "note",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = ["created_at"]


class CoalitionUserField(serializers.SlugRelatedField):
    """A user, by username, among those holding a current role in the request's coalition."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="username", **kwargs)

    def get_queryset(self):
        access = self.context.get("access")
        users = get_user_model().objects.filter(is_active=True)
        if access is None:
            return users.none()
        return users.filter(
            coalition_roles__coalition=access.coalition, coalition_roles__revoked_at__isnull=True
        )


class EngagementPlanSerializer(WeftModelSerializer):
    """How the coalition means to move one actor: the ask, the frame, the messenger, the
    owner and the next step. One plan per actor."""

    actor = CoalitionActorField(help_text="The actor this plan means to move.")
    messenger = CoalitionActorField(
        required=False, allow_null=True, help_text="Who is best placed to carry the ask."
    )
    owner = CoalitionUserField(
        required=False, allow_null=True, help_text="Username of who owns the plan."
    )
    is_overdue = serializers.SerializerMethodField(help_text="The next step is past its date.")

    class Meta:
        model = EngagementPlan
        fields = (
            ("id", "actor")
            + ("ask", "frame", "messenger", "owner", "next_step", "next_step_on", "is_overdue")
            + EDITABLE_ROW_FIELDS
        )
        read_only_fields = ["created_at", "updated_at"]

    def get_is_overdue(self, plan) -> bool:
        return plan.next_step_on is not None and plan.next_step_on < timezone.localdate()
