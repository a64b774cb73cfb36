from django.urls import path

from coalitions.produce.views import (
    action_page,
    produce,
    produce_delete,
    produce_item,
    produce_seats,
    produce_undo,
)

COALITION = "coalitions/<int:coalition_id>/"

urlpatterns = [
    path(COALITION + "produce/", produce, name="workflow-produce"),
    path(COALITION + "produce/<slug:kind>/new/", produce_item, name="workflow-produce-new"),
    path(
        COALITION + "produce/<slug:kind>/<int:item_id>/",
        produce_item,
        name="workflow-produce-edit",
    ),
    path(
        COALITION + "produce/<slug:kind>/<int:item_id>/delete/",
        produce_delete,
        name="workflow-produce-delete",
    ),
    path(COALITION + "produce/undo/", produce_undo, name="workflow-produce-undo"),
    path(COALITION + "actions/<int:action_id>/", action_page, name="workflow-action"),
    path(
        COALITION + "produce/groups/<int:group_id>/seats/",
        produce_seats,
        name="workflow-produce-seats",
    ),
]
