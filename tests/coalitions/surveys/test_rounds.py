"""Drafting, opening and closing a round: the weaver's pages and services."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from coalitions.roles import access_for
from coalitions.surveys.models import QuestionKind, SurveyRespondent, SurveyRound
from coalitions.surveys.services import (
    question_add,
    respondent_add,
    round_close,
    round_create,
    round_open,
)
from weft.errors import ApplicationError
from weft.tokens import token_hash

pytestmark = pytest.mark.django_db


def test_the_classic_template_ships_a_grid_and_every_other_kind_of_question(draft_round):
    kinds = [q.kind for q in draft_round.questions.all()]
    assert kinds[0] == QuestionKind.RELATIONSHIP_GRID
    assert set(kinds) == set(QuestionKind.values)


def test_a_member_organisation_answers_through_its_designee(draft_round, members):
    respondent = draft_round.respondents.get(organisation=members[0])
    assert respondent.person.name == "Designee 0"
    assert respondent.email == "designee0@example.org"


def test_an_organisation_that_is_not_a_member_is_refused(weaver_access, draft_round, orgs):
    with pytest.raises(ApplicationError) as refused:
        respondent_add(access=weaver_access, round_id=draft_round.pk, organisation_id=orgs[0].pk)
    assert refused.value.field == "organisation"


def test_a_respondent_is_added_once(weaver_access, draft_round, members):
    with pytest.raises(ApplicationError, match="Already"):
        respondent_add(access=weaver_access, round_id=draft_round.pk, organisation_id=members[0].pk)


def test_a_sensitive_person_is_no_respondent_for_a_weaver(weaver_access, draft_round, hidden):
    with pytest.raises(ApplicationError) as refused:
        respondent_add(access=weaver_access, round_id=draft_round.pk, person_id=hidden.pk)
    assert refused.value.field == "person"


def test_a_round_closes_on_or_after_it_opens(weaver_access):
    today = timezone.localdate()
    with pytest.raises(ApplicationError) as refused:
        round_create(
            access=weaver_access,
            title="Backwards",
            opens_on=today,
            closes_on=today - datetime.timedelta(days=1),
        )
    assert refused.value.field == "closes_on"
    assert not SurveyRound.objects.exists()


def test_a_choice_question_offers_two_choices_at_least(weaver_access, draft_round):
    with pytest.raises(ApplicationError) as refused:
        question_add(
            access=weaver_access,
            round_id=draft_round.pk,
            kind=QuestionKind.SINGLE_CHOICE,
            text="Pick",
            choices=["Only one"],
        )
    assert refused.value.field == "choices"


def test_opening_emails_each_respondent_a_personal_link_keeping_only_its_hash(
    draft_round, weaver_access, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        round_open(access=weaver_access, round_id=draft_round.pk)
    assert len(mail.outbox) == 3
    hashes = set(SurveyRespondent.objects.values_list("token_hash", flat=True))
    for message in mail.outbox:
        token = re.search(r"/surveys/([\w-]+)/", message.body).group(1)
        assert len(token) >= 43  # 32 random bytes: 256 bits
        assert token_hash(token) in hashes
        assert token not in str(list(SurveyRespondent.objects.values_list()))
        assert "weavers, organizers and stewards" in message.body


def test_a_round_cannot_be_closed_twice(open_round, weaver_access):
    round_close(access=weaver_access, round_id=open_round.pk)
    with pytest.raises(ApplicationError) as refused:
        round_close(access=weaver_access, round_id=open_round.pk)
    assert refused.value.status == 409


def test_questions_are_fixed_once_the_round_is_open(open_round, weaver_access):
    with pytest.raises(ApplicationError) as refused:
        question_add(
            access=weaver_access, round_id=open_round.pk, kind="free_text", text="Late question"
        )
    assert refused.value.status == 409


def test_a_member_cannot_draft_a_round(coalition, personas):
    access = access_for(personas["member"], coalition.pk)
    today = timezone.localdate()
    with pytest.raises(Exception) as refused:
        round_create(access=access, title="Mine", opens_on=today, closes_on=today)
    assert "does not allow" in str(refused.value)


# -- Pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("steward", 200),
        ("organizer", 200),
        ("weaver", 200),
        ("member", 403),
        ("funder", 403),
        ("outsider", 404),
    ],
)
def test_the_rounds_page_is_the_workspace_s(client_for, coalition, draft_round, persona, status):
    client = client_for(persona)
    assert client.get(reverse("workflow-surveys", args=[coalition.pk])).status_code == status
    page = client.get(reverse("workflow-survey", args=[coalition.pk, draft_round.pk]))
    assert page.status_code == status


def test_a_weaver_drafts_a_round_from_the_template_and_opens_it(
    client_for, coalition, members, django_capture_on_commit_callbacks
):
    client = client_for("weaver")
    today = timezone.localdate()
    response = client.post(
        reverse("workflow-surveys", args=[coalition.pk]),
        {
            "title": "Autumn mapping",
            "opens_on": today.isoformat(),
            "closes_on": (today + datetime.timedelta(days=7)).isoformat(),
            "template": "classic",
        },
    )
    survey_round = SurveyRound.objects.get(title="Autumn mapping")
    page_url = reverse("workflow-survey", args=[coalition.pk, survey_round.pk])
    assert response.status_code == 302 and response["Location"] == page_url
    for org in members:
        client.post(page_url, {"action": "respondent", "respondent-organisation": org.pk})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page_url, {"action": "open"})
    survey_round.refresh_from_db()
    assert survey_round.status == "open"
    assert len(mail.outbox) == 3
    page = client.get(page_url).content.decode()
    assert page.count("Not answered") == 3
    # The nav marks the workspace.
    assert 'aria-current="page">Surveys' in page


def test_the_rounds_page_refuses_a_round_without_a_title(client_for, coalition):
    today = timezone.localdate().isoformat()
    response = client_for("weaver").post(
        reverse("workflow-surveys", args=[coalition.pk]),
        {"title": " ", "opens_on": today, "closes_on": today},
    )
    assert response.status_code == 400
    assert not SurveyRound.objects.exists()


def test_closing_a_closed_round_from_the_page_says_so(client_for, coalition, open_round):
    client = client_for("organizer")
    url = reverse("workflow-survey", args=[coalition.pk, open_round.pk])
    client.post(url, {"action": "close"})
    response = client.post(url, {"action": "close"}, follow=True)
    assert "already closed" in response.content.decode()
