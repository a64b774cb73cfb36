from django.urls import path

from networks.dashboard.views import dashboard

urlpatterns = [
    path("coalitions/<int:coalition_id>/dashboard/", dashboard, name="dashboard"),
]
