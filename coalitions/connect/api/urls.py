from coalitions.connect.api.views import (
    CommitmentViewSet,
    IntroductionViewSet,
    MembershipViewSet,
    SuggestionViewSet,
)
from weft.routers import coalition_routes

urlpatterns = coalition_routes(
    {
        "memberships": MembershipViewSet,
        "introductions": IntroductionViewSet,
        "commitments": CommitmentViewSet,
        "suggestions": SuggestionViewSet,
    }
)
