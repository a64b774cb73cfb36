"""Results: reciprocity on a hand-built round with known answers, reported against drawn,
response rate, the small-count rule; the page is the workspace's."""

import datetime

import pytest
from django.urls import reverse

from coalitions.surveys import figures
from coalitions.surveys.services import answer_save, relationship_save, respondent_submit
from networks.models import Tie


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
