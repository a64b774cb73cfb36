from coalitions.surveys.api.views import (
    RelationshipAnswerViewSet,
    SurveyAnswerViewSet,
    SurveyQuestionViewSet,
    SurveyRespondentViewSet,
    SurveyRoundViewSet,
)
from weft.routers import coalition_routes

urlpatterns = coalition_routes(
    {
        "survey-rounds": SurveyRoundViewSet,
        "survey-questions": SurveyQuestionViewSet,
        "survey-respondents": SurveyRespondentViewSet,
        "survey-answers": SurveyAnswerViewSet,
        "survey-relationships": RelationshipAnswerViewSet,
    }
)
