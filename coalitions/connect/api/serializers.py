"""Serializers of the Connect API."""

from rest_framework import serializers

from allies.api.fields import CoalitionActorField
from coalitions.api.fields import CoalitionRowField, NamedChoiceField
from coalitions.connect.models import (
    Commitment,
    CommitmentKind,
    Introduction,
    IntroductionOutcome,
    Membership,
    PhaseMove,
)
from coalitions.roles import hide_sensitive_references
from networks.models import Suggestion
from weft.serializers import EDITABLE_ROW_FIELDS, WeftModelSerializer
from weft.vocabulary import MemberPhase


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
        fields = (
            ("id", "organisation", "phase", "designee")
            + ("brings", "gets", "phase_notes", "joined_on", "left_on", "moves")
            + EDITABLE_ROW_FIELDS
        )
        read_only_fields = ["created_at", "updated_at"]


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
        fields = (
            ("id", "introduced", "introduced_to", "reason", "introduced_on", "follow_up_on")
            + ("outcome", "interaction", "suggestion", "introduced_by")
            + EDITABLE_ROW_FIELDS
        )
        read_only_fields = ["interaction", "suggestion", "created_at", "updated_at"]

    def validate(self, attrs):
        if self.instance is not None:
            for field in ("introduced", "introduced_to"):
                if field in attrs and attrs.pop(field) != getattr(self.instance, field):
                    raise serializers.ValidationError(
                        {field: "cannot be changed; log a new introduction."}
                    )
        return attrs


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
        fields = (
            ("id", "membership")
            + ("kind", "amount", "description", "due_on", "kept")
            + EDITABLE_ROW_FIELDS
        )
        read_only_fields = ["created_at", "updated_at"]


class SuggestionSerializer(serializers.ModelSerializer):
    """Something a weaver could do, found by a metric run."""

    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Suggestion
        fields = (
            ("id", "run")
            + ("kind", "actor", "other", "score", "reason")
            + ("status", "decided_by", "decided_at", "dismissed_reason")
        )
        read_only_fields = fields


class SuggestionAcceptSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Defaults to the suggestion's."
    )
    follow_up_on = serializers.DateField(required=False, allow_null=True, default=None)


class SuggestionDismissSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, help_text="Why it is not worth doing.")
