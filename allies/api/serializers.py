"""Serializers of the allies API: validation and schema for actors, contact details and
assessments."""

from django.db import transaction
from rest_framework import serializers

from weft.serializers import CoalitionActorField, WeftModelSerializer

from ..models import SCORE_RANGE, Actor, AllyAssessment, ContactDetail, Tag

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
        fields = [
            "id", "name", "kind", "description", "tags", "is_sensitive",
            "is_directly_affected", "external_key", "custom_fields", "current_assessment",
            "contact_details", "version", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]

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

    def validate_name(self, value):
        if not value.strip():
            raise serializers.ValidationError("must not be blank.")
        return value.strip()

    def validate_tags(self, names):
        return sorted({name.strip() for name in names if name.strip()})

    @transaction.atomic
    def create(self, validated_data):
        names = validated_data.pop("tags", None)
        actor = super().create(validated_data)
        if names is not None:
            self._set_tags(actor, names)
        return actor

    @transaction.atomic
    def update(self, actor, validated_data):
        names = validated_data.pop("tags", None)
        actor = super().update(actor, validated_data)
        if names is not None:
            self._set_tags(actor, names)
        return actor

    def build_unsaved(self):
        tags = self.validated_data.pop("tags", None)
        try:
            return super().build_unsaved()
        finally:
            if tags is not None:
                self.validated_data["tags"] = tags

    def _set_tags(self, actor, names):
        existing = {
            t.name: t for t in Tag.objects.filter(coalition_id=actor.coalition_id, name__in=names)
        }
        missing = [Tag(coalition_id=actor.coalition_id, name=n) for n in names if n not in existing]
        created = Tag.objects.bulk_create(missing)
        actor.tags.set([*existing.values(), *created])


class AssessmentSerializer(serializers.ModelSerializer):
    """A new assessment of an actor. Assessments are history: created, never changed."""

    actor = CoalitionActorField()
    influence = serializers.IntegerField(**SCORE)
    proximity = serializers.IntegerField(**SCORE, help_text="Closeness to the target, 1–5.")
    commitment = serializers.IntegerField(**SCORE)
    assessed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = AllyAssessment
        fields = [
            "id", "actor", "stance", "ally_kind", "influence", "proximity", "commitment",
            "assessed_on", "assessed_by", "note", "created_at",
        ]  # fmt: skip
        read_only_fields = ["created_at"]

    def save_as(self, *, user, **extra):
        return self.save(assessed_by=user, **extra)

    def build_unsaved(self):
        return AllyAssessment(**self.validated_data)
