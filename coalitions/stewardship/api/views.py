"""API of the steward's work: who holds which role (every grant, change and revocation audited)."""

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from allies.models import Actor
from coalitions import roles
from coalitions.api.viewsets import CoalitionScopedViewSet
from coalitions.models import AuditAction, Role, RoleName
from coalitions.services import role_grant, role_revoke
from coalitions.stewardship import selectors as stewardship_selectors
from coalitions.stewardship.api.serializers import (
    AuditEntrySerializer,
    InvitationSerializer,
    RoleSerializer,
)
from coalitions.stewardship.erasure import (
    Mode,
    erasure_preview,
    person_erase,
    person_for_erasure,
)
from coalitions.stewardship.services import invitation_create, invitation_revoke
from coalitions.stewardship.whole import coalition_delete, coalition_export_whole, deletion_preview
from weft.streaming import attachment


class RoleFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=RoleName.choices)
    user = django_filters.CharFilter(field_name="user__username")


class RoleViewSet(CoalitionScopedViewSet):
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
        role = role_grant(
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
        role = role_grant(
            coalition=self.access.coalition,
            user=current.user,
            role=data.get("role", current.role),
            organisation=data.get("organisation", current.organisation),
            person=data.get("person", current.person),
            granted_by=request.user,
        )
        return Response(self.get_serializer(role).data)

    def destroy(self, request, *args, **kwargs):
        current = self.get_object()
        role_revoke(coalition=self.access.coalition, user=current.user, revoked_by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationViewSet(CoalitionScopedViewSet):
    """Invitations (stewards only): send one (the link goes by email), list them with their
    state, revoke one (DELETE). Every one of these is audited."""

    serializer_class = InvitationSerializer
    read_permission = roles.Permission.ROLES_MANAGE
    write_permission = roles.Permission.ROLES_MANAGE
    versioned = False
    http_method_names = ["get", "post", "delete", "head", "options"]
    ordering_fields = ["id", "created_at"]

    def scoped_queryset(self):
        return stewardship_selectors.invitations(self.access.coalition)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation, _token = invitation_create(access=self.access, **serializer.validated_data)
        return Response(self.get_serializer(invitation).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        invitation = self.get_object()
        invitation_revoke(access=self.access, invitation_id=invitation.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AuditFilter(django_filters.FilterSet):
    action = django_filters.ChoiceFilter(choices=AuditAction.choices)
    since = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte")
    until = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte")


class AuditEntryViewSet(CoalitionScopedViewSet):
    """The coalition's audit log, newest first (stewards only): who did what when. Rows hold
    ids and counts, never a person's details."""

    serializer_class = AuditEntrySerializer
    read_permission = roles.Permission.AUDIT_VIEW
    write_permission = roles.Permission.AUDIT_VIEW
    versioned = False
    http_method_names = ["get", "head", "options"]
    filterset_class = AuditFilter
    ordering = ["-created_at", "-id"]
    ordering_fields = ["created_at", "id"]

    def scoped_queryset(self):
        return stewardship_selectors.audit_entries(self.access.coalition)


class ErasureSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=Mode.choices, default=Mode.PSEUDONYMISE)
    reason = serializers.CharField(max_length=500, help_text="Kept in the audit log.")
    confirmation = serializers.CharField(
        max_length=200, help_text="The person's name, typed again."
    )


class PersonErasureViewSet(viewsets.GenericViewSet):
    """Erasure of a person (stewards only). GET: what it would remove, table by table; POST:
    erase, for good (the body repeats the person's name as ``confirmation``)."""

    serializer_class = ErasureSerializer
    # The people one may erase; only for the schema's path parameter (the views look the
    # person up through the erasure service, scoped to the coalition).
    queryset = Actor.objects.none()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.access = roles.access_for(request.user, kwargs.get("coalition_id"))
        self.access.require(roles.Permission.ERASE)

    @staticmethod
    def _body(erasure) -> dict:
        return {
            "pseudonym": erasure.pseudonym,
            "mode": erasure.mode,
            "rows": erasure.rows,
            "tables": erasure.tables,
            "counts": {table: n for table, n in erasure.counts.items() if n},
        }

    @action(detail=True, methods=["get", "post"])
    def erasure(self, request, coalition_id=None, pk=None):
        person = person_for_erasure(self.access, pk)
        if request.method == "GET":
            return Response(self._body(erasure_preview(access=self.access, actor_id=person.pk)))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        erasure = person_erase(access=self.access, actor_id=person.pk, **serializer.validated_data)
        return Response(self._body(erasure))


class WholeExportView(APIView):
    """Everything the coalition holds, history included, as one Weft JSON document (stewards
    only; audited)."""

    @extend_schema(
        responses={(200, "application/json"): OpenApiTypes.OBJECT},
        summary="Export the whole coalition, history included (Weft JSON, audited)",
    )
    def get(self, request, coalition_id):
        access = roles.require(request.user, coalition_id, roles.Permission.EXPORT)
        chunks, filename = coalition_export_whole(access=access)
        return attachment(chunks, content_type="application/json; charset=utf-8", filename=filename)


class CoalitionDeletionSerializer(serializers.Serializer):
    confirmation = serializers.CharField(
        max_length=200, help_text="The coalition's name, typed again."
    )


class CoalitionDeletionPreviewSerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    tables = serializers.IntegerField()
    counts = serializers.DictField(child=serializers.IntegerField())


class CoalitionDeletionView(APIView):
    """Deletion of the whole coalition (stewards only). GET: what it would remove, table by
    table; POST: delete it and everything that belongs to it, for good (the body repeats the
    coalition's name as ``confirmation``)."""

    @staticmethod
    def _body(tally) -> dict:
        return {"rows": tally.rows, "tables": tally.tables, "counts": dict(tally.table_rows)}

    @extend_schema(
        responses=CoalitionDeletionPreviewSerializer,
        summary="What deleting the coalition would remove",
    )
    def get(self, request, coalition_id):
        access = roles.require(request.user, coalition_id, roles.Permission.ERASE)
        return Response(self._body(deletion_preview(access=access)))

    @extend_schema(
        request=CoalitionDeletionSerializer,
        responses=CoalitionDeletionPreviewSerializer,
        summary="Delete the coalition with all its data, for good (audited)",
    )
    def post(self, request, coalition_id):
        access = roles.require(request.user, coalition_id, roles.Permission.ERASE)
        body = CoalitionDeletionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        tally = coalition_delete(access=access, confirmation=body.validated_data["confirmation"])
        return Response(self._body(tally))
