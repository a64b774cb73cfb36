"""Answering: by a personal link exchanged once for the session, or signed in; saved as the
respondent goes; used, expired and revoked links open nothing and write nothing."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse

from coalitions.surveys.models import RelationshipAnswer, SurveyAnswer, SurveyRound
from coalitions.surveys.services import (
    relationship_save,
    respondent_add,
    respondent_link_revoke,
    respondent_submit,
)
from weft.errors import ApplicationError

pytestmark = pytest.mark.django_db


def link_for(designee_number: int) -> str:
    [message] = [m for m in mail.outbox if m.to == [f"designee{designee_number}@example.org"]]
    return re.search(r"http\S+(/surveys/[\w-]+/)", message.body).group(1)


def grid(survey_round):
    return survey_round.questions.get(kind="relationship_grid")


def opened(client, link):
    response = client.get(link)
    assert response.status_code == 302 and response["Location"] == reverse("survey-answer")
    return client


def test_the_link_is_exchanged_for_the_session_and_the_page_says_who_sees_the_answers(
    client, open_round
):
    opened(client, link_for(0))
    page = client.get(reverse("survey-answer"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Who will see your answers" in text
    assert "Other members never see your organisation's answers" in text
    assert "Spring mapping" in text


def test_answers_are_saved_as_the_respondent_goes_and_can_be_finished_later(
    client, open_round, members
):
    opened(client, link_for(0))
    question = grid(open_round)
    url = reverse("survey-answer")
    response = client.post(
        url,
        {
            "action": "relationship",
            "question": question.pk,
            "actor": members[1].pk,
            "frequency": "monthly",
            "strength": "4",
            "collaboration": ["information", "joint_action"],
            "introduce_to": members[2].pk,
        },
    )
    assert response.status_code == 302
    row = RelationshipAnswer.objects.get()
    assert (row.actor, row.strength, row.frequency) == (members[1], 4, "monthly")
    assert row.collaboration == ["information", "joint_action"]
    assert row.introduce_to == members[2]
    scale = open_round.questions.get(kind="scale")
    client.post(url, {"action": "answer", "question": scale.pk, "scale": "3"})
    assert SurveyAnswer.objects.get(question=scale).scale == 3
    # Later, the same session (or the same link again) finds the answers where they were left.
    page = client.get(url).content.decode()
    assert "Member Org 1" in page and 'value="4" checked' in page


def test_someone_not_on_the_map_is_named_by_name(client, open_round):
    opened(client, link_for(0))
    client.post(
        reverse("survey-answer"),
        {
            "action": "relationship",
            "question": grid(open_round).pk,
            "other_name": "River Keepers",
            "other_kind": "organisation",
            "strength": "2",
        },
    )
    row = RelationshipAnswer.objects.get()
    assert row.actor is None and row.other_name == "River Keepers"


def test_the_search_never_shows_a_sensitive_actor_to_a_respondent_by_link(
    client, open_round, hidden
):
    opened(client, link_for(0))
    page = client.get(reverse("survey-answer"), {"q": "Quiet"}).content.decode()
    assert "Quiet Ally" not in page
    page = client.get(reverse("survey-answer"), {"q": "Member Org"}).content.decode()
    assert "Add Member Org 1" in page
    assert "Add Member Org 0" not in page  # not itself


def test_an_answer_naming_an_actor_the_respondent_may_not_see_is_refused(
    client, open_round, hidden
):
    respondent = open_round.respondents.first()
    with pytest.raises(ApplicationError) as refused:
        relationship_save(
            respondent_id=respondent.pk, question_id=grid(open_round).pk, actor_id=hidden.pk
        )
    assert refused.value.field == "actor"
    opened(client, link_for(0))
    client.post(
        reverse("survey-answer"),
        {"action": "relationship", "question": grid(open_round).pk, "actor": hidden.pk},
    )
    assert not RelationshipAnswer.objects.exists()


def test_an_actor_of_another_coalition_is_refused(open_round, make_user):
    from coalitions.services import coalition_create
    from tests.allies.factories import ActorFactory

    elsewhere = coalition_create(name="Elsewhere", created_by=make_user("someone"))
    stranger = ActorFactory(coalition=elsewhere, name="Stranger")
    respondent = open_round.respondents.first()
    with pytest.raises(ApplicationError):
        relationship_save(
            respondent_id=respondent.pk, question_id=grid(open_round).pk, actor_id=stranger.pk
        )
    assert not RelationshipAnswer.objects.exists()


def test_a_used_link_opens_a_clear_page_and_writes_nothing(client, open_round, members):
    link = link_for(0)
    opened(client, link)
    client.post(
        reverse("survey-answer"),
        {"action": "relationship", "question": grid(open_round).pk, "actor": members[1].pk},
    )
    response = client.post(reverse("survey-answer"), {"action": "submit"})
    assert "Thank you" in response.content.decode()
    again = client.get(link)
    assert again.status_code == 410
    assert "already sent" in again.content.decode()
    # The page itself, with the session still holding the link, writes nothing either.
    respondent = open_round.respondents.get(organisation=members[0])
    with pytest.raises(ApplicationError):
        relationship_save(
            respondent_id=respondent.pk, question_id=grid(open_round).pk, actor_id=members[2].pk
        )
    assert RelationshipAnswer.objects.count() == 1


def test_a_revoked_link_opens_a_clear_page_and_writes_nothing(
    client, open_round, weaver_access, members
):
    link = link_for(1)
    opened(client, link)
    respondent = open_round.respondents.get(organisation=members[1])
    respondent_link_revoke(access=weaver_access, respondent_id=respondent.pk)
    response = client.get(link)
    assert response.status_code == 410 and "withdrawn" in response.content.decode()
    # A session opened before the revocation is closed too.
    response = client.post(
        reverse("survey-answer"),
        {"action": "relationship", "question": grid(open_round).pk, "actor": members[0].pk},
    )
    assert response.status_code == 410
    assert not RelationshipAnswer.objects.exists()


def test_an_expired_link_opens_a_clear_page_and_writes_nothing(client, open_round, members):
    link = link_for(2)
    yesterday = open_round.opens_on - datetime.timedelta(days=1)
    SurveyRound.objects.filter(pk=open_round.pk).update(
        opens_on=yesterday - datetime.timedelta(days=3), closes_on=yesterday
    )
    response = client.get(link)
    assert response.status_code == 410 and "closed" in response.content.decode()
    assert client.get(reverse("survey-answer")).status_code == 404


def test_an_unknown_link_opens_a_clear_page(client, open_round):
    response = client.get(reverse("survey-open", args=["not-a-real-token-" * 3]))
    assert response.status_code == 404
    assert "not valid" in response.content.decode()


def test_a_required_question_must_be_answered_before_sending(open_round):
    respondent = open_round.respondents.first()
    with pytest.raises(ApplicationError, match="before sending"):
        respondent_submit(respondent_id=respondent.pk)
    respondent.refresh_from_db()
    assert respondent.submitted_at is None


def test_a_choice_not_offered_is_refused(client, open_round):
    opened(client, link_for(0))
    single = open_round.questions.get(kind="single_choice")
    response = client.post(
        reverse("survey-answer"),
        {"action": "answer", "question": single.pk, "choice": "Something else"},
        follow=True,
    )
    assert "Choose among the choices offered" in response.content.decode()
    assert not SurveyAnswer.objects.exists()


def test_a_designee_answers_signed_in(
    client_for, coalition, member_designee, member_org, weaver_access, open_round
):
    respondent_add(access=weaver_access, round_id=open_round.pk, organisation_id=member_org.pk)
    client = client_for("member")
    url = reverse("survey-answer-signed-in", args=[coalition.pk, open_round.pk])
    assert client.get(url).status_code == 200
    client.post(
        url,
        {
            "action": "answer",
            "question": open_round.questions.get(kind="free_text").pk,
            "text": "The faith groups",
        },
    )
    answer = SurveyAnswer.objects.get()
    assert answer.respondent.organisation == member_org and answer.text == "The faith groups"


def test_a_member_who_is_no_respondent_gets_no_answering_page(client_for, coalition, open_round):
    url = reverse("survey-answer-signed-in", args=[coalition.pk, open_round.pk])
    assert client_for("member").get(url).status_code == 404


def test_a_member_never_sees_the_round_s_answers(client_for, coalition, open_round):
    client = client_for("member")
    assert (
        client.get(reverse("workflow-survey", args=[coalition.pk, open_round.pk])).status_code
        == 403
    )


def test_the_answers_of_an_erased_respondent_are_erased_with_them(
    open_round, weaver_access, people, members
):
    from allies.services.actors import actor_delete
    from coalitions.surveys.models import SurveyRespondent

    respondent = respondent_add(
        access=weaver_access, round_id=open_round.pk, person_id=people[0].pk
    )
    relationship_save(
        respondent_id=respondent.pk, question_id=grid(open_round).pk, actor_id=members[0].pk
    )
    actor_delete(access=weaver_access, actor=people[0], expected_version=people[0].version)
    assert not SurveyRespondent.objects.filter(pk=respondent.pk).exists()
    assert not RelationshipAnswer.objects.exists()
