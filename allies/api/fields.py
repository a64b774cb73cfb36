"""Serializer fields that name actors: scoped to the request's coalition and role."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from allies.models import Actor


@extend_schema_field(OpenApiTypes.INT)
class CoalitionActorField(serializers.PrimaryKeyRelatedField):
    """An actor id of the request's coalition, visible to the requesting role."""

    def get_queryset(self):
        access = self.context.get("access")
        if access is None:
            return Actor.objects.none()
        return Actor.objects.filter(coalition=access.coalition).visible(
            include_sensitive=access.sees_sensitive
        )
