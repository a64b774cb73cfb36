"""Notifications (#22, item 1): a survey round opened to your organisation; closing within 48
hours and overdue next steps, told once by the hourly reminders."""

import datetime

import pytest
from django.utils import timezone

from allies.services.plans import engagement_plan_create
from coalitions.align.services.proposals import proposal_create
from coalitions.home.reminders import send_reminders
from coalitions.notifications.models import Notification
from coalitions.roles import access_for
from coalitions.surveys.services import respondent_add, round_create, round_open
from tests.allies.factories import ActorFactory
from tests.coalitions.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def told(kind, personas):
    users = set(Notification.objects.filter(kind=kind).values_list("user_id", flat=True))
    return {name for name, user in personas.items() if user.pk in users}


def test_a_survey_round_is_told_to_the_organisations_asked(personas, coalition, member_org):
    weaver = access_for(personas["weaver"], coalition.pk)
    today = timezone.localdate()
    survey = round_create(
        access=weaver,
        title="Spring mapping",
        opens_on=today,
        closes_on=today + datetime.timedelta(days=1),
        message="Who do you work with?",
        template="classic",
    )
    other = ActorFactory(coalition=coalition, name="Food Bank", kind="organisation")
    for org in (member_org, other):
        MembershipFactory(coalition=coalition, organisation=org, phase="align")
    respondent_add(
        access=weaver, round_id=survey.pk, organisation_id=member_org.pk, email="a@example.org"
    )
    respondent_add(
        access=weaver, round_id=survey.pk, organisation_id=other.pk, email="b@example.org"
    )
    round_open(access=weaver, round_id=survey.pk)
    assert told("survey", personas) == {"member"}
    # It closes tomorrow: the hourly reminder tells the member once.
    send_reminders()
    send_reminders()
    assert told("closing", personas) == {"member"}
    assert Notification.objects.filter(kind="closing").count() == 1


def test_a_vote_closing_within_48_hours_is_told_once(personas, coalition):
    proposal_create(
        coalition=coalition,
        title="Rent strike",
        rule="majority",
        closes_at=timezone.now() + datetime.timedelta(days=3),
        created_by=personas["organizer"],
    )
    assert send_reminders() == 0  # three days out: not yet
    later = timezone.now() + datetime.timedelta(days=1, hours=12)
    assert send_reminders(now=later) == 1
    assert send_reminders(now=later) == 0
    assert told("closing", personas) == {"member"}
    assert "Rent strike" in Notification.objects.get(kind="closing").title


def test_an_overdue_next_step_is_told_to_its_owner(personas, coalition):
    steward = access_for(personas["steward"], coalition.pk)
    mayor = ActorFactory(coalition=coalition, name="Mayor")
    engagement_plan_create(
        access=steward,
        actor=mayor,
        owner=personas["organizer"],
        next_step="Call her office",
        next_step_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    send_reminders()
    send_reminders()
    overdue = Notification.objects.filter(kind="next_step", title__startswith="Overdue")
    assert [n.user for n in overdue] == [personas["organizer"]]
