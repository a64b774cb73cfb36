"""Serializers of the import, export and merge API."""

from rest_framework import serializers

from networks.transfer.models import ActorMerge, ImportJob
from networks.transfer.services import (
    EXPORT_FORMATS,
    empty_summary,
)


class ProblemSerializer(serializers.Serializer):
    sheet = serializers.CharField()
    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField()
    message = serializers.CharField()


class DuplicateSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Send it in `decisions` to choose merge or create.")
    sheet = serializers.CharField()
    row = serializers.IntegerField()
    label = serializers.CharField()
    score = serializers.FloatField()
    choice = serializers.ChoiceField(choices=["merge", "create"])
    existing_actor = serializers.IntegerField(required=False)
    existing_label = serializers.CharField(required=False)
    file_row = serializers.IntegerField(required=False)
    file_label = serializers.CharField(required=False)


class ImportSummarySerializer(serializers.Serializer):
    actors_created = serializers.IntegerField()
    actors_updated = serializers.IntegerField()
    ties_created = serializers.IntegerField()
    ties_updated = serializers.IntegerField()
    interactions_created = serializers.IntegerField()
    duplicates = DuplicateSerializer(many=True)
    errors = ProblemSerializer(many=True, help_text="The first ones; all: …/problems/.")
    warnings = ProblemSerializer(many=True, help_text="The first ones; all: …/problems/.")
    error_count = serializers.IntegerField(help_text="Errors in all, listed or not.")
    warning_count = serializers.IntegerField()
    duplicate_count = serializers.IntegerField()

    columns = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="A CSV's columns, which POST …/columns/ maps to Weft's fields.",
    )
    column_mapping = serializers.DictField(
        child=serializers.CharField(),
        required=False,
        help_text="How the CSV's columns were read (column: field), when they were mapped.",
    )


class ImportProblemSerializer(ProblemSerializer):
    kind = serializers.ChoiceField(choices=["error", "warning"])


class ImportJobSerializer(serializers.ModelSerializer):
    summary = ImportSummarySerializer(
        allow_null=True, help_text="The preview; null while a worker is still reading the file."
    )
    can_confirm = serializers.BooleanField(read_only=True)
    stage = serializers.CharField(
        read_only=True, help_text="What the worker does now (reading, writing ties, …)."
    )
    rows_total = serializers.IntegerField(
        read_only=True, help_text="Rows in the file (actors, ties, interactions)."
    )
    rows_done = serializers.IntegerField(
        read_only=True, help_text="Rows written so far while the import is being applied."
    )

    def to_representation(self, instance):
        summary = instance.summary
        if summary and "actors_created" not in summary:
            summary = {**empty_summary([]), **summary}
        if summary:
            # Previews stored before the lists were bounded: counted from the lists.
            for name, count in (
                ("errors", "error_count"),
                ("warnings", "warning_count"),
                ("duplicates", "duplicate_count"),
            ):
                summary.setdefault(count, len(summary.get(name) or []))
        instance.summary = summary or None
        return super().to_representation(instance)

    class Meta:
        model = ImportJob
        fields = (
            ("id", "status", "filename", "file_format", "size")
            + ("progress", "stage", "rows_total", "rows_done", "summary", "can_confirm")
            + ("created_at", "applied_at")
        )


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="XLSX or CSV in Kumu's layout (or Onodo's or LittleSis's templates), a zip "
        "of elements.csv and connections.csv, GraphML or GEXF (Gephi), a Kumu JSON blueprint "
        "or Weft JSON."
    )
    pin_positions = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Keep the positions the file gives (Gephi's layout, a Kumu map's) as a "
        "pinned layout; otherwise they are only where the layout starts.",
    )


class ImportColumnsSerializer(serializers.Serializer):
    columns = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        help_text="Each CSV column to read as a Weft field (ID, Label, Type, Description, "
        "Tags, Stance, Sensitive, From, To, Direction, Strength, Weight, Started, Ended), "
        "'(ignore)' to leave it out, or blank to keep it as a custom field. Remembered for "
        "the coalition's next file with the same columns.",
    )


class ImportConfirmSerializer(serializers.Serializer):
    decisions = serializers.DictField(
        child=serializers.ChoiceField(choices=["merge", "create"]),
        required=False,
        help_text="Per suggested duplicate (its `key`): merge into the match, or create anew "
        "(the default).",
    )


class ExportQuerySerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=list(EXPORT_FORMATS), default="xlsx")
    view = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="A saved view's id: export only what the map shows with its filters.",
    )


class CoalitionDuplicateSerializer(serializers.Serializer):
    actor = serializers.IntegerField()
    actor_name = serializers.CharField()
    other = serializers.IntegerField()
    other_name = serializers.CharField()
    score = serializers.FloatField()


class MergeRequestSerializer(serializers.Serializer):
    keep = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="Kept actor.")
    merge = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text="Actor merged into it (and removed)."
    )


class MergePreviewSerializer(serializers.Serializer):
    moved = serializers.DictField(child=serializers.IntegerField(), help_text="Rows per model.")
    dropped = serializers.ListField(child=serializers.DictField())
    field_conflicts = serializers.ListField(child=serializers.DictField())


class ActorMergeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActorMerge
        fields = ["id", "kept", "merged_actor_id", "merged_name", "merged_at", "undone_at"]
