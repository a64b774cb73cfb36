"""A round compared with the one before: density, reciprocity and new relationships on two
hand-built rounds with known answers, shown on the round's results page, on the dashboard
and in the funder report's "stronger relationships", under the small-count rule."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from coalitions.reports.selectors import build_snapshot
from coalitions.surveys import figures
from coalitions.surveys.selectors import latest_comparison
from coalitions.surveys.services import (
    relationship_save,
    respondent_add,
    respondent_submit,
    round_close,
    round_create,
    round_open,
)
from tests.allies.factories import ActorFactory
from tests.coalitions.factories import MembershipFactory
from weft.vocabulary import ActorKind, ContactKind

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def four(coalition):
    """Four member organisations with designees, and an ally on the map that is not asked."""
    result = []
    for i in range(4):
        org = ActorFactory(coalition=coalition, name=f"Member {i}", kind=ActorKind.ORGANISATION)
        designee = ActorFactory(coalition=coalition, name=f"Voice {i}", kind=ActorKind.PERSON)
        designee.contact_details.create(kind=ContactKind.EMAIL, value=f"voice{i}@example.org")
        MembershipFactory(coalition=coalition, organisation=org, phase="align", designee=designee)
        result.append(org)
    result.append(ActorFactory(coalition=coalition, name="Ally A", kind=ActorKind.ORGANISATION))
    return result


def run_round(access, actors, title, closes_in, said, answered, *, close=True):
    """A round for members 0–3 in which ``said`` is {respondent: [(named, strength)]} and the
    respondents in ``answered`` send their answers."""
    today = TODAY()
    survey_round = round_create(
        access=access,
        title=title,
        opens_on=today,
        closes_on=today + datetime.timedelta(days=closes_in),
        template="classic",
    )
    for org in actors[:4]:
        respondent_add(access=access, round_id=survey_round.pk, organisation_id=org.pk)
    round_open(access=access, round_id=survey_round.pk)
    grid = survey_round.questions.get(kind="relationship_grid")
    for number, named in said.items():
        respondent = survey_round.respondents.get(organisation=actors[number])
        for other, strength in named:
            relationship_save(
                respondent_id=respondent.pk,
                question_id=grid.pk,
                actor_id=actors[other].pk,
                strength=strength,
            )
    for number in answered:
        respondent = survey_round.respondents.get(organisation=actors[number])
        respondent_submit(respondent_id=respondent.pk)
    if close:
        round_close(access=access, round_id=survey_round.pk)
    return survey_round


@pytest.fixture
def two_rounds(weaver_access, four):
    """Autumn: 0, 1, 2 answered (3 did not); 0↔1 mutual, 0→2 one-sided, 2→Ally A.
    Pairs {01, 02, 2A}; density among 0, 1, 2: 2 of 3; reciprocity 1 of 2.

    Spring: all four answered; 0↔1, 1↔2 mutual, 3→0 one-sided. Pairs {01, 12, 03};
    density 3 of 6; reciprocity 2 of 3. New: 12 and 03 (0, 1 and 2 answered Autumn);
    not named again: 02 and 2A."""
    autumn = run_round(
        weaver_access,
        four,
        "Autumn mapping",
        1,
        {0: [(1, 5), (2, 3)], 1: [(0, 4)], 2: [(4, 2)], 3: [(0, 5)]},  # 3 never sends
        answered=[0, 1, 2],
    )
    spring = run_round(
        weaver_access,
        four,
        "Spring mapping",
        14,
        {0: [(1, 4)], 1: [(0, 4), (2, 3)], 2: [(1, 3)], 3: [(0, 2)]},
        answered=[0, 1, 2, 3],
    )
    return autumn, spring


def test_two_hand_built_rounds_compare_as_their_answers_say(two_rounds, coalition):
    comparison, latest, before = latest_comparison(coalition.pk, include_sensitive=False)
    assert (latest.title, before.title) == ("Spring mapping", "Autumn mapping")
    assert comparison.previous.density == pytest.approx(2 / 3)
    assert comparison.previous.reciprocity.rate == pytest.approx(1 / 2)
    assert comparison.current.density == pytest.approx(1 / 2)
    assert comparison.current.reciprocity.rate == pytest.approx(2 / 3)
    assert comparison.new_ties == 2
    assert comparison.not_named_again == 2


def test_a_pair_nobody_could_name_before_is_not_new():
    before = figures.round_network([(1, 2, 5)], answered={1, 2})
    after = figures.round_network([(1, 2, 5), (3, 4, 2), (1, 4, 3)], answered={1, 3})
    # 3–4: neither answered the round before; 1–4: 1 did, and did not name 4 then.
    assert figures.RoundComparison(current=after, previous=before).new_ties == 1


def rows_of(text: str, measure: str) -> str:
    start = text.index(f'data-measure="{measure}"')
    return text[start : text.index("</tr>", start)]


def test_the_results_page_compares_with_the_round_before(client_for, coalition, two_rounds):
    _, spring = two_rounds
    url = reverse("workflow-survey-results", args=[coalition.pk, spring.pk])
    text = client_for("weaver").get(url).content.decode()
    assert "Compared with Autumn mapping" in text
    density = rows_of(text, "density")
    assert "<td>0.50</td><td>0.67</td><td>-0.17</td>" in density
    assert "<td>67%</td><td>50%</td><td>+17 points</td>" in rows_of(text, "reciprocity")
    assert "<td>2</td>" in rows_of(text, "new_ties")
    assert "<td>4</td><td>3</td>" in rows_of(text, "answered")


def test_the_first_round_says_there_is_nothing_to_compare_with(client_for, coalition, two_rounds):
    autumn, _ = two_rounds
    url = reverse("workflow-survey-results", args=[coalition.pk, autumn.pk])
    text = client_for("weaver").get(url).content.decode()
    assert "No earlier round to compare with" in text
    assert 'data-measure="new_ties"' not in text
    assert "<td>0.67</td>" in rows_of(text, "density")


def test_a_round_below_the_small_count_rule_is_withheld(client_for, coalition, two_rounds):
    coalition.reports_small_count_threshold = 4
    coalition.save(update_fields=["reports_small_count_threshold"])
    _, spring = two_rounds
    url = reverse("workflow-survey-results", args=[coalition.pk, spring.pk])
    text = client_for("weaver").get(url).content.decode()
    # Autumn had 3 respondents: its figures, the change and the new relationships are withheld.
    assert "<td>0.50</td><td>withheld (fewer than 4)</td><td>—</td>" in rows_of(text, "density")
    assert "<td>4</td><td>fewer than 4</td>" in rows_of(text, "answered")
    assert "withheld (fewer than 4)" in rows_of(text, "new_ties")
    assert "0.67" not in text


@pytest.mark.parametrize("persona", ["steward", "organizer", "weaver", "member"])
def test_the_dashboard_shows_the_latest_round_against_the_one_before(
    client_for, coalition, two_rounds, persona
):
    text = client_for(persona).get(f"/coalitions/{coalition.pk}/dashboard/").content.decode()
    section = text[text.index('id="survey-comparison"') :]
    assert "Spring mapping" in section and "Autumn mapping" in section
    assert "<td>0.50</td><td>0.67</td><td>-0.17</td>" in rows_of(section, "density")
    assert "<td>2</td>" in rows_of(section, "new_ties")


def test_the_dashboard_leaves_a_sensitive_respondent_out_for_members(
    client_for, coalition, two_rounds, four
):
    four[3].is_sensitive = True
    four[3].save(update_fields=["is_sensitive"])
    member = client_for("member").get(f"/coalitions/{coalition.pk}/dashboard/").content.decode()
    # Without Member 3: three respondents, pairs 01 and 12 of 3: density 0.67, one new tie.
    assert "<td>0.67</td>" in rows_of(member, "density")
    assert "<td>3</td>" in rows_of(member, "answered")
    assert "<td>1</td>" in rows_of(member, "new_ties")


def test_the_dashboard_has_no_survey_section_before_a_round_is_over(client_for, coalition):
    text = client_for("weaver").get(f"/coalitions/{coalition.pk}/dashboard/").content.decode()
    assert 'id="survey-comparison"' not in text


def test_the_funder_report_counts_the_latest_round_as_stronger_relationships(coalition, two_rounds):
    today = TODAY()
    snapshot = build_snapshot(coalition, today, today + datetime.timedelta(days=30), narrative="")
    [section] = [s for s in snapshot["sections"] if s["key"] == "relationships"]
    found = {figure["key"]: figure for figure in section["figures"]}
    assert found["survey_answered"]["display"] == "4"
    assert found["survey_density"]["display"] == "0.50"
    assert found["survey_reciprocity"]["display"] == "67%"
    assert found["survey_new_ties"]["display"] == "2"
    # The period before saw no survey close.
    assert found["survey_density"]["previous_display"] == "no data"


def test_the_funder_report_withholds_a_survey_below_the_small_count_rule(coalition, two_rounds):
    coalition.reports_small_count_threshold = 5
    coalition.save(update_fields=["reports_small_count_threshold"])
    today = TODAY()
    snapshot = build_snapshot(coalition, today, today + datetime.timedelta(days=30), narrative="")
    [section] = [s for s in snapshot["sections"] if s["key"] == "relationships"]
    found = {figure["key"]: figure for figure in section["figures"]}
    assert found["survey_answered"]["display"] == "fewer than 5"
    assert found["survey_answered"]["value"] is None
    for key in ("survey_density", "survey_reciprocity", "survey_new_ties"):
        assert found[key]["display"] == "withheld (fewer than 5)"
        assert found[key]["value"] is None
