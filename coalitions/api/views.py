"""API views for coalitions and their roles, and for the coalition's workflow: targets,
memberships, unity statements and signatures, principles and endorsements, working groups and
their members, actions, wins and shifts in the political climate.

Workflow records are read by every role with WORKFLOW_VIEW (members included) and written by
the roles with WORKFLOW_EDIT; the one thing a member writes is their own organisation's
endorsements. A row that names a sensitive actor exists only for roles that may see it.
"""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from coalitions import roles
from coalitions.api.serializers import CoalitionSerializer
from coalitions.models import Coalition, RoleName, Scale
from coalitions.services import coalition_create, coalition_update
from weft.api import IF_MATCH, etag_for, expected_version

Permission = roles.Permission


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

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Resolved once per request (a 404 without a role); lists need none.
        self.access = (
            roles.access_for(request.user, kwargs["coalition_id"])
            if "coalition_id" in kwargs
            else None
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["access"] = getattr(self, "access", None)
        return context

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        coalition = coalition_create(created_by=request.user, **data)
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
        if not isinstance(request.data, dict):
            raise ValidationError({"detail": "The body must be a JSON object of fields."})
        expected = expected_version(request)
        serializer = self.get_serializer(self.access.coalition, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        coalition = coalition_update(
            access=self.access, expected_version=expected, **serializer.validated_data
        )
        coalition.user_role = self.access.role.value
        response = Response(self.get_serializer(coalition).data)
        response["ETag"] = etag_for(coalition)
        return response

    @extend_schema(parameters=[IF_MATCH])
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)
