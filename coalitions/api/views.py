"""API views for coalitions and their roles."""

import django_filters
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from weft.api import IF_MATCH, check_version, etag_for, expected_version
from weft.api import CoalitionViewSet as ScopedViewSet

from .. import roles, services
from ..models import AuditAction, Coalition, Role, RoleName, Scale
from .serializers import PRIVACY_FIELDS, CoalitionSerializer, RoleSerializer


class CoalitionFilter(django_filters.FilterSet):
    scale = django_filters.ChoiceFilter(choices=Scale.choices)
    role = django_filters.ChoiceFilter(field_name="user_role", choices=RoleName.choices)


class CoalitionViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Coalitions you hold a role in. Anyone signed in may create one and becomes its
    steward. Organizers and weavers edit its description; stewards its privacy policy."""

    serializer_class = CoalitionSerializer
    filterset_class = CoalitionFilter
    search_fields = ["name", "cause"]
    ordering_fields = ["id", "name", "created_at"]
    ordering = ["name", "id"]
    lookup_url_kwarg = "coalition_id"
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return Coalition.objects.for_user(self.request.user)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if "coalition_id" in self.kwargs:
            context["access"] = roles.access_for(self.request.user, self.kwargs["coalition_id"])
        return context

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        coalition = services.coalition_create(created_by=request.user, **data)
        coalition.user_role = RoleName.STEWARD.value
        response = Response(self.get_serializer(coalition).data, status=status.HTTP_201_CREATED)
        response["ETag"] = etag_for(coalition)
        return response

    def retrieve(self, request, *args, **kwargs):
        coalition = self.get_object()
        response = Response(self.get_serializer(coalition).data)
        response["ETag"] = etag_for(coalition)
        return response

    @extend_schema(parameters=[IF_MATCH])
    def update(self, request, *args, partial=False, **kwargs):
        access = roles.access_for(request.user, kwargs["coalition_id"])
        if any(field in request.data for field in PRIVACY_FIELDS):
            access.require(roles.Permission.PRIVACY_MANAGE)
        access.require(roles.Permission.WORKFLOW_EDIT)
        with transaction.atomic():
            coalition = Coalition.objects.select_for_update().get(pk=access.coalition.pk)
            check_version(coalition, expected_version(request), self.get_serializer)
            serializer = self.get_serializer(coalition, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            coalition = serializer.save_as(user=request.user)
            if any(field in request.data for field in PRIVACY_FIELDS):
                services.audit_record(
                    coalition=coalition,
                    user=request.user,
                    action=AuditAction.PRIVACY_CHANGED,
                    fields=sorted(f for f in PRIVACY_FIELDS if f in request.data),
                )
        coalition.user_role = access.role.value
        response = Response(self.get_serializer(coalition).data)
        response["ETag"] = etag_for(coalition)
        return response

    @extend_schema(parameters=[IF_MATCH])
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)


class RoleFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=RoleName.choices)
    user = django_filters.CharFilter(field_name="user__username")


class RoleViewSet(ScopedViewSet):
    """Who holds which role (stewards only). Every grant, change and revocation is audited."""

    serializer_class = RoleSerializer
    read_permission = roles.Permission.ROLES_MANAGE
    write_permission = roles.Permission.ROLES_MANAGE
    versioned = False
    filterset_class = RoleFilter
    search_fields = ["user__username"]
    ordering_fields = ["id", "granted_at", "role"]

    def scoped_queryset(self):
        return (
            Role.objects.current()
            .filter(coalition=self.access.coalition)
            .select_related("user", "granted_by")
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        role = services.role_grant(
            coalition=self.access.coalition,
            granted_by=request.user,
            **serializer.validated_data,
        )
        return Response(self.get_serializer(role).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        current = self.get_object()
        serializer = self.get_serializer(current, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        role = services.role_grant(
            coalition=self.access.coalition,
            user=current.user,
            role=data.get("role", current.role),
            organisation=data.get("organisation", current.organisation),
            granted_by=request.user,
        )
        return Response(self.get_serializer(role).data)

    def destroy(self, request, *args, **kwargs):
        current = self.get_object()
        services.role_revoke(
            coalition=self.access.coalition, user=current.user, revoked_by=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
