"""The viewset every coalition-scoped resource of the API is built on: access from the
roles module, optimistic concurrency (version, ETag, If-Match), thin writes."""

from django.db import transaction
from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import filters, status, viewsets
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from coalitions import roles
from coalitions.models import RoleName
from coalitions.roles import Permission
from weft.api import IF_MATCH, check_version, etag_for, expected_version


# ---------------------------------------------------------------------------------------------
# The coalition-scoped viewset
class CoalitionScopedViewSet(viewsets.ModelViewSet):
    """A resource nested under ``/api/v1/coalitions/<coalition_id>/``.

    Access: no role in the coalition → 404; a role without ``read_permission`` (reads) or
    ``write_permission`` (writes) → 403. Members write only what ``member_may_write`` allows.
    Versioned resources need If-Match (or a ``version`` field) on update and delete; a stale
    one gets 412 with the current version and the item as it now is.
    """

    read_permission = roles.Permission.MAP_VIEW
    write_permission = roles.Permission.MAP_EDIT
    versioned = True
    # Whether a member may create rows here at all (which rows: member_may_write decides).
    members_create = False
    # Whether writes here change what a metric run computes: they then start one, debounced,
    # once they commit (networks/services.py, metrics_request_after_edit).
    affects_metrics = False
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
        raise ImproperlyConfiguredViewSet(type(self).__name__)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular building the schema
            return self.serializer_class.Meta.model.objects.none()
        return self.scoped_queryset()

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["access"] = getattr(self, "access", None)
        return context

    # -- who may write what

    def member_may_write(self, instance) -> bool:
        """Members write nothing unless a resource says otherwise (their own organisation)."""
        return False

    def check_write(self, instance) -> None:
        if self.access.role == RoleName.MEMBER and not self.member_may_write(instance):
            raise roles.PermissionDeniedForRole(self.access, self.write_permission)

    # -- concurrency

    def locked_object(self):
        """The object, locked for the rest of the transaction (two writers queue here)."""
        queryset = self.filter_queryset(self.get_queryset()).select_for_update(of=("self",))
        try:
            instance = queryset.get(pk=self.kwargs["pk"])
        except (queryset.model.DoesNotExist, ValueError, TypeError):
            raise Http404("No such item.") from None
        self.check_object_permissions(self.request, instance)
        return instance

    def check_version(self, instance) -> None:
        check_version(instance, expected_version(self.request), self.get_serializer)

    # -- the write paths

    def create(self, request, *args, **kwargs):
        if self.access.role == RoleName.MEMBER and not self.members_create:
            # Refuse before validating: a member learns nothing about rows they cannot write.
            raise roles.PermissionDeniedForRole(self.access, self.write_permission)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            self.check_write(serializer.build_unsaved())
            instance = self.perform_create(serializer)
            self.after_write()
        response = Response(self.get_serializer(instance).data, status=status.HTTP_201_CREATED)
        if self.versioned:
            response["ETag"] = etag_for(instance)
        return response

    def perform_create(self, serializer):
        return serializer.save_as(user=self.request.user)

    @extend_schema(parameters=[IF_MATCH])
    def update(self, request, *args, partial=False, **kwargs):
        with transaction.atomic():
            instance = self.locked_object()
            if self.versioned:
                self.check_version(instance)
            self.check_write(instance)
            serializer = self.get_serializer(instance, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            self.check_write(serializer.build_unsaved())
            instance = serializer.save_as(user=request.user)
            self.after_write()
        response = Response(self.get_serializer(instance).data)
        if self.versioned:
            response["ETag"] = etag_for(instance)
        return response

    @extend_schema(parameters=[IF_MATCH])
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(parameters=[IF_MATCH])
    def destroy(self, request, *args, **kwargs):
        with transaction.atomic():
            instance = self.locked_object()
            if self.versioned:
                self.check_version(instance)
            self.check_write(instance)
            self.perform_destroy(instance)
            self.after_write()
        return Response(status=status.HTTP_204_NO_CONTENT)

    def after_write(self) -> None:
        if self.affects_metrics:
            from coalitions.services import metrics_request_after_edit

            metrics_request_after_edit(coalition_id=self.access.coalition.pk)

    def perform_destroy(self, instance):
        instance._history_user = self.request.user
        instance.delete()

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        response = Response(self.get_serializer(instance).data)
        if self.versioned:
            response["ETag"] = etag_for(instance)
        return response


class ImproperlyConfiguredViewSet(Exception):
    def __init__(self, name: str):
        super().__init__(f"{name} must define scoped_queryset()")


# ---------------------------------------------------------------------------------------------
# The coalition's workflow
class WorkflowViewSet(CoalitionScopedViewSet):
    """Workflow records: every role with WORKFLOW_VIEW reads them (members included), the
    roles with WORKFLOW_EDIT write them, members write none."""

    read_permission = Permission.WORKFLOW_VIEW
    write_permission = Permission.WORKFLOW_EDIT

    def perform_create(self, serializer):
        return serializer.save_as(user=self.request.user, coalition=self.access.coalition)
