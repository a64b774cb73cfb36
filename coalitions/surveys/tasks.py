"""Celery tasks of relationship surveys: thin, ids only, the work is in services."""

from celery import shared_task

from coalitions.surveys.services import reminders_due, respondent_remind

REMINDERS_TASK = "coalitions.survey_reminders"


@shared_task(name=REMINDERS_TASK, acks_late=True)
def send_survey_reminders() -> int:
    """Beat, hourly: remind the respondents who are due. Safe to run twice (each reminder
    is claimed by a conditional update)."""
    return sum(respondent_remind(respondent_id=pk) for pk in reminders_due())
