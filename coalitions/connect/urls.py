from django.urls import path

from coalitions.connect.membership_views import (
    commitment_add,
    commitment_change,
    commitment_remove,
    commitment_undo,
    membership_edit,
    membership_remove,
    membership_undo,
)
from coalitions.connect.views import coalition_phase, connect, membership_add, pipeline

COALITION = "coalitions/<int:coalition_id>/"
MEMBER = COALITION + "pipeline/members/<int:membership_id>/"

urlpatterns = [
    path(COALITION + "pipeline/", pipeline, name="workflow-pipeline"),
    path(COALITION + "pipeline/phase/", coalition_phase, name="workflow-coalition-phase"),
    path(COALITION + "pipeline/members/add/", membership_add, name="workflow-membership-add"),
    path(COALITION + "pipeline/undo/", membership_undo, name="workflow-membership-undo"),
    path(MEMBER, membership_edit, name="workflow-membership"),
    path(MEMBER + "remove/", membership_remove, name="workflow-membership-remove"),
    path(MEMBER + "commitments/", commitment_add, name="workflow-commitment-add"),
    path(
        MEMBER + "commitments/<int:commitment_id>/",
        commitment_change,
        name="workflow-commitment-change",
    ),
    path(
        MEMBER + "commitments/<int:commitment_id>/remove/",
        commitment_remove,
        name="workflow-commitment-remove",
    ),
    path(MEMBER + "commitments/undo/", commitment_undo, name="workflow-commitment-undo"),
    path(COALITION + "connect/", connect, name="workflow-connect"),
]
