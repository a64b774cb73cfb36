"""Admin for relationship surveys. A respondent's link hash is read-only and never a token."""

from django.contrib import admin

from coalitions.surveys.models import (
    RelationshipAnswer,
    SurveyAcceptance,
    SurveyAnswer,
    SurveyQuestion,
    SurveyRespondent,
    SurveyRound,
)


class SurveyQuestionInline(admin.TabularInline):
    model = SurveyQuestion
    fields = ("position", "kind", "text", "required")
    extra = 0


@admin.register(SurveyRound)
class SurveyRoundAdmin(admin.ModelAdmin):
    list_display = ("title", "coalition", "status", "opens_on", "closes_on")
    list_filter = ("status",)
    search_fields = ("title", "coalition__name")
    list_select_related = ("coalition",)
    inlines = (SurveyQuestionInline,)


@admin.register(SurveyQuestion)
class SurveyQuestionAdmin(admin.ModelAdmin):
    list_display = ("text", "round", "kind", "position")
    list_filter = ("kind",)
    list_select_related = ("round",)


@admin.register(SurveyRespondent)
class SurveyRespondentAdmin(admin.ModelAdmin):
    list_display = ("__str__", "round", "organisation", "person", "submitted_at")
    list_select_related = ("round", "organisation", "person")
    readonly_fields = ("token_hash",)
    raw_id_fields = ("organisation", "person")


@admin.register(SurveyAnswer)
class SurveyAnswerAdmin(admin.ModelAdmin):
    list_display = ("__str__", "respondent", "question", "updated_at")
    list_select_related = ("respondent", "question")
    raw_id_fields = ("respondent", "question")


@admin.register(RelationshipAnswer)
class RelationshipAnswerAdmin(admin.ModelAdmin):
    list_display = ("__str__", "respondent", "actor", "other_name", "strength", "review")
    list_filter = ("review",)
    list_select_related = ("respondent", "actor")
    raw_id_fields = ("respondent", "question", "actor", "introduce_to", "tie", "mapped_actor")


@admin.register(SurveyAcceptance)
class SurveyAcceptanceAdmin(admin.ModelAdmin):
    """ "Accept all" of large rounds, as their workers left them: read-only."""

    list_display = ("survey_round", "status", "pending", "accepted", "created_at", "finished_at")
    list_filter = ("status",)
    list_select_related = ("survey_round",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
