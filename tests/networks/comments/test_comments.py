"""Comments on the map (#22, item 3): threads on actors and ties in sanitised Markdown,
@mentions told, edit and delete by the author, resolve; as visible as the item (a comment on a
sensitive actor is invisible to a member and a funder, and mentioning a member there is
refused)."""

import pytest
from django.urls import reverse

from coalitions.notifications.models import Notification
from coalitions.roles import access_for
from networks.comments.models import Comment
from networks.comments.services import comment_add
from tests.allies.factories import ActorFactory
from tests.networks.factories import TieFactory
from weft.errors import ApplicationError

pytestmark = pytest.mark.django_db


@pytest.fixture
def mayor(coalition):
    return ActorFactory(coalition=coalition, name="Mayor Diaz")


def page(coalition, kind, item):
    return reverse("comments-page", args=[coalition.pk, kind, item.pk])


def test_a_thread_on_an_actor_with_markdown_and_a_mention(client, personas, coalition, mayor):
    client.force_login(personas["organizer"])
    response = client.post(
        page(coalition, "actor", mayor),
        {"body": "**Ask** @member about <script>alert(1)</script> the vote"},
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    html = client.get(page(coalition, "actor", mayor)).content.decode()
    assert "<strong>Ask</strong>" in html
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    note = Notification.objects.get(kind="mention")
    assert note.user == personas["member"]
    assert note.path.endswith(f"#comment-{comment.pk}")
    # The member replies; the thread holds both.
    client.force_login(personas["member"])
    client.post(page(coalition, "actor", mayor), {"body": "On it", "parent": comment.pk})
    reply = Comment.objects.get(parent=comment)
    assert reply.author == personas["member"]
    assert "On it" in client.get(page(coalition, "actor", mayor)).content.decode()


def test_a_comment_on_a_sensitive_actor_is_invisible_to_member_and_funder(
    client, personas, coalition, hidden
):
    organizer = access_for(personas["organizer"], coalition.pk)
    comment_add(access=organizer, item=hidden, body="Met quietly")
    for name in ("member", "weaver"):
        client.force_login(personas[name])
        assert client.get(page(coalition, "actor", hidden)).status_code == 404
        body = client.get(reverse("comments-list", args=[coalition.pk])).json()
        assert body["count"] == 0
        assert "Met quietly" not in str(body)
    client.force_login(personas["funder"])
    assert client.get(reverse("comments-list", args=[coalition.pk])).status_code == 403
    client.force_login(personas["steward"])
    assert client.get(reverse("comments-list", args=[coalition.pk])).json()["count"] == 1


def test_mentioning_a_member_on_a_sensitive_actor_is_refused(client, personas, coalition, hidden):
    organizer = access_for(personas["organizer"], coalition.pk)
    with pytest.raises(ApplicationError) as refused:
        comment_add(access=organizer, item=hidden, body="Ask @member")
    assert refused.value.code == "mention_refused"
    client.force_login(personas["organizer"])
    response = client.post(page(coalition, "actor", hidden), {"body": "Ask @member"})
    assert response.status_code == 400
    assert "@member may not see this item" in response.content.decode()
    assert not Comment.objects.exists()
    assert not Notification.objects.filter(kind="mention").exists()
    # The steward may be mentioned: they see sensitive actors.
    comment_add(access=organizer, item=hidden, body="Ask @steward")
    assert Notification.objects.get(kind="mention").user == personas["steward"]


def test_a_tie_to_a_sensitive_actor_hides_its_comments(client, personas, coalition, hidden, mayor):
    tie = TieFactory(coalition=coalition, source=mayor, target=hidden)
    comment_add(access=access_for(personas["steward"], coalition.pk), item=tie, body="Careful")
    client.force_login(personas["member"])
    assert client.get(page(coalition, "tie", tie)).status_code == 404
    open_tie = TieFactory(
        coalition=coalition, source=mayor, target=ActorFactory(coalition=coalition, name="Union")
    )
    response = client.post(
        reverse("comments-list", args=[coalition.pk]),
        {"tie": open_tie.pk, "body": "Strong tie"},
        content_type="application/json",
    )
    assert response.status_code == 201
    listed = client.get(reverse("comments-list", args=[coalition.pk]) + f"?tie={open_tie.pk}")
    assert [row["body"] for row in listed.json()["results"]] == ["Strong tie"]


def test_only_the_author_edits_and_deletes_and_stale_edits_are_refused(
    client, personas, coalition, mayor
):
    comment = comment_add(
        access=access_for(personas["weaver"], coalition.pk), item=mayor, body="First"
    )
    client.force_login(personas["organizer"])
    url = reverse("comments-detail", args=[coalition.pk, comment.pk])
    assert (
        client.patch(url, {"body": "Hijack"}, content_type="application/json", HTTP_IF_MATCH='"1"')
    ).status_code == 403
    client.force_login(personas["weaver"])
    response = client.patch(
        url, {"body": "Second"}, content_type="application/json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 200 and response.json()["body"] == "Second"
    stale = client.patch(
        url, {"body": "Third"}, content_type="application/json", HTTP_IF_MATCH='"1"'
    )
    assert stale.status_code == 412
    # From the page: edit, then delete (the thread keeps its place, without the text).
    client.post(
        reverse("comment-edit", args=[coalition.pk, comment.pk]), {"body": "Edited", "version": 2}
    )
    comment.refresh_from_db()
    assert comment.body == "Edited"
    client.post(reverse("comment-delete", args=[coalition.pk, comment.pk]), {"version": 3})
    comment.refresh_from_db()
    assert comment.deleted_at is not None and comment.body == ""
    assert (
        "This comment was deleted." in client.get(page(coalition, "actor", mayor)).content.decode()
    )


def test_resolve_by_author_or_editors_not_other_members(client, personas, coalition, mayor):
    comment = comment_add(
        access=access_for(personas["weaver"], coalition.pk), item=mayor, body="Open question"
    )
    url = reverse("comments-resolve", args=[coalition.pk, comment.pk])
    client.force_login(personas["member"])
    assert client.post(url, {}, content_type="application/json").status_code == 403
    client.force_login(personas["organizer"])
    response = client.post(url, {}, content_type="application/json")
    assert response.json()["resolved"] is True
    client.post(reverse("comment-resolve", args=[coalition.pk, comment.pk]), {"resolved": "0"})
    comment.refresh_from_db()
    assert comment.resolved_at is None
