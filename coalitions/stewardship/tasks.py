"""The stewardship's scheduled work: the daily retention run (retention.py)."""

from celery import shared_task

from coalitions.stewardship.retention import retention_run_all


@shared_task(name="coalitions.retention_daily", ignore_result=True)
def retention_daily() -> None:
    retention_run_all()
