"""Serializer building blocks: validation and schema, never bulk output (see the map endpoint).

Writes record who made them in the item's history, and actor references are scoped to the
coalition and to what the requesting role may see, so an id from another coalition or a
hidden actor is "does not exist", exactly like an unknown id.
"""

import copy

from rest_framework import serializers


class WeftModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer whose writes go through ``save()`` (so versions move and history
    records the user) and which can show the unsaved result of a write for access checks."""

    version = serializers.IntegerField(
        read_only=True, help_text="Send it back as If-Match (or 'version') when you change this."
    )

    def save_as(self, *, user, **extra):
        self._acting_user = user
        return self.save(**extra)

    def build_unsaved(self):
        """The item as this write would leave it, without saving (for access checks): the
        model's own columns only (no many-to-many, no serializer-only inputs)."""
        model = self.Meta.model
        columns = {field.name for field in model._meta.concrete_fields}
        instance = copy.copy(self.instance) if self.instance is not None else model()
        for field, value in self.validated_data.items():
            if field in columns:
                setattr(instance, field, value)
        return instance

    def create(self, validated_data):
        many = {k: validated_data.pop(k) for k in list(validated_data) if self._is_many(k)}
        instance = self.Meta.model(**validated_data)
        self._save(instance)
        for field, values in many.items():
            getattr(instance, field).set(values)
        return instance

    def update(self, instance, validated_data):
        many = {k: validated_data.pop(k) for k in list(validated_data) if self._is_many(k)}
        for field, value in validated_data.items():
            setattr(instance, field, value)
        self._save(instance)
        for field, values in many.items():
            getattr(instance, field).set(values)
        return instance

    def _save(self, instance):
        instance._history_user = getattr(self, "_acting_user", None)
        instance.save()

    def _is_many(self, name: str) -> bool:
        field = self.fields.get(name)
        return isinstance(field, serializers.ManyRelatedField | serializers.ListSerializer)


def validate_dates_in_order(attrs, instance, start: str, end: str) -> None:
    """An end date on or after its start date; named by the end field."""
    started = attrs.get(start, getattr(instance, start, None))
    ended = attrs.get(end, getattr(instance, end, None))
    if started and ended and ended < started:
        raise serializers.ValidationError({end: f"must be on or after {start} ({started})."})
