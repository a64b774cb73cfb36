"""Serializers of the metric runs' API."""

from rest_framework import serializers

from networks.metrics.models import ActorMetric, MetricRun, RelationshipMetric
from networks.models import Suggestion


class MetricRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = MetricRun
        fields = (
            ("id", "status", "trigger", "progress", "stage", "computed_for")
            + ("created_at", "started_at", "finished_at", "attempts", "error")
            + ("input_hash", "betweenness_method", "pivots", "seed", "timings")
            + ("network", "leadership")
        )
        read_only_fields = fields


class ActorMetricSerializer(serializers.ModelSerializer):
    actor = serializers.IntegerField(source="actor_id")
    name = serializers.CharField(source="actor.name")
    kind = serializers.CharField(source="actor.kind")

    class Meta:
        model = ActorMetric
        fields = (
            ("actor", "name", "kind")
            + ("degree", "weighted_degree", "betweenness", "weighted_betweenness", "closeness")
            + ("pagerank", "eigenvector", "core_number", "reach", "community")
            + ("is_broker", "is_peripheral", "is_leader")
        )


class RelationshipMetricSerializer(serializers.ModelSerializer):
    source = serializers.IntegerField(source="source_id")
    target = serializers.IntegerField(source="target_id")
    source_name = serializers.CharField(source="source.name")
    target_name = serializers.CharField(source="target.name")

    class Meta:
        model = RelationshipMetric
        fields = (
            ("source", "target", "source_name", "target_name")
            + ("evidence", "observed", "declared")
            + ("strength", "weight", "declared_weight", "co_affiliations", "is_inferred")
        )


class MetricRunSuggestionSerializer(serializers.ModelSerializer):
    actor_name = serializers.CharField(source="actor.name")
    other_name = serializers.CharField(source="other.name", allow_null=True, default=None)

    class Meta:
        model = Suggestion
        fields = (
            ("id", "kind", "actor", "actor_name", "other", "other_name")
            + ("score", "reason")
            + ("status", "decided_at", "dismissed_reason")
        )


class StrengthSettingsSerializer(serializers.Serializer):
    """The coalition's relationship strength settings, as they apply (defaults filled in).
    On PUT, a setting left out is its default; ``version`` (or If-Match) is the coalition's."""

    half_life_days = serializers.FloatField(
        required=False, help_text="Days after which an interaction counts half as much."
    )
    co_affiliation_weight = serializers.FloatField(
        required=False, help_text="Weight of a shared organisation, board or group (0 to 10)."
    )
    weights = serializers.DictField(
        child=serializers.FloatField(),
        required=False,
        help_text="Evidence weight per interaction kind (0 to 10); kinds left out keep their "
        "default.",
    )
    version = serializers.IntegerField(
        required=False, help_text="The coalition's version (its ETag)."
    )
