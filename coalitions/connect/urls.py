from django.urls import path

from coalitions.connect.views import coalition_phase, connect, pipeline

COALITION = "coalitions/<int:coalition_id>/"

urlpatterns = [
    path(COALITION + "pipeline/", pipeline, name="workflow-pipeline"),
    path(COALITION + "pipeline/phase/", coalition_phase, name="workflow-coalition-phase"),
    path(COALITION + "connect/", connect, name="workflow-connect"),
]
