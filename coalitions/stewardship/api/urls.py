from coalitions.stewardship.api.views import (
    AuditEntryViewSet,
    InvitationViewSet,
    PersonErasureViewSet,
    RoleViewSet,
)
from weft.routers import coalition_routes

urlpatterns = coalition_routes(
    {
        "roles": RoleViewSet,
        "invitations": InvitationViewSet,
        "audit": AuditEntryViewSet,
        "people": PersonErasureViewSet,
    }
)
