"""Routes of the API, under /api/v1/. Everything a coalition holds is nested under it."""

from django.urls import include, path
from django.views.decorators.gzip import gzip_page
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.routers import SimpleRouter
from rest_framework.throttling import ScopedRateThrottle

from allies.api.views import (
    ActorViewSet,
    AffiliationViewSet,
    AssessmentViewSet,
    ContactDetailViewSet,
    EngagementPlanViewSet,
    SkillLevelViewSet,
    SkillViewSet,
)
from coalitions.api.reports import ReportViewSet, ShareLinkViewSet
from coalitions.api.views import (
    ActionViewSet,
    ClimateShiftViewSet,
    CoalitionViewSet,
    CommitmentViewSet,
    EndorsementViewSet,
    FeedbackRoundViewSet,
    GroupMemberViewSet,
    HealthRoundViewSet,
    IntroductionViewSet,
    MembershipViewSet,
    PrincipleViewSet,
    ProposalViewSet,
    RoleViewSet,
    SignatureViewSet,
    StatementViewSet,
    SuggestionViewSet,
    TargetViewSet,
    WinViewSet,
    WorkingGroupViewSet,
)
from networks.api.map_views import PathsView, PositionView, SavedViewViewSet
from networks.api.metrics import MetricRunViewSet
from networks.api.transfer import urlpatterns as transfer_urls
from networks.api.views import InteractionViewSet, MapView, TieViewSet


class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token (for scripts). Throttled."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"


top = SimpleRouter()
top.register("coalitions", CoalitionViewSet, basename="api-coalition")

nested = SimpleRouter()
NESTED = {
    "actors": ActorViewSet,
    "contact-details": ContactDetailViewSet,
    "assessments": AssessmentViewSet,
    "ties": TieViewSet,
    "interactions": InteractionViewSet,
    "roles": RoleViewSet,
    "affiliations": AffiliationViewSet,
    "skills": SkillViewSet,
    "skill-levels": SkillLevelViewSet,
    "engagement-plans": EngagementPlanViewSet,
    "targets": TargetViewSet,
    "memberships": MembershipViewSet,
    "statements": StatementViewSet,
    "signatures": SignatureViewSet,
    "principles": PrincipleViewSet,
    "endorsements": EndorsementViewSet,
    "working-groups": WorkingGroupViewSet,
    "group-members": GroupMemberViewSet,
    "actions": ActionViewSet,
    "wins": WinViewSet,
    "climate-shifts": ClimateShiftViewSet,
    "metric-runs": MetricRunViewSet,
    "reports": ReportViewSet,
    "share-links": ShareLinkViewSet,
    # The weaver's workflow (issue 7)
    "introductions": IntroductionViewSet,
    "commitments": CommitmentViewSet,
    "proposals": ProposalViewSet,
    "health-checks": HealthRoundViewSet,
    "feedback-rounds": FeedbackRoundViewSet,
    "suggestions": SuggestionViewSet,
    "saved-views": SavedViewViewSet,
}
for prefix, viewset in NESTED.items():
    nested.register(rf"coalitions/(?P<coalition_id>\d+)/{prefix}", viewset, basename=prefix)

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    *transfer_urls,
    path("coalitions/<int:coalition_id>/map/", gzip_page(MapView.as_view()), name="api-map"),
    path("coalitions/<int:coalition_id>/paths/", PathsView.as_view(), name="api-paths"),
    path(
        "coalitions/<int:coalition_id>/positions/<int:actor_id>/",
        PositionView.as_view(),
        name="api-position",
    ),
    path("", include(top.urls)),
    path("", include(nested.urls)),
]
