from coalitions.stewardship.api.views import AuditEntryViewSet, InvitationViewSet, RoleViewSet
from weft.routers import coalition_routes

urlpatterns = coalition_routes(
    {"roles": RoleViewSet, "invitations": InvitationViewSet, "audit": AuditEntryViewSet}
)
