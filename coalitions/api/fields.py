"""Serializer building blocks for the coalition's own rows.

References to rows of the coalition (working groups, actions, principles, skills) are scoped
like actor references are (weft/serializers.py): an id of another coalition, of a row the role
may not see, or an unknown id is the same "does not exist", so an id never reveals what lies
beyond the role's view.
"""

from collections.abc import Callable

from django.db.models import QuerySet
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent, build_choice_field
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from coalitions.roles import Access
from weft.serializers import WeftModelSerializer


# ---------------------------------------------------------------------------------------------
# Fields
@extend_schema_field(OpenApiTypes.INT)
class CoalitionRowField(serializers.PrimaryKeyRelatedField):
    """The id of a row of ``model`` in the request's coalition, among those the role may see.

    ``rows(access)`` gives the rows an id may name; by default the model's rows whose
    ``coalition`` is the request's.
    """

    def __init__(self, model, *, rows: Callable[[Access], QuerySet] | None = None, **kwargs):
        self.model = model
        self.rows = rows or (lambda access: model.objects.filter(coalition=access.coalition))
        super().__init__(**kwargs)

    def get_queryset(self):
        access = self.context.get("access")
        if access is None:  # no request (schema generation): nothing may be named
            return self.model.objects.none()
        return self.rows(access)


class NamedChoiceField(serializers.ChoiceField):
    """A choice field whose schema is an enum component named after its choices class
    (``MemberPhaseEnum``), not after the field. Several models have a ``phase`` or a
    ``direction`` with different choices; named by field, their enums would collide."""

    def __init__(self, choices_class, **kwargs):
        self.enum_name = f"{choices_class.__name__}Enum"
        super().__init__(choices=choices_class.choices, **kwargs)


class NamedChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = NamedChoiceField

    def map_serializer_field(self, auto_schema, direction):
        schema = build_choice_field(self.target)
        schema.pop("x-spec-enum-id", None)
        schema["enum"] = [value for value in schema["enum"] if value not in ("", None)]
        component = ResolvedComponent(
            name=self.target.enum_name,
            type=ResolvedComponent.SCHEMA,
            object=self.target.enum_name,
            schema=schema,
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


# ---------------------------------------------------------------------------------------------
# Serializers
class UnversionedSerializer(WeftModelSerializer):
    """For rows that keep no version (skills, endorsements, group seats): their services keep
    history with the acting user; there is no version to send back."""

    version = None
