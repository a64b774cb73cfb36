"""Comments on the workflow (#22, item 3): threads on a statement's paragraphs (on the statement
page, a count beside each paragraph and the thread opened in place), on a proposal's page and
on an action's page, with the map's rules: sanitised Markdown, @mentions told and refused for
someone who may not see the item, edit and delete by the author (a stale edit is a 412),
resolve by the author or the workflow's editors, as visible as the item."""

import datetime

import pytest
from django.urls import reverse

from coalitions.notifications.models import Notification
from coalitions.roles import access_for
from networks.comments.models import Comment
from networks.comments.services import comment_add, comment_delete
from tests.coalitions.factories import (
    ActionFactory,
    ProposalFactory,
    StatementVersionFactory,
    UnityStatementFactory,
)
from weft.errors import ApplicationError

pytestmark = pytest.mark.django_db

READERS = ("steward", "organizer", "weaver", "member")
EDITORS = ("steward", "organizer", "weaver")
# Whoever sees the workflow sees its pages and comments on them; a funder does not (403), a
# stranger to the coalition gets 404 for everything under it.
EXPECTED_PAGE = {"steward": 200, "organizer": 200, "weaver": 200, "member": 200}
EXPECTED_PAGE.update(funder=403, outsider=404)
EXPECTED_POST = dict.fromkeys(READERS, 302)
EXPECTED_POST.update(funder=403, outsider=404)
BODY = "Let us say *renters* first, @member"


@pytest.fixture
def statement(coalition):
    statement = UnityStatementFactory(coalition=coalition, title="Homes for all")
    StatementVersionFactory(
        statement=statement, number=1, body="We stand together.\n\nRents must fall.\n\nWe act."
    )
    return statement


@pytest.fixture
def proposal(coalition):
    return ProposalFactory(coalition=coalition, title="Adopt the platform", rule="consent")


@pytest.fixture
def action(coalition):
    return ActionFactory(
        coalition=coalition, title="March on city hall", starts_on=datetime.date(2026, 5, 1)
    )


@pytest.fixture
def hidden_action(coalition, hidden):
    """An action a sensitive actor led: it exists for organizers and stewards only."""
    action = ActionFactory(coalition=coalition, title="Quiet meeting")
    action.leaders.add(hidden)
    return action


def page_of(kind, coalition, item) -> str:
    name = {
        "statement": "workflow-statement",
        "proposal": "workflow-proposal",
        "action": "workflow-action",
    }[kind]
    return reverse(name, args=[coalition.pk, item.pk])


def form_for(kind) -> dict:
    return {"action": "thread", "paragraph": 2} if kind == "statement" else {"action": "comment"}


def api_of(kind, coalition, item) -> str:
    route = {"statement": "statements", "proposal": "proposals", "action": "actions"}[kind]
    return reverse(f"{route}-comments", args=[coalition.pk, item.pk])


@pytest.fixture
def items(statement, proposal, action):
    return {"statement": statement, "proposal": proposal, "action": action}


# -- who reaches what --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["statement", "proposal", "action"])
@pytest.mark.parametrize("persona", list(EXPECTED_PAGE))
def test_each_role_reads_and_comments_on_the_pages_as_the_roles_table_says(
    client_for, coalition, items, kind, persona
):
    client = client_for(persona)
    item = items[kind]
    assert client.get(page_of(kind, coalition, item)).status_code == EXPECTED_PAGE[persona]
    response = client.post(page_of(kind, coalition, item), {**form_for(kind), "body": "Agreed"})
    assert response.status_code == EXPECTED_POST[persona]
    written = Comment.objects.filter(**{kind: item}, author__username=persona)
    assert written.count() == (1 if persona in READERS else 0)


@pytest.mark.parametrize("kind", ["statement", "proposal", "action"])
def test_signed_out_visitors_are_sent_to_sign_in(client, coalition, items, kind):
    response = client.get(page_of(kind, coalition, items[kind]))
    assert response.status_code == 302 and response.url.startswith("/login/")
    response = client.post(page_of(kind, coalition, items[kind]), {**form_for(kind), "body": "x"})
    assert response.status_code == 302 and not Comment.objects.exists()


@pytest.mark.parametrize("kind", ["statement", "proposal", "action"])
@pytest.mark.parametrize("persona", list(EXPECTED_PAGE) + ["anonymous"])
def test_each_role_against_the_comment_api_of_each_item(
    client, personas, coalition, items, kind, persona
):
    item = items[kind]
    weaver = access_for(personas["weaver"], coalition.pk)
    extra = {"paragraph": 1} if kind == "statement" else {}
    theirs = comment_add(access=weaver, item=item, body="First thought", **extra)
    if persona != "anonymous":
        client.force_login(personas[persona])
    listed = client.get(api_of(kind, coalition, item))
    posted = client.post(
        api_of(kind, coalition, item),
        {"body": "Second thought", **extra},
        content_type="application/json",
    )
    detail = reverse("comments-detail", args=[coalition.pk, theirs.pk])
    read = client.get(detail)
    edited = client.patch(
        detail, {"body": "Edited"}, content_type="application/json", HTTP_IF_MATCH='"1"'
    )
    deleted = client.delete(detail, HTTP_IF_MATCH='"1"')
    resolved = client.post(
        reverse("comments-resolve", args=[coalition.pk, theirs.pk]),
        {},
        content_type="application/json",
    )
    got = {
        "list": listed.status_code,
        "post": posted.status_code,
        "read": read.status_code,
        "edit": edited.status_code,
        "delete": deleted.status_code,
        "resolve": resolved.status_code,
    }
    if persona == "weaver":
        # The author edits at version 1; the delete still names version 1: stale, refused.
        expected = {"list": 200, "post": 201, "read": 200, "edit": 200, "delete": 412}
        expected["resolve"] = 200
    elif persona in READERS:
        expected = {"list": 200, "post": 201, "read": 200, "edit": 403, "delete": 403}
        # Only the author edits or deletes; the workflow's editors resolve anyone's thread.
        expected["resolve"] = 200 if persona in EDITORS else 403
    elif persona == "funder":
        expected = dict.fromkeys(got, 403)
    elif persona == "outsider":
        expected = dict.fromkeys(got, 404)
    else:
        expected = {key: value for key, value in got.items() if value in (401, 403)}
    assert got == expected
    if persona in READERS:
        assert listed.json()["count"] == 1 and listed.json()["open"] == 1
    theirs.refresh_from_db()
    assert theirs.body == ("Edited" if persona == "weaver" else "First thought")
    assert theirs.deleted_at is None


def test_the_author_edits_and_deletes_and_a_stale_edit_is_refused(client_for, coalition, proposal):
    client = client_for("member")
    created = client.post(
        api_of("proposal", coalition, proposal),
        {"body": "Why now?"},
        content_type="application/json",
    ).json()
    assert created["proposal"] == proposal.pk and created["actor"] is None
    detail = reverse("comments-detail", args=[coalition.pk, created["id"]])
    first = client.patch(
        detail,
        {"body": "Why now, **exactly**?"},
        content_type="application/json",
        HTTP_IF_MATCH='"1"',
    )
    assert first.status_code == 200 and "<strong>exactly</strong>" in first.json()["body_html"]
    stale = client.patch(
        detail, {"body": "Overwritten"}, content_type="application/json", HTTP_IF_MATCH='"1"'
    )
    assert stale.status_code == 412
    assert Comment.objects.get().body == "Why now, **exactly**?"
    # From the page: a stale form is refused too, then a delete at the right version.
    page = page_of("proposal", coalition, proposal)
    edit = reverse("comment-edit", args=[coalition.pk, created["id"]])
    late = client.post(edit, {"body": "Late", "version": 1}, follow=True)
    assert late.redirect_chain[0][0].startswith(page)
    assert "This comment was changed" in late.content.decode()
    assert Comment.objects.get().body == "Why now, **exactly**?"
    response = client.post(
        reverse("comment-delete", args=[coalition.pk, created["id"]]), {"version": 2}
    )
    assert response.status_code == 302 and response.url.startswith(page)
    html = client.get(page).content.decode()
    assert "This comment was deleted." in html and "exactly" not in html


# -- what a role sees ----------------------------------------------------------------------------


def test_an_action_led_by_a_sensitive_actor_hides_its_thread_from_weaver_and_member(
    client_for, personas, coalition, hidden_action
):
    organizer = access_for(personas["organizer"], coalition.pk)
    comment_add(access=organizer, item=hidden_action, body="Keep this quiet, @steward")
    assert Notification.objects.get(kind="mention").user == personas["steward"]
    for persona in ("weaver", "member"):
        client = client_for(persona)
        assert client.get(page_of("action", coalition, hidden_action)).status_code == 404
        assert client.get(api_of("action", coalition, hidden_action)).status_code == 404
        everything = client.get(reverse("comments-list", args=[coalition.pk])).json()
        assert everything["count"] == 0 and "quiet" not in str(everything)
    client = client_for("organizer")
    html = client.get(page_of("action", coalition, hidden_action)).content.decode()
    assert "Keep this quiet" in html


def test_mentioning_someone_who_may_not_see_the_item_is_refused(
    client_for, personas, coalition, proposal, hidden_action
):
    organizer = access_for(personas["organizer"], coalition.pk)
    with pytest.raises(ApplicationError) as refused:
        comment_add(access=organizer, item=hidden_action, body="Ask @member")
    assert refused.value.code == "mention_refused"
    # A funder does not see the workflow; an outsider holds no role.
    for name in ("funder", "outsider"):
        with pytest.raises(ApplicationError):
            comment_add(access=organizer, item=proposal, body=f"Ask @{name}")
    client = client_for("weaver")
    response = client.post(
        page_of("proposal", coalition, proposal), {"action": "comment", "body": "Ask @funder"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "@funder may not see this item" in html and "Ask @funder</textarea>" in html
    api = client.post(
        api_of("proposal", coalition, proposal),
        {"body": "Ask @funder"},
        content_type="application/json",
    )
    assert api.status_code == 400 and api.json()["field"] == "body"
    assert not Comment.objects.exists()
    assert not Notification.objects.filter(kind="mention").exists()


def test_a_paragraph_thread_tells_the_member_and_opens_in_place(
    client_for, personas, coalition, statement
):
    weaver = client_for("weaver")
    response = weaver.post(
        page_of("statement", coalition, statement),
        {"action": "thread", "paragraph": 2, "body": BODY + " <script>alert(1)</script>"},
    )
    comment = Comment.objects.get()
    assert (comment.statement, comment.paragraph, comment.paragraph_version) == (statement, 2, 1)
    assert response.url == page_of("statement", coalition, statement) + (
        f"?thread=2#comment-{comment.pk}"
    )
    note = Notification.objects.get(kind="mention")
    assert note.user == personas["member"]
    assert "paragraph 2 of “Homes for all”" in note.title
    member = client_for("member")
    html = member.get(note.path.split("#")[0]).content.decode()
    assert '<details class="discussion" id="thread-2" open>' in html
    assert '<details class="discussion" id="thread-1">' in html
    assert 'data-thread-count="2" aria-label="1 comment">1</span>' in html
    assert 'data-thread-count="1" aria-label="0 comments">0</span>' in html
    assert "<em>renters</em>" in html and "<script>alert" not in html
    # The member replies in the thread; the count beside the paragraph follows.
    member.post(
        page_of("statement", coalition, statement),
        {"action": "thread", "paragraph": 2, "parent": comment.pk, "body": "Agreed"},
    )
    reply = Comment.objects.get(parent=comment)
    assert reply.paragraph == 2
    html = member.get(page_of("statement", coalition, statement)).content.decode()
    assert 'data-thread-count="2" aria-label="2 comments">2</span>' in html


def test_a_paragraph_that_is_not_in_the_text_is_refused_by_name(client_for, coalition, statement):
    client = client_for("member")
    for paragraph in (0, 4, "two"):
        response = client.post(
            api_of("statement", coalition, statement),
            {"paragraph": paragraph, "body": "Here"} if paragraph != "two" else {"body": "Here"},
            content_type="application/json",
        )
        assert response.status_code == 400 and response.json()["field"] == "paragraph"
    page = client.post(
        page_of("statement", coalition, statement),
        {"action": "thread", "paragraph": 9, "body": "Here"},
    )
    assert page.status_code == 400 and "Choose a paragraph from 1 to 3." in page.content.decode()
    assert not Comment.objects.exists()


def test_the_api_lists_a_paragraph_s_thread_and_refuses_a_reply_across_items(
    client_for, personas, coalition, statement, proposal
):
    weaver = access_for(personas["weaver"], coalition.pk)
    first = comment_add(access=weaver, item=statement, paragraph=1, body="On one")
    comment_add(access=weaver, item=statement, paragraph=3, body="On three")
    elsewhere = comment_add(access=weaver, item=proposal, body="On the proposal")
    client = client_for("member")
    url = api_of("statement", coalition, statement)
    listed = client.get(url + "?paragraph=1").json()
    assert [(row["paragraph"], row["body"]) for row in listed["results"]] == [(1, "On one")]
    assert client.get(url).json()["count"] == 2
    assert client.get(url + "?paragraph=x").status_code == 400
    # A reply names a thread of the same item: another item's is not found here.
    across = client.post(
        url, {"paragraph": 1, "parent": elsewhere.pk, "body": "Hm"}, content_type="application/json"
    )
    assert across.status_code == 404
    reply = client.post(
        url, {"paragraph": 1, "parent": first.pk, "body": "Yes"}, content_type="application/json"
    )
    assert reply.status_code == 201 and reply.json()["parent"] == first.pk


def test_the_workflow_editors_resolve_a_member_s_thread_and_the_page_shows_it(
    client_for, personas, coalition, action
):
    member = access_for(personas["member"], coalition.pk)
    comment = comment_add(access=member, item=action, body="Who brings water?")
    client = client_for("weaver")
    response = client.post(
        reverse("comment-resolve", args=[coalition.pk, comment.pk]), {"resolved": "1"}
    )
    assert response.url == page_of("action", coalition, action) + f"#comment-{comment.pk}"
    comment.refresh_from_db()
    assert comment.resolved_by == personas["weaver"]
    html = client.get(page_of("action", coalition, action)).content.decode()
    assert "resolved" in html and "Reopen" in html


def test_the_proposal_and_action_lists_link_to_their_pages(client_for, coalition, proposal, action):
    client = client_for("weaver")
    assert (
        page_of("proposal", coalition, proposal)
        in client.get(reverse("workflow-proposals", args=[coalition.pk])).content.decode()
    )
    assert (
        page_of("action", coalition, action)
        in client.get(reverse("workflow-produce", args=[coalition.pk])).content.decode()
    )
    member = client_for("member")
    assert (
        page_of("proposal", coalition, proposal)
        in member.get(reverse("member-proposals", args=[coalition.pk])).content.decode()
    )


def test_a_member_still_may_not_vote_or_decide_from_the_proposal_page(
    client_for, coalition, proposal
):
    client = client_for("member")
    url = page_of("proposal", coalition, proposal)
    assert client.post(url, {"action": "decide"}).status_code == 403
    assert client.post(url, {"action": "vote"}).status_code == 403
    proposal.refresh_from_db()
    assert proposal.outcome == ""


def test_a_thread_started_on_an_earlier_version_says_so(client_for, personas, coalition, statement):
    weaver = access_for(personas["weaver"], coalition.pk)
    comment_add(access=weaver, item=statement, paragraph=2, paragraph_version=1, body="Too soft")
    client = client_for("member")
    url = page_of("statement", coalition, statement) + "?thread=2"
    assert "Started on version 1" not in client.get(url).content.decode()
    StatementVersionFactory(statement=statement, number=2, body="We.\n\nRents must fall now.")
    assert "Started on version 1 of the text" in client.get(url).content.decode()


def test_the_proposal_lists_count_its_comments_not_the_deleted(
    client_for, personas, coalition, proposal
):
    weaver = access_for(personas["weaver"], coalition.pk)
    comment_add(access=weaver, item=proposal, body="One")
    gone = comment_add(access=weaver, item=proposal, body="Two")
    comment_delete(access=weaver, comment=gone, expected_version=1)
    for persona, name in (("weaver", "workflow-proposals"), ("member", "member-proposals")):
        html = client_for(persona).get(reverse(name, args=[coalition.pk])).content.decode()
        assert 'data-comment-count="1">Discussion: 1 comment</a>' in html
