from coalitions.reports.api.views import ReportViewSet, ShareLinkViewSet
from weft.routers import coalition_routes

urlpatterns = coalition_routes({"reports": ReportViewSet, "share-links": ShareLinkViewSet})
