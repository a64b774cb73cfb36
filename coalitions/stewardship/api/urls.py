from django.urls import path

from coalitions.stewardship.api.views import (
    AuditEntryViewSet,
    CoalitionDeletionView,
    InvitationViewSet,
    PersonErasureViewSet,
    RoleViewSet,
    WholeExportView,
)
from weft.routers import coalition_routes

urlpatterns = [
    path(
        "coalitions/<int:coalition_id>/export/whole/",
        WholeExportView.as_view(),
        name="api-export-whole",
    ),
    path(
        "coalitions/<int:coalition_id>/deletion/",
        CoalitionDeletionView.as_view(),
        name="api-coalition-deletion",
    ),
    *coalition_routes(
        {
            "roles": RoleViewSet,
            "invitations": InvitationViewSet,
            "audit": AuditEntryViewSet,
            "people": PersonErasureViewSet,
        }
    ),
]
