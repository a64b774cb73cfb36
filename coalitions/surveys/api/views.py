"""API of relationship surveys: rounds, questions, respondents (organizers, weavers,
stewards), answers (those roles; a member reads only their own organisation's), and a round's
answers as CSV (stewards and organizers, audited)."""

import django_filters
from django.http import HttpResponse
from django.utils import timezone
from rest_framework.decorators import action

from coalitions import roles
from coalitions.api.viewsets import CoalitionScopedViewSet
from coalitions.surveys import services
from coalitions.surveys.api.serializers import (
    RelationshipAnswerSerializer,
    SurveyAnswerSerializer,
    SurveyQuestionSerializer,
    SurveyRespondentSerializer,
    SurveyRoundSerializer,
)
from coalitions.surveys.export import round_answers_csv
from coalitions.surveys.models import (
    RelationshipAnswer,
    SurveyAnswer,
    SurveyQuestion,
    SurveyRespondent,
    SurveyRound,
)

WORKSPACE = roles.Permission.WORKFLOW_EDIT


class RoundFilter(django_filters.FilterSet):
    round = django_filters.NumberFilter(field_name="round_id")


class AnswerFilter(django_filters.FilterSet):
    round = django_filters.NumberFilter(field_name="respondent__round_id")


class SurveyRoundViewSet(CoalitionScopedViewSet):
    """Survey rounds (the weaver's workspace): drafted, opened (links emailed), closed."""

    serializer_class = SurveyRoundSerializer
    read_permission = WORKSPACE
    write_permission = WORKSPACE
    versioned = False
    http_method_names = ["get", "post", "head", "options"]

    def scoped_queryset(self):
        return SurveyRound.objects.filter(coalition=self.access.coalition).order_by("id")

    def perform_create(self, serializer):
        return services.round_create(access=self.access, **serializer.validated_data)

    @action(detail=True, methods=["post"])
    def open(self, request, *args, **kwargs):
        survey_round = services.round_open(access=self.access, round_id=self.get_object().pk)
        return self.item_response(survey_round)

    @action(detail=True, methods=["post"])
    def close(self, request, *args, **kwargs):
        survey_round = services.round_close(access=self.access, round_id=self.get_object().pk)
        return self.item_response(survey_round)

    @action(detail=True, methods=["get"])
    def export(self, request, *args, **kwargs):
        """The round's answers as CSV (stewards and organizers). Audited."""
        self.access.require(roles.Permission.SURVEY_EXPORT)
        survey_round = self.get_object()
        content = round_answers_csv(access=self.access, survey_round=survey_round)
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = (
            f'attachment; filename="survey-{survey_round.pk}-answers-{stamp}.csv"'
        )
        return response


class SurveyQuestionViewSet(CoalitionScopedViewSet):
    serializer_class = SurveyQuestionSerializer
    read_permission = WORKSPACE
    write_permission = WORKSPACE
    versioned = False
    filterset_class = RoundFilter
    http_method_names = ["get", "post", "delete", "head", "options"]

    def scoped_queryset(self):
        return SurveyQuestion.objects.filter(round__coalition=self.access.coalition).order_by(
            "round_id", "position", "id"
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        return services.question_add(access=self.access, round_id=data.pop("round").pk, **data)

    def perform_destroy(self, instance, expected_version):
        services.question_remove(
            access=self.access, round_id=instance.round_id, question_id=instance.pk
        )


class SurveyRespondentViewSet(CoalitionScopedViewSet):
    serializer_class = SurveyRespondentSerializer
    read_permission = WORKSPACE
    write_permission = WORKSPACE
    versioned = False
    filterset_class = RoundFilter
    http_method_names = ["get", "post", "delete", "head", "options"]

    def scoped_queryset(self):
        rows = SurveyRespondent.objects.filter(round__coalition=self.access.coalition)
        return roles.hide_sensitive_references(rows, self.access, "organisation", "person")

    def perform_create(self, serializer):
        data = serializer.validated_data
        return services.respondent_add(
            access=self.access,
            round_id=data["round"].pk,
            organisation_id=data.get("organisation_id"),
            person_id=data.get("person_id"),
            email=data.get("email", ""),
        )

    def perform_destroy(self, instance, expected_version):
        services.respondent_remove(
            access=self.access, round_id=instance.round_id, respondent_id=instance.pk
        )


class _AnswersViewSet(CoalitionScopedViewSet):
    """Read-only. The workspace roles read every answer (sensitive actors only if they see
    them); a member reads their own organisation's, never another's; funders none."""

    read_permission = roles.Permission.MAP_VIEW
    write_permission = WORKSPACE
    versioned = False
    filterset_class = AnswerFilter
    http_method_names = ["get", "head", "options"]

    def own_rows(self, rows):
        if self.access.can(WORKSPACE):
            return rows
        if self.access.organisation_id is None and self.access.person_id is None:
            return rows.none()
        if self.access.organisation_id is not None:
            return rows.filter(respondent__organisation_id=self.access.organisation_id)
        return rows.filter(
            respondent__organisation__isnull=True, respondent__person_id=self.access.person_id
        )


class SurveyAnswerViewSet(_AnswersViewSet):
    serializer_class = SurveyAnswerSerializer

    def scoped_queryset(self):
        rows = SurveyAnswer.objects.filter(respondent__round__coalition=self.access.coalition)
        return self.own_rows(rows).select_related("respondent")


class RelationshipAnswerViewSet(_AnswersViewSet):
    serializer_class = RelationshipAnswerSerializer

    def scoped_queryset(self):
        rows = RelationshipAnswer.objects.filter(respondent__round__coalition=self.access.coalition)
        rows = roles.hide_sensitive_references(rows, self.access, "actor", "introduce_to")
        return self.own_rows(rows).select_related("respondent")
