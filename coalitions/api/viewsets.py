"""The viewset every coalition-scoped resource of the API is built on: access from the
roles module, optimistic concurrency (version, ETag, If-Match), thin writes."""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import filters, status, viewsets
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from coalitions import roles
from coalitions.roles import Permission
from weft.api import IF_MATCH, etag_for, expected_version
from weft.versions import ANY_VERSION, StaleVersion


# ---------------------------------------------------------------------------------------------
# The coalition-scoped viewset
class CoalitionScopedViewSet(viewsets.ModelViewSet):
    """A resource nested under ``/api/v1/coalitions/<coalition_id>/``.

    Access: no role in the coalition → 404; a role without ``read_permission`` (reads) or
    ``write_permission`` (writes) → 403; a member creates here only if ``members_create``
    (refused before the body is even validated). Which rows a role may change, the services
    decide (with coalitions/roles.py). Versioned resources need If-Match (or a ``version``
    field) on update and delete; the service refuses a stale one with 412 and the view answers
    with the item as it now is.

    Writes go through one service each: a subclass calls it in ``perform_create``,
    ``perform_update`` and ``perform_destroy``; the serializer only validates.
    """

    read_permission = roles.Permission.MAP_VIEW
    write_permission = roles.Permission.MAP_EDIT
    versioned = True
    # Whether a member may create rows here at all (which rows: the service decides).
    members_create = False
    filter_backends = [DjangoFilterBackend, filters.SearchFilter, filters.OrderingFilter]
    ordering = ["id"]
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    access: roles.Access

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.access = roles.access_for(request.user, kwargs.get("coalition_id"))
        needed = self.read_permission if request.method in SAFE_METHODS else self.write_permission
        self.access.require(needed)

    # Subclasses return their rows already scoped to self.access (coalition, sensitivity).
    def scoped_queryset(self):
        raise ImproperlyConfiguredViewSet(type(self).__name__, "scoped_queryset()")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular building the schema
            return self.serializer_class.Meta.model.objects.none()
        return self.scoped_queryset()

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["access"] = getattr(self, "access", None)
        return context

    # -- the write paths: validate, call the service, answer with the item as the role sees it

    def perform_create(self, serializer):
        raise ImproperlyConfiguredViewSet(type(self).__name__, "perform_create()")

    def perform_update(self, serializer, instance, expected_version):
        raise ImproperlyConfiguredViewSet(type(self).__name__, "perform_update()")

    def perform_destroy(self, instance, expected_version):
        raise ImproperlyConfiguredViewSet(type(self).__name__, "perform_destroy()")

    def create(self, request, *args, **kwargs):
        if not self.members_create and not self.access.can(Permission.MAP_EDIT_ALL):
            # A member edits only their own organisation's rows, and creates here only if the
            # resource allows it (ties of their organisation, its endorsements). Refused before
            # validating: a member learns nothing about rows they cannot write.
            raise roles.PermissionDeniedForRole(self.access, self.write_permission)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = self.perform_create(serializer)
        return self.item_response(instance, status=status.HTTP_201_CREATED)

    def expected_version(self):
        return expected_version(self.request) if self.versioned else ANY_VERSION

    @extend_schema(parameters=[IF_MATCH])
    def update(self, request, *args, partial=False, **kwargs):
        expected = self.expected_version()
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        instance = self.perform_update(serializer, instance, expected)
        return self.item_response(instance)

    @extend_schema(parameters=[IF_MATCH])
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(parameters=[IF_MATCH])
    def destroy(self, request, *args, **kwargs):
        expected = self.expected_version()
        self.perform_destroy(self.get_object(), expected)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def retrieve(self, request, *args, **kwargs):
        return self.item_response(self.get_object(), read_again=False)

    def item_response(self, instance, *, status=status.HTTP_200_OK, read_again=True) -> Response:
        """The item as this role reads it and its ETag. After a write, read again through the
        scoped queryset: what a service returns lacks the list's annotations."""
        shown = instance
        if read_again:
            shown = self.scoped_queryset().filter(pk=instance.pk).first() or instance
        response = Response(self.get_serializer(shown).data, status=status)
        if self.versioned:
            response["ETag"] = etag_for(shown)
        return response

    def handle_exception(self, exc):
        if isinstance(exc, StaleVersion) and hasattr(self, "access"):
            # The 412 carries the item as it now is, so the client can show the conflict.
            shown = self.scoped_queryset().filter(pk=exc.instance.pk).first()
            if shown is not None:
                exc.current = self.get_serializer(shown).data
        return super().handle_exception(exc)


class ImproperlyConfiguredViewSet(Exception):
    def __init__(self, name: str, method: str):
        super().__init__(f"{name} must define {method}")


# ---------------------------------------------------------------------------------------------
# The coalition's workflow
class WorkflowViewSet(CoalitionScopedViewSet):
    """Workflow records: every role with WORKFLOW_VIEW reads them (members included), the
    roles with WORKFLOW_EDIT write them, members write none."""

    read_permission = Permission.WORKFLOW_VIEW
    write_permission = Permission.WORKFLOW_EDIT
