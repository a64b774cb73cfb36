"""Celery task of the map: the layout run."""

from celery import shared_task

from coalitions.services import LAYOUT_TASK
from networks.map.services import layout_compute


@shared_task(bind=True, acks_late=True, max_retries=3, name=LAYOUT_TASK)
def compute_layout(self, coalition_id: int) -> int:
    """Recompute and store the map layout; safe to run twice (it rewrites the same rows)."""
    return layout_compute(coalition_id=coalition_id)
