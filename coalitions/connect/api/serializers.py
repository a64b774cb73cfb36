"""Serializers of the Connect API."""

from rest_framework import serializers

from allies.api.fields import CoalitionActorField
from coalitions.api.fields import CoalitionRowField, NamedChoiceField, other_rows
from coalitions.connect.models import (
    Commitment,
    CommitmentKind,
    Introduction,
    IntroductionOutcome,
    Membership,
    PhaseMove,
)
from coalitions.connect.services import (
    commitment_create,
    commitment_update,
    introduction_log,
    introduction_update,
    membership_create,
    membership_update,
)
from coalitions.roles import hide_sensitive_references
from networks.models import Suggestion
from weft.serializers import WeftModelSerializer, validate_dates_in_order
from weft.vocabulary import ActorKind, MemberPhase


# ---------------------------------------------------------------------------------------------
# Targets and memberships
class DesigneeTermSerializer(serializers.Serializer):
    """One person's time as an organisation's designee, from the membership's history. A
    person the role may not see has no id or name here, only the dates."""

    designee = serializers.IntegerField(allow_null=True, help_text="The person's actor id.")
    name = serializers.CharField()
    since = serializers.DateTimeField()
    until = serializers.DateTimeField(allow_null=True, help_text="Empty: still the designee.")


class PhaseMoveSerializer(serializers.ModelSerializer):
    # Plain text, not enums: the choices are the membership's phase (MemberPhaseEnum).
    from_phase = serializers.CharField(read_only=True, help_text="Blank for the first phase.")
    to_phase = serializers.CharField(read_only=True)
    moved_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = PhaseMove
        fields = ["id", "from_phase", "to_phase", "moved_by", "moved_at"]
        read_only_fields = fields


class MembershipSerializer(WeftModelSerializer):
    """A member organisation and its phase. Each change of phase adds a move (who, when)."""

    organisation = CoalitionActorField()
    designee = CoalitionActorField(
        required=False,
        allow_null=True,
        help_text="The person who speaks and votes for the organisation in the coalition.",
    )
    phase = NamedChoiceField(MemberPhase, required=False)
    moves = PhaseMoveSerializer(many=True, read_only=True)

    class Meta:
        model = Membership
        fields = [
            "id", "organisation", "phase", "designee", "brings", "gets", "joined_on", "left_on",
            "moves", "version", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]

    def validate_organisation(self, organisation):
        if organisation.kind == ActorKind.PERSON:
            raise serializers.ValidationError("must be an organisation, group or institution.")
        if other_rows(self, Membership.objects.filter(organisation=organisation)).exists():
            raise serializers.ValidationError("is already a member of this coalition.")
        return organisation

    def validate_designee(self, designee):
        if designee is not None and designee.kind != ActorKind.PERSON:
            raise serializers.ValidationError("must be a person.")
        return designee

    def validate(self, attrs):
        validate_dates_in_order(attrs, self.instance, "joined_on", "left_on")
        return attrs

    def create(self, validated_data):
        return membership_create(created_by=self._acting_user, **validated_data)

    def update(self, membership, validated_data):
        return membership_update(
            membership=membership, updated_by=self._acting_user, **validated_data
        )


# ---------------------------------------------------------------------------------------------
# The weaver's workflow: introductions, commitments, proposals and votes, health checks,
# feedback rounds and comments, suggestions from metric runs
class IntroductionSerializer(WeftModelSerializer):
    """A weaver introduced ``introduced`` to ``introduced_to``. It is also an interaction of
    the two (``interaction``), so it feeds their relationship strength."""

    introduced = CoalitionActorField()
    introduced_to = CoalitionActorField()
    outcome = NamedChoiceField(IntroductionOutcome, required=False)
    introduced_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Introduction
        fields = [
            "id", "introduced", "introduced_to", "reason", "introduced_on", "follow_up_on",
            "outcome", "interaction", "suggestion", "introduced_by", "version", "created_at",
            "updated_at",
        ]  # fmt: skip
        read_only_fields = ["interaction", "suggestion", "created_at", "updated_at"]

    def validate(self, attrs):
        if self.instance is not None:
            for field in ("introduced", "introduced_to"):
                if field in attrs and attrs.pop(field) != getattr(self.instance, field):
                    raise serializers.ValidationError(
                        {field: "cannot be changed; log a new introduction."}
                    )
        validate_dates_in_order(attrs, self.instance, "introduced_on", "follow_up_on")
        return attrs

    def create(self, validated_data):
        return introduction_log(
            coalition=self.context["access"].coalition,
            introduced_by=self._acting_user,
            **validated_data,
        )

    def update(self, introduction, validated_data):
        return introduction_update(
            introduction=introduction, updated_by=self._acting_user, **validated_data
        )


def _visible_memberships(access):
    memberships = Membership.objects.filter(coalition=access.coalition)
    return hide_sensitive_references(memberships, access, "organisation", "designee")


class CommitmentSerializer(WeftModelSerializer):
    """What a member organisation promised (people, hours, money, reach), by when, and
    whether it kept it (null: not known yet)."""

    membership = CoalitionRowField(Membership, rows=_visible_memberships)
    kind = NamedChoiceField(CommitmentKind)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        model = Commitment
        fields = [
            "id", "membership", "kind", "amount", "description", "due_on", "kept", "version",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]

    def create(self, validated_data):
        return commitment_create(created_by=self._acting_user, **validated_data)

    def update(self, commitment, validated_data):
        return commitment_update(
            commitment=commitment, updated_by=self._acting_user, **validated_data
        )


class SuggestionSerializer(serializers.ModelSerializer):
    """Something a weaver could do, found by a metric run."""

    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Suggestion
        fields = [
            "id", "run", "kind", "actor", "other", "score", "reason", "status", "decided_by",
            "decided_at", "dismissed_reason",
        ]  # fmt: skip
        read_only_fields = fields


class SuggestionAcceptSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Defaults to the suggestion's."
    )
    follow_up_on = serializers.DateField(required=False, allow_null=True, default=None)


class SuggestionDismissSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, help_text="Why it is not worth doing.")
