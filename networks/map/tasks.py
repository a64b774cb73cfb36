"""Celery task of the map: the layout run."""

from celery import shared_task

from networks.map.services import layout_compute

# Large imports are previewed by a worker (registered here so autodiscovery finds it).
from networks.transfer.tasks import preview_import  # noqa: E402, F401


@shared_task(bind=True, acks_late=True, max_retries=3, name="networks.compute_layout")
def compute_layout(self, coalition_id: int) -> int:
    """Recompute and store the map layout; safe to run twice (it rewrites the same rows)."""
    return layout_compute(coalition_id=coalition_id)
