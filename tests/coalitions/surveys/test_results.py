"""Results: reciprocity on a hand-built round with known answers, reported against drawn,
response rate, the small-count rule; the page is the workspace's."""

import datetime
from html import escape

import pytest
from django.urls import reverse
from django.utils import timezone

from coalitions.surveys import figures
from coalitions.surveys.services import answer_save, relationship_save, respondent_submit
from networks.models import Tie
from weft.vocabulary import SURVEY_ANSWER_DEFINITION


def test_reciprocity_of_a_hand_built_round():
    # 1, 2, 3, 4 answered; 9 did not. 1↔2 mutual (5 and 2), 1→3 one-sided (3 answered and
    # did not name 1), 2↔3 mutual (4 and 4), 4→9 left out (9 never answered), 3→3 ignored.
    reports = [(1, 2, 5), (2, 1, 2), (1, 3, 4), (2, 3, 4), (3, 2, 4), (4, 9, 3), (3, 3, 5)]
    result = figures.reciprocity(reports, answered={1, 2, 3, 4})
    assert result.mutual == {(1, 2): (5, 2), (2, 3): (4, 4)}
    assert result.one_sided == [(1, 3)]
    assert result.rate == pytest.approx(2 / 3)
    assert result.disagreements() == {(1, 2): (5, 2)}


def test_no_pair_named_means_no_rate():
    assert figures.reciprocity([(1, 9, 3)], answered={1}).rate is None


def test_reported_against_drawn():
    comparison = figures.reported_against_drawn(
        reported=[(1, 2), (2, 1), (1, 3)], drawn=[(2, 1), (3, 4), (4, 9)], answered={1, 2, 3, 4}
    )
    assert comparison.both == [(1, 2)]
    assert comparison.only_reported == [(1, 3)]
    assert comparison.only_drawn == [(3, 4)]  # (4, 9): 9 did not answer, so not counted


def test_response_over_time_and_the_small_count_rule():
    day = datetime.date(2026, 5, 1)
    rows = figures.response_over_time([day, day + datetime.timedelta(days=2), day], total=4)
    assert rows == [(day, 2, 0.5), (day + datetime.timedelta(days=2), 3, 0.75)]
    assert figures.small_count(2, 3) == "fewer than 3"
    assert figures.small_count(0, 3) == "0" and figures.small_count(3, 3) == "3"


@pytest.mark.django_db
def test_the_results_page_shows_reciprocity_and_what_the_map_lacks(
    client_for, coalition, open_round, members
):
    grid = open_round.questions.get(kind="relationship_grid")
    single = open_round.questions.get(kind="single_choice")
    said = {0: (1, 5), 1: (0, 2), 2: (0, 3)}
    for number, (named, strength) in said.items():
        respondent = open_round.respondents.get(organisation=members[number])
        relationship_save(
            respondent_id=respondent.pk,
            question_id=grid.pk,
            actor_id=members[named].pk,
            strength=strength,
        )
        choice = "Leading" if number == 2 else "Active"
        answer_save(respondent_id=respondent.pk, question_id=single.pk, choices=[choice])
        respondent_submit(respondent_id=respondent.pk)
    Tie.objects.create(coalition=coalition, source=members[1], target=members[2])
    page = client_for("weaver").get(
        reverse("workflow-survey-results", args=[coalition.pk, open_round.pk])
    )
    text = page.content.decode()
    assert "3 of 3 respondents" in text
    assert "50% of the relationships" in text  # 0↔1 mutual, 2→0 one-sided
    assert "Member Org 0: 5" in text and "Member Org 1: 2" in text
    assert "Member Org 2 named Member Org 0; Member Org 0 did not name Member Org 2." in text
    assert "Member Org 1 – Member Org 2: drawn, not reported" in text
    # Two said "Active", one "Leading": both below the coalition's threshold of 3.
    assert text.count("<td>fewer than 3</td>") == 2
    assert (
        client_for("member")
        .get(reverse("workflow-survey-results", args=[coalition.pk, open_round.pk]))
        .status_code
        == 403
    )


def chart_data(text: str) -> dict:
    import json
    import re

    found = re.search(r'<script id="survey-charts" type="application/json">(.*?)</script>', text)
    return json.loads(found.group(1))


@pytest.mark.django_db
def test_the_results_page_charts_the_response_rate_and_the_other_answers(
    client_for, coalition, open_round, members
):
    grid = open_round.questions.get(kind="relationship_grid")
    single = open_round.questions.get(kind="single_choice")
    scale = open_round.questions.get(kind="scale")
    for number, org in enumerate(members):
        respondent = open_round.respondents.get(organisation=org)
        other = members[(number + 1) % 3]
        relationship_save(respondent_id=respondent.pk, question_id=grid.pk, actor_id=other.pk)
        answer_save(respondent_id=respondent.pk, question_id=single.pk, choices=["Active"])
        answer_save(respondent_id=respondent.pk, question_id=scale.pk, scale=4 if number else 2)
        if number < 2:  # Org 2 answers but never sends: not counted
            respondent_submit(respondent_id=respondent.pk)
    coalition.reports_small_count_threshold = 2
    coalition.save(update_fields=["reports_small_count_threshold"])
    url = reverse("workflow-survey-results", args=[coalition.pk, open_round.pk])
    text = client_for("weaver").get(url).content.decode()
    data = chart_data(text)
    today = timezone.localdate().isoformat()
    assert data["over_time"] == {"labels": [today], "answered": [2], "shares": [66.7]}
    charted = {question["id"]: question for question in data["questions"]}
    assert charted[single.pk]["labels"] == single.choices
    counts = dict(zip(charted[single.pk]["labels"], charted[single.pk]["counts"], strict=True))
    assert counts["Active"] == 2 and all(n == 0 for o, n in counts.items() if o != "Active")
    # The scale: one said 2, one said 4; each count of one is under the rule (threshold 2):
    # no bar, only "fewer than 2", as in the table.
    assert charted[scale.pk]["labels"] == ["1", "2", "3", "4", "5"]
    assert charted[scale.pk]["counts"] == [0, None, 0, None, 0]
    assert charted[scale.pk]["shown"] == ["0", "fewer than 2", "0", "fewer than 2", "0"]
    for canvas in ("chart-response", f"chart-question-{single.pk}", f"chart-question-{scale.pk}"):
        assert f'id="{canvas}"' in text
    assert "dist/survey-results.js" in text and "<script>" not in text


@pytest.mark.django_db
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
def test_the_results_page_is_the_workspace_s(client_for, coalition, open_round, persona, status):
    url = reverse("workflow-survey-results", args=[coalition.pk, open_round.pk])
    assert client_for(persona).get(url).status_code == status


@pytest.mark.django_db
def test_signed_out_visitors_are_sent_to_sign_in_from_the_results(client, coalition, open_round):
    url = reverse("workflow-survey-results", args=[coalition.pk, open_round.pk])
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_sent_answers_are_counted_alike_on_the_rounds_list_and_the_results_page(
    client_for, coalition, open_round, members
):
    grid = open_round.questions.get(kind="relationship_grid")
    for number, org in enumerate(members):
        respondent = open_round.respondents.get(organisation=org)
        relationship_save(
            respondent_id=respondent.pk, question_id=grid.pk, actor_id=members[number - 1].pk
        )
        if number < 2:  # the third saves an answer but never sends it: not counted
            respondent_submit(respondent_id=respondent.pk)
    client = client_for("weaver")
    rounds = client.get(reverse("workflow-surveys", args=[coalition.pk]))
    listed = {r.pk: r for r in rounds.context["rounds"]}[open_round.pk]
    assert (listed.answered_count, listed.respondent_count) == (2, 3)
    url = reverse("workflow-survey-results", args=[coalition.pk, open_round.pk])
    text = client.get(url).content.decode()
    assert 'data-answers="2"' in text and escape(SURVEY_ANSWER_DEFINITION) in text
