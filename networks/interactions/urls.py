from django.urls import path

from networks.interactions.views import actor_interactions, interaction_edit, interaction_new

COALITION = "coalitions/<int:coalition_id>/"

urlpatterns = [
    path(COALITION + "interactions/new/", interaction_new, name="interaction-new"),
    path(COALITION + "interactions/<int:pk>/", interaction_edit, name="interaction-edit"),
    path(
        COALITION + "actors/<int:actor_id>/interactions/",
        actor_interactions,
        name="actor-interactions",
    ),
]
