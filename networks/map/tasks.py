"""Celery tasks of the map: the layout run, and taking back the runs whose worker died."""

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError

from coalitions.services import LAYOUT_TASK
from networks.map.services import (
    layout_compute,
    layout_run_claim,
    layout_run_fail,
    layout_runs_reap,
)

# As for metric runs: only what a retry can fix, the database or the broker away a moment.
RETRYABLE = (OperationalError, InterfaceError, ConnectionError)


class LayoutTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        """After the last retry (or an error no retry can fix): the run is marked failed, so
        that it is not shown running for ever; the map keeps its last layout."""
        layout_run_fail(task_id=task_id, run_id=kwargs.get("run_id"), error=type(exc).__name__)


@shared_task(
    bind=True,
    base=LayoutTask,
    name=LAYOUT_TASK,
    autoretry_for=RETRYABLE,
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
)
def compute_layout(self, coalition_id: int, run_id: int | None = None) -> int:
    """Recompute and store the map layout under a run claimed with a lease; safe to run
    twice (it rewrites the same rows). A database restart mid-run is retried with backoff
    (the same task id claims its run again); a worker killed mid-run stops renewing the
    run's lease, and the reaper queues it again with ``run_id`` (networks/map/services.py,
    layout_runs_reap) or fails it after WEFT_RUN_MAX_ATTEMPTS claims."""
    task_id = self.request.id or ""
    run = layout_run_claim(coalition_id=coalition_id, task_id=task_id, run_id=run_id)
    if run is None:
        return 0  # finished already, or alive on another worker
    try:
        return layout_compute(coalition_id=coalition_id, run=run)
    except RETRYABLE:
        raise  # retried with backoff; on_failure marks the run after the last try
    except Exception as error:
        # No retry fixes a bug: the run fails now (also in-process, where Celery does not
        # call on_failure).
        layout_run_fail(run_id=run.pk, error=type(error).__name__)
        raise


@shared_task(name="networks.reap_layout_runs", ignore_result=True)
def reap_layout_runs() -> dict[str, int]:
    """Celery beat, every WEFT_REAP_SECONDS: layout runs whose worker died are queued again
    or failed."""
    return layout_runs_reap()
