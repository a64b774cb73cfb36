"""Notifications by email (#22, item 2): at once through the outbox, or in daily and weekly
digests (one email per user, links that work), with signed one-click unsubscribe links that
need no sign-in and stop that user's email of that kind only."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from coalitions.align.services.proposals import proposal_create
from coalitions.notifications.email import send_digests
from coalitions.notifications.models import Notification, NotificationPreference
from coalitions.notifications.services import notify, preference_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def addressed(personas):
    for name, user in personas.items():
        user.email = f"{name}@example.org"
        user.save(update_fields=["email"])
    return personas


def open_vote(coalition, personas, title="Rent strike"):
    return proposal_create(
        coalition=coalition,
        title=title,
        rule="majority",
        closes_at=timezone.now() + datetime.timedelta(days=5),
        created_by=personas["organizer"],
    )


def links(body: str) -> list[str]:
    return re.findall(r"https?://\S+", body)


def test_a_daily_digest_is_one_email_per_user_with_working_links(client, addressed, coalition):
    open_vote(coalition, addressed)
    open_vote(coalition, addressed, title="Second vote")
    preference_set(user=addressed["funder"], kind="role", delivery="weekly")
    assert send_digests("daily") == 3  # organizer, weaver, member; the funder chose weekly
    by_user = {message.to[0]: message for message in mail.outbox}
    assert set(by_user) == {"organizer@example.org", "weaver@example.org", "member@example.org"}
    member = by_user["member@example.org"]
    assert "3 notifications" in member.subject
    assert "Rent strike" in member.body and "Second vote" in member.body
    html = member.alternatives[0][0]
    assert "Rent strike" in html and "<a href=" in html
    assert member.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Every link to a notification opens it for its user, signed in.
    client.force_login(addressed["member"])
    opened = [url for url in links(member.body) if "/notifications/" in url and "unsub" not in url]
    targets = set()
    for url in opened:
        path = url.split("://", 1)[1].split("/", 1)[1]
        response = client.get("/" + path)
        if response.status_code == 302 and not response["Location"].startswith("/notifications"):
            targets.add(response["Location"])
    assert reverse("coalition-home", args=[coalition.pk]) in targets
    assert any("/voting/" in target for target in targets)
    # Sent once: the next run has nothing; the weekly one has the funder's.
    mail.outbox.clear()
    assert send_digests("daily") == 0
    assert send_digests("weekly") == 1
    assert mail.outbox[0].to == ["funder@example.org"]


def test_a_read_notification_is_not_emailed(addressed, coalition):
    Notification.objects.filter(user=addressed["weaver"]).update(read_at=timezone.now())
    send_digests("daily")
    assert "weaver@example.org" not in {m.to[0] for m in mail.outbox}


def test_immediately_goes_through_the_outbox_after_commit(
    addressed, coalition, tasks_in_process, django_capture_on_commit_callbacks
):
    preference_set(user=addressed["member"], kind="vote", delivery="immediately")
    with django_capture_on_commit_callbacks(execute=True):
        open_vote(coalition, addressed)
        assert mail.outbox == []  # nothing before the commit
    assert [m.to for m in mail.outbox] == [["member@example.org"]]
    assert "Rent strike" in mail.outbox[0].subject
    assert Notification.objects.get(kind="vote").emailed_at is not None
    assert send_digests("daily") == 4  # the roles given, not the vote again
    assert all("Rent strike" not in m.body for m in mail.outbox[1:])


def test_unsubscribe_works_without_sign_in_for_that_user_and_kind_only(
    client, addressed, coalition
):
    open_vote(coalition, addressed)
    send_digests("daily")
    member = next(m for m in mail.outbox if m.to == ["member@example.org"])
    role_link = next(url for url in links(member.body) if "unsubscribe" in url)  # kinds sorted
    header = member.extra_headers["List-Unsubscribe"].strip("<>")
    assert header != role_link  # the header stops every kind of this email
    path = "/" + role_link.split("://", 1)[1].split("/", 1)[1]
    client.logout()
    page = client.get(path)
    assert page.status_code == 200
    assert not NotificationPreference.objects.filter(delivery="off").exists()  # GET asks only
    client.post(path)
    offs = set(NotificationPreference.objects.filter(delivery="off").values_list("user_id", "kind"))
    assert len(offs) == 1
    ((user_id, kind),) = offs
    assert (user_id, kind) == (addressed["member"].pk, "role")
    # A tampered token changes nothing.
    assert client.post(path[:-3] + "xx/").status_code == 400
    assert NotificationPreference.objects.filter(delivery="off").count() == 1
    # And unsubscribed means not emailed: the next notification of that kind stays in the inbox.
    notify(
        coalition_id=coalition.pk,
        kind=kind,
        title="Later",
        path="/",
        user_ids=[addressed["member"].pk],
    )
    mail.outbox.clear()
    send_digests("daily")
    assert all("Later" not in m.body for m in mail.outbox)


def test_the_one_click_header_unsubscribes_from_every_kind_of_that_email(
    client, addressed, coalition
):
    open_vote(coalition, addressed)
    send_digests("daily")
    member = next(m for m in mail.outbox if m.to == ["member@example.org"])
    url = member.extra_headers["List-Unsubscribe"].strip("<>")
    client.post("/" + url.split("://", 1)[1].split("/", 1)[1], {"List-Unsubscribe": "One-Click"})
    offs = set(NotificationPreference.objects.filter(delivery="off").values_list("user_id", "kind"))
    assert offs == {(addressed["member"].pk, "role"), (addressed["member"].pk, "vote")}
