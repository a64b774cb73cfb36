"""Celery tasks of relationship surveys: thin, ids only, the work is in services."""

from celery import shared_task

from coalitions.surveys.review import ACCEPT_TASK, acceptance_apply, acceptances_reap
from coalitions.surveys.services import reminders_due, respondent_remind

REMINDERS_TASK = "coalitions.survey_reminders"


@shared_task(name=REMINDERS_TASK, acks_late=True)
def send_survey_reminders() -> int:
    """Beat, hourly: remind the respondents who are due. Safe to run twice (each reminder
    is claimed by a conditional update)."""
    return sum(respondent_remind(respondent_id=pk) for pk in reminders_due())


@shared_task(bind=True, name=ACCEPT_TASK, acks_late=True, reject_on_worker_lost=True)
def accept_survey_round(self, acceptance_id: int) -> str:
    """ "Accept all" of a large round, in one transaction (its lease renewed meanwhile)."""
    return acceptance_apply(acceptance_id=acceptance_id, task_id=self.request.id or "")


@shared_task(name="coalitions.reap_survey_acceptances", ignore_result=True)
def reap_survey_acceptances() -> dict[str, int]:
    """Celery beat, every WEFT_REAP_SECONDS: acceptances whose worker died."""
    return acceptances_reap()
