"""Editing a proposal on its page (the roles that run the workflow): title, text, rule (only
before anyone voted), closing and review dates. Errors show next to the field and save
nothing; a stale form is refused naming who changed the proposal; a decided one is not
editable."""

import datetime

import pytest
from django.utils import timezone

from coalitions.align.models import Proposal
from coalitions.align.services.proposals import proposal_update
from tests.coalitions.factories import ProposalFactory, VoteFactory


@pytest.fixture
def proposal(coalition):
    closes = timezone.now() + datetime.timedelta(days=3)
    return ProposalFactory(coalition=coalition, title="Join the rent strike", closes_at=closes)


def url(proposal):
    return f"/coalitions/{proposal.coalition_id}/proposals/{proposal.pk}/"


def form(proposal, **changes):
    closes = timezone.localtime(proposal.closes_at).strftime("%Y-%m-%dT%H:%M")
    body = {
        "action": "edit",
        "version": proposal.version,
        "title": proposal.title,
        "text": proposal.text,
        "rule": proposal.rule,
        "closes_at": closes,
        "review_by": "",
    }
    body.update(changes)
    return body


@pytest.mark.parametrize(
    "persona,status",
    [
        ("steward", 302),
        ("organizer", 302),
        ("weaver", 302),
        ("member", 403),
        ("funder", 403),
        ("outsider", 404),
    ],
)
def test_only_the_workflow_roles_edit_a_proposal(
    client_for, proposal, member_designee, persona, status
):
    response = client_for(persona).post(url(proposal), form(proposal, title="Strike now"))
    assert response.status_code == status
    proposal.refresh_from_db()
    assert (proposal.title == "Strike now") == (status == 302)


def test_the_edit_form_is_shown_to_editors_only(client_for, proposal, member_designee):
    assert 'id="proposal-form"' in client_for("weaver").get(url(proposal)).content.decode()
    assert 'id="proposal-form"' not in client_for("member").get(url(proposal)).content.decode()


def test_a_weaver_changes_the_text_rule_and_dates(client_for, proposal):
    client = client_for("weaver")
    closes = timezone.localtime(proposal.closes_at) + datetime.timedelta(days=2)
    body = form(
        proposal,
        title="Join the rent strike in May",
        text="From the first of May.",
        rule="consent",
        closes_at=closes.strftime("%Y-%m-%dT%H:%M"),
        review_by=(closes.date() + datetime.timedelta(days=30)).isoformat(),
    )
    response = client.post(url(proposal), body, follow=True)
    assert "The proposal “Join the rent strike in May” is saved." in response.content.decode()
    proposal.refresh_from_db()
    assert (proposal.title, proposal.text, proposal.rule, proposal.version) == (
        "Join the rent strike in May",
        "From the first of May.",
        "consent",
        2,
    )
    assert timezone.localtime(proposal.closes_at).strftime("%Y-%m-%dT%H:%M") == body["closes_at"]
    assert proposal.review_by == closes.date() + datetime.timedelta(days=30)
    assert proposal.history.first().history_user.username == "weaver"


def test_an_unchanged_closing_time_is_kept_to_the_second(client_for, proposal):
    before = proposal.closes_at
    client_for("weaver").post(url(proposal), form(proposal, text="More detail"))
    proposal.refresh_from_db()
    assert (proposal.text, proposal.closes_at) == ("More detail", before)


@pytest.mark.parametrize(
    "changes,field,message",
    [
        ({"title": ""}, "title", "This field is required."),
        ({"title": "   "}, "title", "This field is required."),
        ({"rule": "coin toss"}, "rule", "Select a valid choice."),
        ({"closes_at": "soon"}, "closes_at", "Enter a valid date/time."),
        ({"closes_at": "2020-01-01T10:00"}, "closes_at", "The closing date must be in the future."),
        ({"review_by": "2020-01-01"}, "review_by", "Review it after it closes."),
    ],
)
def test_bad_input_is_shown_next_to_the_field_and_nothing_is_saved(
    client_for, proposal, changes, field, message
):
    response = client_for("weaver").post(url(proposal), form(proposal, **changes))
    assert response.status_code == 400
    html = response.content.decode()
    # The error sits in the field's own block, just before its input.
    block = html[: html.index(f'name="{field}"')]
    assert message in block[block.rindex("<div>") :]
    assert Proposal.objects.get(pk=proposal.pk).version == proposal.version


def test_the_rule_stays_once_organisations_voted(client_for, proposal):
    VoteFactory(proposal=proposal)
    response = client_for("weaver").post(url(proposal), form(proposal, rule="consensus"))
    assert response.status_code == 400
    assert "cannot change once organisations have voted" in response.content.decode()
    assert Proposal.objects.get(pk=proposal.pk).rule == "majority"


def test_a_stale_form_is_refused_naming_who_changed_it(client_for, proposal, personas):
    opened = form(proposal, title="Mine")
    proposal_update(
        proposal=proposal,
        expected_version=proposal.version,
        updated_by=personas["organizer"],
        text="Theirs",
    )
    response = client_for("weaver").post(url(proposal), opened)
    assert response.status_code == 412
    html = response.content.decode()
    assert "changed by organizer" in html and "your change was not saved" in html
    proposal.refresh_from_db()
    assert (proposal.title, proposal.text) == ("Join the rent strike", "Theirs")


def test_a_decided_proposal_is_not_editable(client_for, proposal):
    Proposal.objects.filter(pk=proposal.pk).update(outcome="adopted", decided_at=timezone.now())
    client = client_for("weaver")
    assert 'id="proposal-form"' not in client.get(url(proposal)).content.decode()
    response = client.post(url(proposal), form(proposal, title="Changed"))
    assert response.status_code == 409 and "has been decided" in response.content.decode()
    assert Proposal.objects.get(pk=proposal.pk).title == "Join the rent strike"
