from coalitions.align.api.views import (
    EndorsementViewSet,
    FeedbackRoundViewSet,
    HealthRoundViewSet,
    PrincipleViewSet,
    ProposalViewSet,
    SignatureViewSet,
    StatementViewSet,
)
from weft.routers import coalition_routes

urlpatterns = coalition_routes(
    {
        "statements": StatementViewSet,
        "signatures": SignatureViewSet,
        "principles": PrincipleViewSet,
        "endorsements": EndorsementViewSet,
        "proposals": ProposalViewSet,
        "health-checks": HealthRoundViewSet,
        "feedback-rounds": FeedbackRoundViewSet,
    }
)
