from coalitions.align.api.views import (
    EndorsementViewSet,
    FeedbackRoundViewSet,
    HealthRoundViewSet,
    PillarProximityViewSet,
    PillarViewSet,
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
        "pillars": PillarViewSet,
        "pillar-proximities": PillarProximityViewSet,
        "statements": StatementViewSet,
        "signatures": SignatureViewSet,
        "principles": PrincipleViewSet,
        "endorsements": EndorsementViewSet,
        "proposals": ProposalViewSet,
        "health-checks": HealthRoundViewSet,
        "feedback-rounds": FeedbackRoundViewSet,
    }
)
