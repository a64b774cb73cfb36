"""Admin for metric runs and their rows (read-only)."""

from django.contrib import admin

from networks.metrics.models import ActorMetric, MetricRun, RelationshipMetric
from weft.admin import ReadOnlyAdmin


@admin.register(MetricRun)
class MetricRunAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "coalition",
        "status",
        "trigger",
        "computed_for",
        "created_at",
        "finished_at",
    )
    list_filter = ("status", "trigger", "coalition")
    search_fields = ("coalition__name", "input_hash", "task_id")
    list_select_related = ("coalition",)


@admin.register(ActorMetric)
class ActorMetricAdmin(ReadOnlyAdmin):
    list_display = ("actor", "run", "degree", "betweenness", "pagerank", "community", "is_broker")
    list_filter = ("is_broker", "is_peripheral", "is_leader")
    search_fields = ("actor__name",)
    list_select_related = ("actor", "run")


@admin.register(RelationshipMetric)
class RelationshipMetricAdmin(ReadOnlyAdmin):
    list_display = ("source", "target", "run", "strength", "declared", "is_inferred")
    list_filter = ("is_inferred", "is_sensitive")
    search_fields = ("source__name", "target__name")
    list_select_related = ("source", "target", "run")
