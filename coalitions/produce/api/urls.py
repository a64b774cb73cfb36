from coalitions.produce.api.views import (
    ActionViewSet,
    ClimateShiftViewSet,
    GroupMemberViewSet,
    WinViewSet,
    WorkingGroupViewSet,
)
from weft.routers import coalition_routes

urlpatterns = coalition_routes(
    {
        "working-groups": WorkingGroupViewSet,
        "group-members": GroupMemberViewSet,
        "actions": ActionViewSet,
        "wins": WinViewSet,
        "climate-shifts": ClimateShiftViewSet,
    }
)
