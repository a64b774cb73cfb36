from django.urls import path

from coalitions.activity.views import activity, item_history_page, item_history_restore

urlpatterns = [
    path("coalitions/<int:coalition_id>/activity/", activity, name="workflow-activity"),
    path(
        "coalitions/<int:coalition_id>/history/<slug:kind>/<int:item_id>/",
        item_history_page,
        name="item-history",
    ),
    path(
        "coalitions/<int:coalition_id>/history/<slug:kind>/<int:item_id>/<int:history_id>/restore/",
        item_history_restore,
        name="item-history-restore",
    ),
]
