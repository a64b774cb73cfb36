from django.urls import path

from coalitions.activity.views import activity

urlpatterns = [
    path("coalitions/<int:coalition_id>/activity/", activity, name="workflow-activity"),
]
