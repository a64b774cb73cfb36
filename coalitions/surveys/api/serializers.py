"""Serializers of the surveys API. A respondent's link token is never in any of them."""

from rest_framework import serializers

from coalitions.surveys.models import (
    QuestionKind,
    RelationshipAnswer,
    SurveyAnswer,
    SurveyQuestion,
    SurveyRespondent,
    SurveyRound,
)
from coalitions.surveys.templates import TEMPLATES


class SurveyRoundSerializer(serializers.ModelSerializer):
    template = serializers.ChoiceField(
        choices=[("", "none"), *((k, k) for k in TEMPLATES)],
        write_only=True,
        required=False,
        help_text="Start from a template Weft ships (classic: the classic network survey).",
    )

    class Meta:
        model = SurveyRound
        fields = [
            "id",
            "title",
            "message",
            "opens_on",
            "closes_on",
            "reminder_every_days",
            "status",
            "template",
            "created_at",
            "opened_at",
            "closed_at",
        ]
        read_only_fields = ["status", "created_at", "opened_at", "closed_at"]


class SurveyQuestionSerializer(serializers.ModelSerializer):
    round = serializers.PrimaryKeyRelatedField(queryset=SurveyRound.objects.none())
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    choices = serializers.ListField(child=serializers.CharField(max_length=200), required=False)

    class Meta:
        model = SurveyQuestion
        fields = ["id", "round", "position", "kind", "text", "help_text", "choices", "required"]
        read_only_fields = ["position"]

    def get_fields(self):
        fields = super().get_fields()
        access = self.context.get("access")
        if access is not None:
            fields["round"].queryset = SurveyRound.objects.filter(coalition=access.coalition)
        return fields


class SurveyRespondentSerializer(serializers.ModelSerializer):
    """A respondent: a member organisation (answered by its designee) or a person on the map.
    Ids only: the service checks them against what the role may see."""

    round = serializers.PrimaryKeyRelatedField(queryset=SurveyRound.objects.none())
    organisation = serializers.IntegerField(
        source="organisation_id", required=False, allow_null=True
    )
    person = serializers.IntegerField(source="person_id", required=False, allow_null=True)
    answered = serializers.BooleanField(source="has_answered", read_only=True)

    class Meta:
        model = SurveyRespondent
        fields = [
            "id",
            "round",
            "organisation",
            "person",
            "email",
            "answered",
            "started_at",
            "submitted_at",
            "link_sent_at",
            "link_revoked_at",
            "reminder_count",
        ]
        read_only_fields = [
            "started_at",
            "submitted_at",
            "link_sent_at",
            "link_revoked_at",
            "reminder_count",
        ]

    def get_fields(self):
        fields = super().get_fields()
        access = self.context.get("access")
        if access is not None:
            fields["round"].queryset = SurveyRound.objects.filter(coalition=access.coalition)
        return fields


class SurveyAnswerSerializer(serializers.ModelSerializer):
    round = serializers.IntegerField(source="respondent.round_id", read_only=True)
    organisation = serializers.IntegerField(source="respondent.organisation_id", read_only=True)

    class Meta:
        model = SurveyAnswer
        fields = [
            "id",
            "round",
            "respondent",
            "organisation",
            "question",
            "choices",
            "scale",
            "text",
            "updated_at",
        ]
        read_only_fields = fields


class RelationshipAnswerSerializer(serializers.ModelSerializer):
    round = serializers.IntegerField(source="respondent.round_id", read_only=True)
    organisation = serializers.IntegerField(source="respondent.organisation_id", read_only=True)

    class Meta:
        model = RelationshipAnswer
        fields = [
            "id",
            "round",
            "respondent",
            "organisation",
            "question",
            "actor",
            "other_name",
            "other_kind",
            "frequency",
            "strength",
            "collaboration",
            "introduce_to",
            "review",
            "updated_at",
        ]
        read_only_fields = fields
