"""Celery tasks of metric runs: thin, JSON arguments, the work is in services."""

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError

from coalitions.models import Coalition
from coalitions.services import METRICS_TASK
from networks.metrics.models import MetricTrigger
from networks.metrics.selectors import metric_input
from networks.metrics.services import (
    metric_run_execute,
    metric_run_fail,
    metric_run_request,
    metric_runs_reap,
)

# Only what a retry can fix: the database or the broker going away for a moment.
RETRYABLE = (OperationalError, InterfaceError, ConnectionError)


class MetricTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        """After the last retry (or an error no retry can fix): the run is marked failed, so
        the dashboard says so instead of showing it running for ever."""
        metric_run_fail(task_id=task_id, run_id=kwargs.get("run_id"), error=type(exc).__name__)


@shared_task(
    bind=True,
    base=MetricTask,
    name=METRICS_TASK,
    # acks_late and reject_on_worker_lost are set for every task in settings (CELERY_TASK_…).
    autoretry_for=RETRYABLE,
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=3,
)
def compute_metrics(
    self, coalition_id: int, run_id: int | None = None, trigger: str = MetricTrigger.MANUAL
) -> int | None:
    """Compute (or find) the coalition's metric run and return its id.

    With ``run_id`` (a run the API created), compute that run. Without (after edits,
    nightly), request one first: unchanged input finds the existing run and computes nothing.
    """
    inputs = None
    if run_id is None:
        inputs = metric_input(coalition_id)
        run, created = metric_run_request(
            coalition_id=coalition_id, trigger=trigger, queue=False, inputs=inputs
        )
        if not created:
            return run.pk
        run_id = run.pk
    try:
        run = metric_run_execute(run_id=run_id, task_id=self.request.id or "", inputs=inputs)
    except RETRYABLE:
        raise  # retried with backoff; on_failure marks the run after the last try
    except Exception as error:
        # No retry fixes a bug or bad data: the run is failed now (also in-process, where
        # Celery does not call on_failure).
        metric_run_fail(run_id=run_id, error=type(error).__name__)
        raise
    return run.pk


@shared_task(name="networks.compute_metrics_nightly")
def compute_metrics_nightly() -> int:
    """Celery beat, nightly: a run per coalition so that decay is current. Returns how many
    were queued (each is skipped by the run itself when nothing changed)."""
    ids = list(Coalition.objects.values_list("pk", flat=True))
    for coalition_id in ids:
        compute_metrics.delay(coalition_id, trigger=MetricTrigger.NIGHTLY)
    return len(ids)


@shared_task(name="networks.reap_metric_runs", ignore_result=True)
def reap_metric_runs() -> dict[str, int]:
    """Celery beat, every WEFT_REAP_SECONDS: runs whose worker died are queued again or
    failed (their lease is over: networks/metrics/services.py, metric_runs_reap)."""
    return metric_runs_reap()
