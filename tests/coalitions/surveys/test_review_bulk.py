"""Accept all in bulk: the same map as accepting every answer through the map's services one
by one (ties, their declared strengths and history, the evidence and its participants,
prospects, introduction suggestions, the answers' review), in one transaction."""

import pytest
from django.db import transaction

from allies.models import Actor
from coalitions.connect.models import Membership
from coalitions.surveys.models import RelationshipAnswer
from coalitions.surveys.review import review_accept
from coalitions.surveys.services import relationship_save, respondent_submit
from networks.models import Interaction, Suggestion, Tie
from tests.allies.factories import ActorFactory
from weft.errors import ApplicationError

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


def answer(survey_round, org, **fields):
    respondent = survey_round.respondents.get(organisation=org)
    grid = survey_round.questions.get(kind="relationship_grid")
    return relationship_save(
        respondent_id=respondent.pk, question_id=grid.pk, sees_sensitive=True, **fields
    )


@pytest.fixture
def round_to_review(open_round, members, coalition, hidden, personas):
    """Three members answer: a pair named by both sides (strengths 5 and 3: declared 4), a
    pair already tied, one name not on the map given twice (one prospect), a name the weaver
    recognises, introductions (one pair twice, one dismissed before for another reason, one
    to a sensitive actor the weaver may not see), a rejected answer."""
    org0, org1, org2 = members
    keepers = ActorFactory(coalition=coalition, name="Keepers Inc.", kind="organisation")
    Tie.objects.create(coalition=coalition, source=org2, target=org0, strength=3)
    low, high = sorted((org1.pk, org2.pk))
    Suggestion.objects.create(
        coalition=coalition,
        kind="introduction",
        actor_id=low,
        other_id=high,
        score=0.5,
        reason="Common partners.",
        status="dismissed",
    )
    answer(open_round, org0, actor_id=org1.pk, strength=5, introduce_to_id=org2.pk)
    answer(open_round, org0, other_name="River Keepers", other_kind="organisation", strength=3)
    answer(open_round, org0, actor_id=org2.pk, strength=2, introduce_to_id=hidden.pk)
    answer(open_round, org1, actor_id=org0.pk, strength=3, introduce_to_id=org2.pk)
    answer(open_round, org1, other_name="river keepers", other_kind="organisation")
    recognised = answer(open_round, org1, other_name="Keepers of the river", strength=4)
    answer(open_round, org2, actor_id=org1.pk, strength=1, introduce_to_id=org0.pk)
    rejected = answer(open_round, org2, other_name="Nobody Real", strength=2)
    RelationshipAnswer.objects.filter(pk=rejected.pk).update(review="rejected")
    for org in members:
        respondent_submit(respondent_id=open_round.respondents.get(organisation=org).pk)
    return open_round, {recognised.pk: keepers.pk}


def the_map(coalition) -> dict:
    """Everything accepting writes, by names (ids differ between the two runs)."""
    name = dict(Actor.objects.values_list("pk", "name"))
    ties = Tie.objects.filter(coalition=coalition)
    return {
        "actors": sorted(
            Actor.objects.filter(coalition=coalition).values_list("name", "kind", "description")
        ),
        "memberships": sorted(
            (m.organisation.name, m.phase)
            for m in Membership.objects.filter(coalition=coalition).select_related("organisation")
        ),
        "ties": sorted(
            (name[t.source_id], name[t.target_id], t.kind, t.direction, t.strength)
            + (t.description, t.is_sensitive, t.version)
            for t in ties
        ),
        "tie_history": sorted(
            (name[h.source_id], name[h.target_id], h.history_type, h.history_user_id)
            for h in Tie.history.filter(coalition=coalition)
        ),
        "interactions": sorted(
            (i.kind, i.occurred_on, i.summary, i.recorded_by_id, i.version)
            + tuple(sorted(name[p] for p in i.participations.values_list("actor_id", flat=True)))
            for i in Interaction.objects.filter(coalition=coalition)
        ),
        "interaction_history": sorted(
            (h.kind, h.history_type, h.history_user_id)
            for h in Interaction.history.filter(coalition=coalition)
        ),
        "suggestions": sorted(
            (name[s.actor_id], name[s.other_id], s.kind, s.status, s.reason, s.score)
            for s in Suggestion.objects.filter(coalition=coalition)
        ),
        "answers": sorted(
            (
                a.pk,
                a.review,
                a.reviewed_by_id,
                a.reviewed_at is not None,
                (name[a.tie.source_id], name[a.tie.target_id]) if a.tie_id else None,
                name.get(a.mapped_actor_id),
            )
            for a in RelationshipAnswer.objects.select_related("tie")
        ),
    }


def map_after(coalition, accept) -> tuple[int, dict]:
    """The map after ``accept``, then rolled back."""
    try:
        with transaction.atomic():
            accepted = accept()
            found = the_map(coalition)
            raise Rollback
    except Rollback:
        pass
    return accepted, found


def test_accepting_all_in_bulk_gives_the_map_one_by_one_gives(
    round_to_review, weaver_access, coalition
):
    survey_round, same_as = round_to_review
    pending = list(RelationshipAnswer.objects.filter(review="pending").values_list("pk", flat=True))
    one_by_one = map_after(
        coalition,
        lambda: review_accept(
            access=weaver_access,
            round_id=survey_round.pk,
            relationship_ids=pending,
            same_as=same_as,
        ),
    )
    in_bulk = map_after(
        coalition,
        lambda: review_accept(access=weaver_access, round_id=survey_round.pk, same_as=same_as),
    )
    assert in_bulk == one_by_one
    accepted, found = in_bulk
    assert accepted == 7
    # What a weaver notices: one prospect for the name given twice, the mean strength of both
    # sides, the tie the map had kept as it was, the dismissed pair suggested again.
    assert [a for a in found["actors"] if a[0].lower() == "river keepers"] == [
        ("River Keepers", "organisation", "Named in survey “Spring mapping”: a prospect to review.")
    ]
    assert ("Member Org 0", "Member Org 1", "collaboration", "undirected", 4) in [
        t[:5] for t in found["ties"]
    ]
    assert ("Member Org 2", "Member Org 0", "collaboration", "undirected", 3) in [
        t[:5] for t in found["ties"]
    ]
    statuses = {(s[0], s[1]): s[3] for s in found["suggestions"]}
    assert statuses[("Member Org 1", "Member Org 2")] == "open"
    assert "Quiet Ally" not in str(found["suggestions"])
    assert len(found["interactions"]) == 7
    assert sum(1 for a in found["answers"] if a[1] == "accepted") == 7


def test_a_refused_bulk_accept_writes_nothing(round_to_review, weaver_access, hidden):
    survey_round, _ = round_to_review
    row = RelationshipAnswer.objects.get(other_name="River Keepers")
    with pytest.raises(ApplicationError):
        review_accept(access=weaver_access, round_id=survey_round.pk, same_as={row.pk: hidden.pk})
    assert Tie.objects.count() == 1 and not Interaction.objects.exists()
    assert not Actor.objects.filter(name="River Keepers").exists()
    assert RelationshipAnswer.objects.filter(review="pending").count() == 7


def test_accepting_all_twice_accepts_nothing_the_second_time(round_to_review, weaver_access):
    survey_round, same_as = round_to_review
    assert review_accept(access=weaver_access, round_id=survey_round.pk, same_as=same_as) == 7
    assert review_accept(access=weaver_access, round_id=survey_round.pk) == 0
    assert Interaction.objects.count() == 7


def test_a_prospect_accepted_in_bulk_lands_beside_those_who_named_it(
    round_to_review, weaver_access, members
):
    from networks.models import ActorPosition

    survey_round, same_as = round_to_review
    for i, org in enumerate(members):
        ActorPosition.objects.create(actor=org, x=100.0 * i, y=0.0, is_pinned=True)
    review_accept(access=weaver_access, round_id=survey_round.pk, same_as=same_as)
    prospect = Actor.objects.get(name="River Keepers")
    position = ActorPosition.objects.get(actor=prospect)
    # Named by Member Org 0 (x 0) and Member Org 1 (x 100): beside their centre (50, 0).
    assert ((position.x - 50) ** 2 + position.y**2) ** 0.5 == pytest.approx(40.0)
    assert not position.is_pinned
    assert ActorPosition.objects.get(actor=members[0]).x == 0.0  # pinned: kept
