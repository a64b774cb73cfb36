from allies.api.views import (
    ActorViewSet,
    AffiliationViewSet,
    AssessmentViewSet,
    ContactDetailViewSet,
    EngagementPlanViewSet,
    SkillLevelViewSet,
    SkillViewSet,
)
from weft.routers import coalition_routes

urlpatterns = coalition_routes(
    {
        "actors": ActorViewSet,
        "contact-details": ContactDetailViewSet,
        "assessments": AssessmentViewSet,
        "affiliations": AffiliationViewSet,
        "skills": SkillViewSet,
        "skill-levels": SkillLevelViewSet,
        "engagement-plans": EngagementPlanViewSet,
    }
)
