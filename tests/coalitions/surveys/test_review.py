"""Review into the map: nothing a respondent reports enters the map until a weaver accepts
it; accepted, it is evidence on the tie (new ties marked "reported by survey"), new names
become prospects, "would introduce" becomes a suggestion; all in one transaction."""

import pytest
from django.urls import reverse
from django.utils import timezone

from allies.models import Actor
from coalitions.connect.models import Membership
from coalitions.roles import access_for
from coalitions.surveys.models import RelationshipAnswer
from coalitions.surveys.review import prospect_candidates, review_accept, review_reject
from coalitions.surveys.services import relationship_save, respondent_submit
from networks.graph.strength import StrengthSettings, relationship_strengths
from networks.metrics.selectors import metric_input
from networks.models import Interaction, Suggestion, Tie
from tests.allies.factories import ActorFactory
from weft.errors import ApplicationError

pytestmark = pytest.mark.django_db


def answer(survey_round, org, **fields):
    respondent = survey_round.respondents.get(organisation=org)
    grid = survey_round.questions.get(kind="relationship_grid")
    row = relationship_save(respondent_id=respondent.pk, question_id=grid.pk, **fields)
    return respondent, row


@pytest.fixture
def answered(open_round, members):
    """Org 0 names Org 1 (strength 5, would introduce it to Org 2) and River Keepers (not on
    the map); Org 2 names Org 1 (strength 1). Org 1 has not sent its answers."""
    answer(
        open_round, members[0], actor_id=members[1].pk, strength=5, introduce_to_id=members[2].pk
    )
    answer(
        open_round, members[0], other_name="River Keepers", other_kind="organisation", strength=3
    )
    answer(open_round, members[2], actor_id=members[1].pk, strength=1)
    answer(open_round, members[1], actor_id=members[0].pk, strength=4)  # not sent
    for org in (members[0], members[2]):
        respondent_submit(respondent_id=open_round.respondents.get(organisation=org).pk)
    return open_round


def strengths(coalition):
    inputs = metric_input(coalition.pk)
    return relationship_strengths(
        inputs.interactions,
        [((s, t), strength) for s, t, strength, *_ in inputs.ties],
        timezone.localdate(),
        StrengthSettings.from_overrides(inputs.strength_settings),
    )


def pair(a, b):
    return (min(a.pk, b.pk), max(a.pk, b.pk))


def test_nothing_enters_the_map_before_a_weaver_accepts(answered, coalition):
    assert not Tie.objects.exists()
    assert not Interaction.objects.exists()
    assert not Actor.objects.filter(name="River Keepers").exists()
    assert not Suggestion.objects.exists()


def test_accepting_all_makes_ties_evidence_a_prospect_and_a_suggestion(
    answered, weaver_access, coalition, members
):
    accepted = review_accept(access=weaver_access, round_id=answered.pk)
    assert accepted == 3  # Org 1's answers were not sent: not proposed
    tie = Tie.objects.get(source=members[0], target=members[1])
    assert tie.strength == 5 and "Reported by survey" in tie.description
    assert Tie.objects.get(source=members[2], target=members[1]).strength == 1
    assert Interaction.objects.filter(kind="survey_report").count() == 3
    assert {i.occurred_on for i in Interaction.objects.all()} == {timezone.localdate()}
    prospect = Actor.objects.get(name="River Keepers")
    assert Membership.objects.get(organisation=prospect).phase == "prospect"
    assert Tie.objects.filter(source=members[0], target=prospect).exists()
    suggestion = Suggestion.objects.get()
    assert (suggestion.actor, suggestion.other, suggestion.kind) == (
        members[1],
        members[2],
        "introduction",
    )
    assert suggestion.run is None and "Member Org 0 would introduce" in suggestion.reason


def test_the_strengths_move_as_the_answers_say(answered, weaver_access, coalition, members):
    review_accept(access=weaver_access, round_id=answered.pk)
    computed = strengths(coalition)
    strong, weak = computed[pair(members[0], members[1])], computed[pair(members[2], members[1])]
    assert strong.evidence == pytest.approx(0.6)  # the survey report's own weight, today
    assert strong.declared == 5 and weak.declared == 1
    assert strong.strength > weak.strength


def test_a_report_on_an_existing_tie_is_evidence_and_keeps_the_declared_strength(
    answered, weaver_access, coalition, members
):
    tie = Tie.objects.create(coalition=coalition, source=members[1], target=members[2], strength=3)
    review_accept(access=weaver_access, round_id=answered.pk)
    tie.refresh_from_db()
    assert tie.strength == 3
    assert Tie.objects.filter(source=members[2], target=members[1]).count() == 0
    assert strengths(coalition)[pair(members[1], members[2])].evidence == pytest.approx(0.6)


def test_answers_are_accepted_one_by_one_and_rejected(answered, weaver_access, members):
    rows = {row.strength: row for row in RelationshipAnswer.objects.all()}
    review_reject(access=weaver_access, round_id=answered.pk, relationship_id=rows[1].pk)
    review_accept(access=weaver_access, round_id=answered.pk, relationship_ids=[rows[5].pk])
    assert Tie.objects.count() == 1
    assert not Tie.objects.filter(source=members[2]).exists()
    with pytest.raises(ApplicationError) as refused:
        review_accept(access=weaver_access, round_id=answered.pk, relationship_ids=[rows[5].pk])
    assert refused.value.status == 409


def test_a_name_the_weaver_recognises_joins_the_actor_on_the_map(
    answered, weaver_access, coalition, members
):
    keepers = ActorFactory(coalition=coalition, name="The River Keepers Inc.", kind="organisation")
    row = RelationshipAnswer.objects.get(other_name="River Keepers")
    [(candidate, score)] = prospect_candidates(weaver_access, [row])[row.pk]
    assert candidate == keepers and score == 100
    review_accept(
        access=weaver_access,
        round_id=answered.pk,
        relationship_ids=[row.pk],
        same_as={row.pk: keepers.pk},
    )
    assert not Actor.objects.filter(name="River Keepers").exists()
    assert Tie.objects.filter(source=members[0], target=keepers).exists()


def test_a_refused_review_writes_nothing(answered, weaver_access, hidden):
    row = RelationshipAnswer.objects.get(other_name="River Keepers")
    with pytest.raises(ApplicationError):
        review_accept(access=weaver_access, round_id=answered.pk, same_as={row.pk: hidden.pk})
    assert not Tie.objects.exists() and not Interaction.objects.exists()
    assert not Actor.objects.filter(name="River Keepers").exists()
    assert RelationshipAnswer.objects.filter(review="pending").count() == 4


def test_a_member_cannot_review(answered, coalition, personas):
    with pytest.raises(Exception, match="does not allow"):
        review_accept(access=access_for(personas["member"], coalition.pk), round_id=answered.pk)


def test_the_review_page_accepts_all(client_for, coalition, answered, members):
    client = client_for("weaver")
    url = reverse("workflow-survey-review", args=[coalition.pk, answered.pk])
    page = client.get(url).content.decode()
    assert "River Keepers" in page and "A new tie" in page
    response = client.post(url, {"accept": "all"})
    assert response.status_code == 302
    assert Tie.objects.count() == 3
    assert "Nothing waiting for review" in client.get(url).content.decode()


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
def test_the_review_page_is_the_workspace_s(client_for, coalition, answered, persona, status):
    url = reverse("workflow-survey-review", args=[coalition.pk, answered.pk])
    assert client_for(persona).get(url).status_code == status
