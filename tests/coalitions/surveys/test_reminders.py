"""Reminders: respondents who have not answered get one at the round's interval, with a
fresh link; those who answered, or whose link was revoked, get none; twice is once."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from coalitions.surveys.models import SurveyRespondent
from coalitions.surveys.services import (
    relationship_save,
    reminders_due,
    respondent_for_token,
    respondent_link_revoke,
    respondent_remind,
    respondent_submit,
)
from coalitions.surveys.tasks import send_survey_reminders

pytestmark = pytest.mark.django_db


def test_no_reminder_before_the_interval(open_round):
    assert reminders_due() == []


def test_non_respondents_are_reminded_with_a_fresh_link_once(
    open_round, members, weaver_access, django_capture_on_commit_callbacks, tasks_in_process
):
    answered = open_round.respondents.get(organisation=members[0])
    grid = open_round.questions.get(kind="relationship_grid")
    relationship_save(respondent_id=answered.pk, question_id=grid.pk, actor_id=members[1].pk)
    respondent_submit(respondent_id=answered.pk)
    revoked = open_round.respondents.get(organisation=members[1])
    respondent_link_revoke(access=weaver_access, respondent_id=revoked.pk)
    later = timezone.now() + datetime.timedelta(days=3, minutes=1)
    mail.outbox.clear()
    waiting = open_round.respondents.get(organisation=members[2])
    assert reminders_due(later) == [waiting.pk]
    with django_capture_on_commit_callbacks(execute=True):
        assert respondent_remind(respondent_id=waiting.pk, now=later)
        assert not respondent_remind(respondent_id=waiting.pk, now=later)  # claimed already
    [message] = mail.outbox
    assert message.to == ["designee2@example.org"] and "A reminder" in message.body
    token = re.search(r"/surveys/([\w-]+)/", message.body).group(1)
    assert respondent_for_token(token).pk == waiting.pk
    waiting.refresh_from_db()
    assert waiting.reminder_count == 1


def test_the_beat_task_sends_what_is_due(
    open_round, django_capture_on_commit_callbacks, tasks_in_process
):
    SurveyRespondent.objects.update(link_sent_at=timezone.now() - datetime.timedelta(days=4))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_survey_reminders.delay().get() == 3
    assert len(mail.outbox) == 3
