from django.urls import path

from networks.interactions.views import (
    actor_interactions,
    interaction_deleted,
    interaction_edit,
    interaction_new,
    interaction_undo_delete,
    pair_interactions,
)

COALITION = "coalitions/<int:coalition_id>/"

urlpatterns = [
    path(COALITION + "interactions/new/", interaction_new, name="interaction-new"),
    path(COALITION + "interactions/<int:pk>/", interaction_edit, name="interaction-edit"),
    path(COALITION + "interactions/deleted/", interaction_deleted, name="interaction-deleted"),
    path(
        COALITION + "interactions/deleted/undo/",
        interaction_undo_delete,
        name="interaction-undo-delete",
    ),
    path(
        COALITION + "actors/<int:actor_id>/interactions/with/<int:other_id>/",
        pair_interactions,
        name="pair-interactions",
    ),
    path(
        COALITION + "actors/<int:actor_id>/interactions/",
        actor_interactions,
        name="actor-interactions",
    ),
]
