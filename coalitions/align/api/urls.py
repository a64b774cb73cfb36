from coalitions.align.api.views import (
    EndorsementViewSet,
    FeedbackRoundViewSet,
    HealthRoundViewSet,
    PrincipleViewSet,
    ProposalViewSet,
    SignatureViewSet,
    StatementViewSet,
    TargetViewSet,
)
from weft.routers import coalition_routes

urlpatterns = coalition_routes(
    {
        "targets": TargetViewSet,
        "statements": StatementViewSet,
        "signatures": SignatureViewSet,
        "principles": PrincipleViewSet,
        "endorsements": EndorsementViewSet,
        "proposals": ProposalViewSet,
        "health-checks": HealthRoundViewSet,
        "feedback-rounds": FeedbackRoundViewSet,
    }
)
