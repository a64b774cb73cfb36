"""Celery task of the map: the layout run."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from coalitions.services import LAYOUT_TASK
from networks.map.services import layout_compute

# As for metric runs: only what a retry can fix, the database or the broker away a moment.
RETRYABLE = (OperationalError, InterfaceError, ConnectionError)


@shared_task(
    bind=True,
    name=LAYOUT_TASK,
    autoretry_for=RETRYABLE,
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
)
def compute_layout(self, coalition_id: int) -> int:
    """Recompute and store the map layout; safe to run twice (it rewrites the same rows).
    A database restart mid-run is retried with backoff; a worker killed mid-run leaves its
    message to be delivered again (acks_late, reject_on_worker_lost: weft/settings.py)."""
    return layout_compute(coalition_id=coalition_id)
