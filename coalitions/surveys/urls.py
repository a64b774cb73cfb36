from django.urls import path

from coalitions.surveys import views

COALITION = "coalitions/<int:coalition_id>/"

urlpatterns = [
    path(COALITION + "surveys/", views.survey_rounds, name="workflow-surveys"),
    path(COALITION + "surveys/<int:round_id>/", views.survey_round, name="workflow-survey"),
    path(
        COALITION + "surveys/<int:round_id>/review/",
        views.survey_review,
        name="workflow-survey-review",
    ),
    path(
        COALITION + "surveys/<int:round_id>/results/",
        views.survey_results,
        name="workflow-survey-results",
    ),
    path(
        COALITION + "surveys/<int:round_id>/answer/",
        views.survey_answer_signed_in,
        name="survey-answer-signed-in",
    ),
    path("surveys/answer/", views.survey_answer, name="survey-answer"),
    path("surveys/<str:token>/", views.survey_open, name="survey-open"),
]
