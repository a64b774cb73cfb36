"""The surveys API beyond the permission matrix: a member reads only their own
organisation's answers; the CSV export is audited; no link token is ever served."""

import pytest
from django.urls import reverse

from coalitions.models import AuditEntry
from coalitions.surveys.services import relationship_save, respondent_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_answers(open_round, weaver_access, members, member_org, member_designee):
    """The member persona's organisation and Member Org 0 have both answered the grid."""
    own = respondent_add(
        access=weaver_access, round_id=open_round.pk, organisation_id=member_org.pk
    )
    grid = open_round.questions.get(kind="relationship_grid")
    relationship_save(respondent_id=own.pk, question_id=grid.pk, actor_id=members[1].pk)
    other = open_round.respondents.get(organisation=members[0])
    relationship_save(respondent_id=other.pk, question_id=grid.pk, actor_id=members[2].pk)
    return open_round


def test_a_member_never_sees_another_organisation_s_answers(
    client_for, coalition, two_answers, member_org
):
    url = reverse("survey-relationships-list", args=[coalition.pk])
    rows = client_for("member").get(url).json()["results"]
    assert [row["organisation"] for row in rows] == [member_org.pk]
    assert len(client_for("weaver").get(url).json()["results"]) == 2


def test_no_link_token_or_hash_is_served(client_for, coalition, open_round):
    body = client_for("weaver").get(reverse("survey-respondents-list", args=[coalition.pk])).content
    assert b"token" not in body
    for respondent in open_round.respondents.all():
        assert respondent.token_hash.encode() not in body


def test_the_export_is_csv_and_audited(client_for, coalition, two_answers):
    url = reverse("survey-rounds-export", args=[coalition.pk, two_answers.pk])
    response = client_for("organizer").get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("respondent,question,named")
    assert len(lines) == 3
    entry = AuditEntry.objects.filter(action="export").latest("id")
    assert entry.details["what"] == "survey_answers" and entry.details["rows"] == 2


def test_closing_a_closed_round_by_the_api_is_refused(client_for, coalition, open_round):
    client = client_for("weaver")
    url = reverse("survey-rounds-close", args=[coalition.pk, open_round.pk])
    assert client.post(url).status_code == 200
    second = client.post(url)
    assert second.status_code == 409 and "already closed" in second.json()["detail"]
