"""Reminders (issue 22): what closes within 48 hours is told again to those it is open to,
and a next step past its day to its owner. Run by beat every hour; each reminder has a key, so
a user is told once however often it runs."""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from allies.models import EngagementPlan
from coalitions.align.models import FeedbackRound, HealthCheckRound, Proposal
from coalitions.notifications.models import NotificationKind
from coalitions.notifications.selectors import member_organisation_users, recipients
from coalitions.notifications.services import notify
from coalitions.roles import Permission
from coalitions.surveys.models import RoundStatus, SurveyRound

CLOSING_WITHIN = datetime.timedelta(hours=48)


def _closing(coalition_id: int, title: str, path: str, user_ids, key: str) -> int:
    with transaction.atomic():
        return len(
            notify(
                coalition_id=coalition_id,
                kind=NotificationKind.CLOSING,
                title=title,
                path=path,
                user_ids=user_ids,
                key=key,
            )
        )


def send_reminders(now=None) -> int:
    """Tell who needs telling; returns how many notifications were written."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    soon, soon_day = now + CLOSING_WITHIN, today + datetime.timedelta(days=2)
    told = 0
    for proposal in Proposal.objects.filter(
        decided_at__isnull=True, closes_at__gt=now, closes_at__lte=soon
    ):
        told += _closing(
            proposal.coalition_id,
            f"Vote closes {timezone.localtime(proposal.closes_at):%d %b %H:%M}: {proposal.title}",
            reverse("member-vote", args=[proposal.coalition_id, proposal.pk]),
            member_organisation_users(proposal.coalition_id),
            f"closing:vote:{proposal.pk}",
        )
    for health in HealthCheckRound.objects.filter(closes_on__gte=today, closes_on__lte=soon_day):
        told += _closing(
            health.coalition_id,
            f"Health check closes {health.closes_on:%d %b}: {health.title}",
            reverse("member-health", args=[health.coalition_id]),
            member_organisation_users(health.coalition_id),
            f"closing:health:{health.pk}",
        )
    for feedback in FeedbackRound.objects.filter(
        closes_at__gt=now, closes_at__lte=soon
    ).select_related("version__statement"):
        statement = feedback.version.statement
        told += _closing(
            statement.coalition_id,
            f"Feedback closes {timezone.localtime(feedback.closes_at):%d %b %H:%M}: "
            f"{statement.title}",
            reverse("workflow-statement", args=[statement.coalition_id, statement.pk]),
            recipients(statement.coalition_id, permission=Permission.WORKFLOW_VIEW),
            f"closing:feedback:{feedback.pk}",
        )
    for survey in SurveyRound.objects.filter(
        status=RoundStatus.OPEN, closes_on__gte=today, closes_on__lte=soon_day
    ):
        waiting = survey.respondents.filter(submitted_at__isnull=True)
        told += _closing(
            survey.coalition_id,
            f"Survey closes {survey.closes_on:%d %b}: {survey.title}",
            reverse("survey-answer-signed-in", args=[survey.coalition_id, survey.pk]),
            recipients(
                survey.coalition_id,
                organisation_ids=waiting.exclude(organisation=None).values_list(
                    "organisation_id", flat=True
                ),
                person_ids=waiting.exclude(person=None).values_list("person_id", flat=True),
            ),
            f"closing:survey:{survey.pk}",
        )
    for plan in (
        EngagementPlan.objects.filter(owner__isnull=False, next_step_on__lt=today)
        .exclude(next_step="")
        .select_related("actor")
    ):
        with transaction.atomic():
            told += len(
                notify(
                    coalition_id=plan.actor.coalition_id,
                    kind=NotificationKind.NEXT_STEP,
                    title=f"Overdue since {plan.next_step_on:%d %b}: {plan.next_step}",
                    path=reverse("coalition-map", args=[plan.actor.coalition_id])
                    + f"?actor={plan.actor_id}",
                    user_ids=recipients(
                        plan.actor.coalition_id,
                        permission=Permission.CONTACTS_VIEW,
                        sensitive=plan.actor.is_sensitive,
                        user_ids=[plan.owner_id],
                    ),
                    key=f"overdue:{plan.pk}:{plan.next_step_on}",
                )
            )
    return told
