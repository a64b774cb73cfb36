"""Celery tasks of the home package: the hourly reminders (reminders.py)."""

from celery import shared_task

from coalitions.home.reminders import send_reminders

REMINDERS_TASK = "coalitions.notification_reminders"


@shared_task(name=REMINDERS_TASK, acks_late=True)
def notification_reminders() -> int:
    """Beat, hourly: closing in 48 hours, next steps overdue. Safe to run twice."""
    return send_reminders()
