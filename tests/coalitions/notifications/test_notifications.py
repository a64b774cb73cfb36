"""Notifications (#22, item 1): each kind is created by its cause, in the same transaction,
only for the users who may see the item; the bell, the inbox and the API show them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from allies.services.plans import engagement_plan_create, engagement_plan_update
from coalitions.align.services.health import health_round_open
from coalitions.align.services.proposals import proposal_create
from coalitions.align.services.statements import (
    feedback_round_open,
    statement_create,
    statement_update,
)
from coalitions.notifications.models import Notification
from coalitions.reports.services import report_create, report_publish
from coalitions.roles import access_for
from tests.allies.factories import ActorFactory

pytestmark = pytest.mark.django_db


def told(kind, personas):
    """Which personas got a notification of ``kind``."""
    users = set(Notification.objects.filter(kind=kind).values_list("user_id", flat=True))
    return {name for name, user in personas.items() if user.pk in users}


def test_a_role_given_is_told_to_its_holder_not_to_the_steward(personas, coalition):
    assert told("role", personas) == {"organizer", "weaver", "member", "funder"}
    note = Notification.objects.get(user=personas["funder"], kind="role")
    assert coalition.name in note.title and "funder" in note.title
    assert note.path == reverse("coalition-home", args=[coalition.pk])


def test_a_vote_is_told_to_member_organisations_only(personas, coalition):
    proposal = proposal_create(
        coalition=coalition,
        title="Rent strike",
        rule="majority",
        closes_at=timezone.now() + datetime.timedelta(days=5),
        created_by=personas["organizer"],
    )
    assert told("vote", personas) == {"member"}
    note = Notification.objects.get(kind="vote")
    assert "Rent strike" in note.title
    assert note.path == reverse("member-vote", args=[coalition.pk, proposal.pk])


def test_a_health_check_round_is_told_to_member_organisations(personas, coalition):
    today = timezone.localdate()
    health_round_open(
        coalition=coalition,
        title="Spring",
        opens_on=today,
        closes_on=today + datetime.timedelta(days=7),
        opened_by=personas["weaver"],
    )
    assert told("health_check", personas) == {"member"}


def test_feedback_round_and_publication_are_told_to_those_who_read_statements(personas, coalition):
    statement = statement_create(
        coalition=coalition, title="Homes for all", created_by=personas["weaver"], body="We…"
    )
    feedback_round_open(
        statement=statement,
        closes_at=timezone.now() + datetime.timedelta(days=3),
        opened_by=personas["weaver"],
    )
    # Not the funder (no statements), not the weaver who opened it.
    assert told("feedback", personas) == {"steward", "organizer", "member"}
    statement.refresh_from_db()
    statement_update(
        statement=statement,
        expected_version=statement.version,
        updated_by=personas["weaver"],
        status="published",
    )
    assert told("statement", personas) == {"steward", "organizer", "weaver", "member"}


def test_a_published_report_is_told_to_every_reader_funders_included(personas, coalition):
    report = report_create(
        coalition=coalition,
        created_by=personas["organizer"],
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 3, 31),
    )
    report_publish(report=report, published_by=personas["organizer"])
    assert told("report", personas) == {"steward", "weaver", "member", "funder"}


def test_a_next_step_is_told_to_its_owner_only_if_they_may_see_the_actor(
    personas, coalition, hidden
):
    organizer = access_for(personas["organizer"], coalition.pk)
    open_actor = ActorFactory(coalition=coalition, name="Mayor")
    engagement_plan_create(
        access=organizer, actor=open_actor, owner=personas["weaver"], next_step="Call her office"
    )
    assert told("next_step", personas) == {"weaver"}
    # A sensitive actor: the weaver may not know of it, so is not told.
    plan = engagement_plan_create(
        access=organizer, actor=hidden, owner=personas["weaver"], next_step="Meet quietly"
    )
    assert Notification.objects.filter(kind="next_step").count() == 1
    steward = access_for(personas["steward"], coalition.pk)
    engagement_plan_update(
        access=steward, plan=plan, expected_version=plan.version, owner=personas["organizer"]
    )
    assert told("next_step", personas) == {"weaver", "organizer"}


def test_nothing_is_told_when_the_cause_rolls_back(personas, coalition):
    with pytest.raises(RuntimeError), __import__("django").db.transaction.atomic():
        proposal_create(
            coalition=coalition,
            title="Never",
            rule="majority",
            closes_at=timezone.now() + datetime.timedelta(days=5),
            created_by=personas["organizer"],
        )
        raise RuntimeError
    assert not Notification.objects.filter(kind="vote").exists()


def test_the_bell_counts_unread_and_the_inbox_opens_and_marks_read(client, personas, coalition):
    client.force_login(personas["funder"])
    page = client.get(reverse("coalition-home", args=[coalition.pk])).content.decode()
    assert 'id="notification-count">1<' in page
    inbox = client.get(reverse("notifications")).content.decode()
    note = Notification.objects.get(user=personas["funder"])
    assert note.title in inbox
    response = client.get(reverse("notification-open", args=[note.pk]))
    assert response.status_code == 302
    assert response["Location"] == note.path
    note.refresh_from_db()
    assert note.read_at is not None
    page = client.get(reverse("coalition-home", args=[coalition.pk])).content.decode()
    assert 'id="notification-count"' not in page


def test_nobody_opens_or_marks_another_users_notification(client, personas):
    mine = Notification.objects.get(user=personas["funder"])
    client.force_login(personas["member"])
    assert client.get(reverse("notification-open", args=[mine.pk])).status_code == 404
    client.post(reverse("notifications-read-page"), {"id": mine.pk})
    mine.refresh_from_db()
    assert mine.read_at is None


def test_mark_all_read_from_the_inbox(client, personas):
    client.force_login(personas["member"])
    client.post(reverse("notifications-read-page"))
    assert not Notification.objects.filter(user=personas["member"], read_at=None).exists()


def test_api_lists_own_notifications_and_marks_them_read(client, personas, coalition):
    client.force_login(personas["weaver"])
    url = reverse("notifications-list", args=[coalition.pk])
    body = client.get(url).json()
    assert body["unread"] == 1
    assert [row["kind"] for row in body["results"]] == ["role"]
    response = client.post(
        reverse("notifications-read", args=[coalition.pk]),
        {"ids": [body["results"][0]["id"]]},
        content_type="application/json",
    )
    assert response.json() == {"marked_read": 1}
    assert client.get(url + "?unread=1").json()["results"] == []
    client.force_login(personas["outsider"])
    assert client.get(url).status_code == 404


def test_email_settings_page_and_api(client, personas):
    client.force_login(personas["member"])
    response = client.post(reverse("notification-settings"), {"vote": "immediately"})
    assert response.status_code == 302
    prefs = client.get(reverse("api-notification-preferences")).json()
    assert {"kind": "vote", "delivery": "immediately"} in prefs
    assert {"kind": "report", "delivery": "daily"} in prefs
    response = client.put(
        reverse("api-notification-preferences"),
        [{"kind": "vote", "delivery": "sometimes"}],
        content_type="application/json",
    )
    assert response.status_code == 400
    page = client.post(reverse("notification-settings"), {"vote": "never"}, follow=True)
    assert "Choose immediately, daily, weekly or off." in page.content.decode()
