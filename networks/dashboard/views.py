"""The coalition dashboard: Tattersall's social power, measured run after run — are the
relationships between partners getting stronger, and are there more leaders with more skills?

One page for every role with the dashboard (members included, without sensitive actors):
the latest run's network and leadership figures, their trend over every succeeded run
(Chart.js, with a table twin), top brokers and hubs, the leaders, the weaver suggestions, the
latest run's status and progress, and a mark when the map changed since the run.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from coalitions import roles
from coalitions.roles import Permission
from coalitions.surveys import figures as survey_figures
from coalitions.surveys.selectors import latest_comparison
from networks.dashboard.selectors import (
    CHARTED,
    LEADERSHIP_FIGURES,
    METRIC_HELP,
    NETWORK_FIGURES,
    TOP,
    coalition_counts,
    figures_of,
    map_changed_since,
)
from networks.graph.weights import BASIS_LABELS
from networks.metrics.models import ActorMetric, MetricRun, MetricRunStatus
from networks.metrics.selectors import latest_run
from networks.models import Suggestion


@login_required
def dashboard(request, coalition_id: int):
    access = roles.require(request.user, coalition_id, Permission.DASHBOARD_VIEW)
    coalition = access.coalition
    run = latest_run(coalition.pk)
    newest = MetricRun.objects.filter(coalition=coalition).order_by("-created_at", "-id").first()
    context = {
        "access": access,
        "coalition": coalition,
        "run": run,
        "newest": newest,
        "may_start": access.can(Permission.METRICS_RUN),
        "today": timezone.localdate(),
        "metric_help": METRIC_HELP,
        "survey": _survey_comparison(access),
        "counts": coalition_counts(access),
    }
    if run is not None:
        history = list(
            MetricRun.objects.filter(coalition=coalition, status=MetricRunStatus.SUCCEEDED)
            .order_by("computed_for", "finished_at", "id")
            .only("id", "computed_for", "network", "leadership")
        )
        position = next(i for i, r in enumerate(history) if r.pk == run.pk)
        previous = history[position - 1] if position > 0 else None
        rows = ActorMetric.objects.filter(run=run).select_related("actor")
        suggestions = Suggestion.objects.filter(run=run, status="open").select_related(
            "actor", "other"
        )
        if not access.sees_sensitive:
            rows = rows.filter(actor__is_sensitive=False)
            suggestions = suggestions.filter(actor__is_sensitive=False).exclude(
                other__is_sensitive=True
            )
        context |= {
            "network_figures": figures_of(run, previous, NETWORK_FIGURES),
            "leadership_figures": figures_of(run, previous, LEADERSHIP_FIGURES),
            "brokers": list(rows.filter(is_broker=True).order_by("-betweenness", "actor_id")[:TOP]),
            "hubs": list(rows.order_by("-pagerank", "actor_id")[:TOP]),
            "leaders": list(rows.filter(is_leader=True).order_by("actor__name")),
            "suggestions": list(suggestions.order_by("kind", "-score", "id")[:40]),
            "weight_basis": BASIS_LABELS.get(run.network.get("weight_basis", "strength")),
            "changed": map_changed_since(coalition.pk, run.started_at or run.created_at),
            "trend": {
                "labels": [r.computed_for.isoformat() for r in history],
                "series": [
                    {
                        "key": key,
                        "label": label,
                        "values": [getattr(r, part).get(key) for r in history],
                    }
                    for part, key, label, _ in NETWORK_FIGURES + LEADERSHIP_FIGURES
                    if key in CHARTED
                ],
            },
            "history": history,
        }
    return render(request, "networks/dashboard.html", context)


def _survey_comparison(access) -> dict | None:
    """The latest finished relationship survey against the one before, as aggregates under
    the small-count rule (sensitive respondents and actors left out for roles that may not
    see them)."""
    comparison, latest, before = latest_comparison(
        access.coalition.pk, include_sensitive=access.sees_sensitive
    )
    if comparison is None:
        return None
    threshold = access.coalition.reports_small_count_threshold
    return {
        "round": latest,
        "previous": before,
        "rows": survey_figures.comparison_rows(comparison, threshold),
    }
