"""Routes of the API's coalition-scoped resources."""

from rest_framework.routers import SimpleRouter


def coalition_routes(resources: dict) -> list:
    """URL patterns for viewsets nested under ``coalitions/<coalition_id>/<prefix>/`` (the API
    is mounted at /api/v1/); each route is named after its prefix (``memberships-list``)."""
    router = SimpleRouter()
    for prefix, viewset in resources.items():
        router.register(rf"coalitions/(?P<coalition_id>\d+)/{prefix}", viewset, basename=prefix)
    return router.urls
