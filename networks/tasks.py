"""Celery tasks of the networks app: thin, JSON arguments, the work is in services."""

from celery import shared_task

from . import services


@shared_task(bind=True, acks_late=True, max_retries=3, name="networks.compute_layout")
def compute_layout(self, coalition_id: int) -> int:
    """Recompute and store the map layout; safe to run twice (it rewrites the same rows)."""
    return services.layout_compute(coalition_id=coalition_id)


# Large imports are previewed by a worker (registered here so autodiscovery finds it).
from .transfer.tasks import preview_import  # noqa: E402, F401
