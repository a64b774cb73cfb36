"""No page quietly grows (issue #24): each page a signed-in user opens under a coalition runs
the same number of queries for a coalition of 10 actors as for one of 1,000 (with assessments,
ties, interactions, members and tags alike), so a query per row shows up here at once.

A page about one item (an actor, a target, a membership, a statement…) runs as many queries
for an item with a few related rows as for one with hundreds: as the coalition grows, a
quarter of the new actors are tied to, meet, sign, vote on, sit in, answer… the items of
the ``focus`` fixture. Pages that only take a POST (and redirect a GET) are not listed; the API
lists and the map endpoint are pinned in tests/test_api_core.py."""

import copy
import datetime
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from allies.models import Actor, Affiliation, AllyAssessment, SkillLevel, Tag
from coalitions.align.models import (
    FeedbackComment,
    HealthCheckAnswer,
    Pillar,
    PillarProximity,
    Signature,
    Vote,
)
from coalitions.connect.models import Commitment, Membership, PhaseMove
from coalitions.produce.models import GroupMember
from coalitions.surveys.models import (
    RelationshipAnswer,
    SurveyAnswer,
    SurveyQuestion,
    SurveyRespondent,
    SurveyRound,
)
from networks.comments.models import Comment
from networks.map.models import SavedView
from networks.models import ActorPosition, Interaction, InteractionParticipant, Tie
from tests.allies.factories import (
    AffiliationFactory,
    ContactDetailFactory,
    OrganisationFactory,
    PersonFactory,
    SkillFactory,
)
from tests.coalitions.factories import (
    ActionFactory,
    ClimateShiftFactory,
    CommitmentFactory,
    FeedbackRoundFactory,
    HealthCheckRoundFactory,
    MembershipFactory,
    ProposalFactory,
    ReportFactory,
    StatementVersionFactory,
    TargetFactory,
    WinFactory,
    WorkingGroupFactory,
)
from tests.networks.factories import (
    ImportJobFactory,
    InteractionFactory,
    InteractionParticipantFactory,
    TieFactory,
)
from weft.vocabulary import MemberPhase

DAY = datetime.date(2026, 1, 5)

# (URL under /coalitions/<id>/, the persona who reads it); {name} is the id of Focus's item.
PAGES = [
    ("", "steward"),
    ("", "member"),
    ("map/", "organizer"),
    ("map/table/", "organizer"),
    ("map/table/", "member"),
    ("map/views/", "organizer"),
    ("dashboard/", "organizer"),
    ("skills/", "organizer"),
    ("pipeline/", "organizer"),
    ("pipeline/members/{membership}/", "organizer"),
    ("connect/", "organizer"),
    ("actors/{person}/edit/", "organizer"),
    ("actors/{person}/interactions/", "organizer"),
    ("actors/{person}/interactions/with/{partner}/", "organizer"),
    ("interactions/new/", "organizer"),
    ("interactions/{interaction}/", "organizer"),
    ("interactions/deleted/", "organizer"),
    ("comments/actor/{person}/", "organizer"),
    ("comments/tie/{tie}/", "organizer"),
    ("history/actor/{person}/", "organizer"),
    ("statements/", "organizer"),
    ("statements/{statement}/", "organizer"),
    ("statements/{statement}/diff/", "organizer"),
    ("proposals/", "organizer"),
    ("proposals/{proposal}/", "organizer"),
    ("health/", "organizer"),
    ("equity/", "organizer"),
    ("principles/", "organizer"),
    ("targets/", "organizer"),
    ("targets/", "member"),
    ("targets/{target}/", "organizer"),
    ("produce/", "organizer"),
    ("produce/groups/new/", "organizer"),
    ("produce/groups/{group}/", "organizer"),
    ("produce/actions/{action}/", "organizer"),
    ("produce/wins/{win}/", "organizer"),
    ("produce/shifts/{shift}/", "organizer"),
    ("actions/{action}/", "organizer"),
    ("activity/", "organizer"),
    ("reports/", "organizer"),
    ("reports/{report}/", "organizer"),
    ("surveys/", "organizer"),
    ("surveys/{survey}/", "organizer"),
    ("surveys/{survey}/results/", "organizer"),
    ("surveys/{survey}/review/", "organizer"),
    ("surveys/{open_survey}/answer/", "member"),
    ("import/", "organizer"),
    ("import/{job}/", "organizer"),
    ("duplicates/", "organizer"),
    ("settings/members/", "steward"),
    ("settings/privacy/", "steward"),
    ("settings/strength/", "steward"),
    ("settings/audit/", "steward"),
    ("settings/erase/", "steward"),
    ("settings/erase/{person}/", "steward"),
    ("settings/leave/", "steward"),
    ("voting/", "member"),
    ("health-check/", "member"),
]


@pytest.fixture
def focus(coalition, personas, member_designee):
    """One of each item a page is about, before the coalition grows around it."""
    person = PersonFactory(coalition=coalition, name="Rosa Parra")
    partner = OrganisationFactory(coalition=coalition, name="Neighbours United")
    membership = MembershipFactory(coalition=coalition, organisation=partner, phase="align")
    version = StatementVersionFactory(statement__coalition=coalition)
    interaction = InteractionFactory(coalition=coalition)
    for actor in (person, partner):
        InteractionParticipantFactory(interaction=interaction, actor=actor)
    survey = SurveyRound.objects.create(
        coalition=coalition, title="Who works with whom", opens_on=DAY, closes_on=DAY
    )
    open_survey = SurveyRound.objects.create(
        coalition=coalition,
        title="Who do you work with?",
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate() + datetime.timedelta(days=7),
        status="open",
    )
    # From the start the person's latest changes are more than the activity page shows (100),
    # so it reads the version before the oldest it shows (one query) at 10 actors as at 1,000.
    edit_often(person, 101)
    return SimpleNamespace(
        person=person,
        partner=partner,
        contact=ContactDetailFactory(actor=person),
        affiliation=AffiliationFactory(person=person, organisation=partner),
        tie=TieFactory(coalition=coalition, source=person, target=partner, strength=3),
        interaction=interaction,
        skill=SkillFactory(coalition=coalition),
        membership=membership,
        commitment=CommitmentFactory(membership=membership),
        target=TargetFactory(coalition=coalition),
        statement=version.statement,
        version=version,
        feedback=FeedbackRoundFactory(version=version),
        proposal=ProposalFactory(coalition=coalition),
        health_round=HealthCheckRoundFactory(coalition=coalition, opens_on=DAY),
        group=WorkingGroupFactory(coalition=coalition),
        action=ActionFactory(coalition=coalition),
        win=WinFactory(coalition=coalition),
        shift=ClimateShiftFactory(coalition=coalition),
        report=ReportFactory(coalition=coalition),
        survey=survey,
        question=SurveyQuestion.objects.create(
            round=survey, kind="scale", text="How well do we work together?"
        ),
        open_survey=open_survey,
        grid=SurveyQuestion.objects.create(
            round=open_survey, kind="relationship_grid", text="Who do you work with?"
        ),
        respondent=SurveyRespondent.objects.create(round=open_survey, person=member_designee),
        job=ImportJobFactory(coalition=coalition),
        author=personas["organizer"],
    )


def edit_often(actor: Actor, times: int) -> None:
    """``times`` more versions of the actor in its history."""
    start, versions = actor.history.count(), []
    for i in range(times):
        version = copy.copy(actor)
        version.description = f"Met at tenants' meeting {start + i}"
        versions.append(version)
    bulk_update_with_history(versions, Actor, ["description"])


def grow(coalition, total: int, focus) -> None:
    """Bring the coalition to ``total`` actors (more are added to those there), each with two
    assessments, a position and a tag; a tie and an interaction per actor; every fifth an
    organisation that is a member; and a quarter of them around each item in ``focus``."""
    start = Actor.objects.filter(coalition=coalition).count()
    actors = Actor.objects.bulk_create(
        [
            Actor(
                coalition=coalition,
                name=f"Org {start + i}",
                kind="organisation",
                is_sensitive=i % 10 == 0,
            )
            for i in range(total - start)
        ]
    )
    AllyAssessment.objects.bulk_create(
        [
            AllyAssessment(
                actor=actor,
                stance=stance,
                ally_kind="natural",
                influence=2,
                proximity=3,
                commitment=2,
                assessed_on=DAY + datetime.timedelta(days=k),
            )
            for actor in actors
            for k, stance in enumerate(("neutral", "passive_ally"))
        ]
    )
    ActorPosition.objects.bulk_create(
        [ActorPosition(actor=actor, x=float(i), y=float(-i)) for i, actor in enumerate(actors)]
    )
    tag = Tag.objects.get_or_create(coalition=coalition, name="housing")[0]
    tag.actors.add(*actors)
    Tie.objects.bulk_create(
        [
            Tie(coalition=coalition, source=a, target=b, strength=3, started_on=DAY)
            for a, b in zip(actors, actors[1:], strict=False)
        ]
    )
    meetings = Interaction.objects.bulk_create(
        [Interaction(coalition=coalition, kind="one_to_one", occurred_on=DAY) for _ in actors[1:]]
    )
    InteractionParticipant.objects.bulk_create(
        [
            InteractionParticipant(interaction=meeting, actor=actor)
            for meeting, a, b in zip(meetings, actors, actors[1:], strict=False)
            for actor in (a, b)
        ]
    )
    Membership.objects.bulk_create(
        [
            Membership(coalition=coalition, organisation=actor, phase=MemberPhase.CONNECT)
            for actor in actors[::5]
        ]
    )
    surround(coalition, focus, actors[::4])


def surround(coalition, focus, orgs: list[Actor]) -> None:
    """Related rows for each item in ``focus``, one per organisation given (and a person for
    each): ties, meetings, affiliations, skill levels, history, comments, commitments, pillars,
    signatures, votes, answers, seats, leaders and saved views."""
    start = Actor.objects.filter(coalition=coalition).count()
    people = Actor.objects.bulk_create(
        [
            Actor(coalition=coalition, name=f"Person {start + i}", kind="person")
            for i in range(len(orgs))
        ]
    )
    now = timezone.now()
    person, partner = focus.person, focus.partner
    Tie.objects.bulk_create(
        [Tie(coalition=coalition, source=person, target=org, strength=2) for org in orgs]
    )
    meetings = Interaction.objects.bulk_create(
        [Interaction(coalition=coalition, kind="one_to_one", occurred_on=DAY) for _ in orgs]
    )
    InteractionParticipant.objects.bulk_create(
        [
            InteractionParticipant(interaction=meeting, actor=actor)
            for meeting in meetings
            for actor in (person, partner)
        ]
        + [InteractionParticipant(interaction=focus.interaction, actor=org) for org in orgs]
    )
    Affiliation.objects.bulk_create(
        [Affiliation(person=person, organisation=org, role_title="Organiser") for org in orgs]
        + [Affiliation(person=someone, organisation=partner) for someone in people]
    )
    SkillLevel.objects.bulk_create(
        [
            SkillLevel(actor=someone, skill=focus.skill, level=3, assessed_on=DAY)
            for someone in people
        ]
    )
    edit_often(person, len(orgs))
    Comment.objects.bulk_create(
        [
            Comment(
                coalition=coalition,
                actor=person,
                author=focus.author,
                body="Ask about the rent strike",
            )
            for _ in orgs
        ]
        + [
            Comment(
                coalition=coalition, tie=focus.tie, author=focus.author, body="Since the spring"
            )
            for _ in orgs
        ]
        + [
            Comment(
                coalition=coalition,
                statement=focus.statement,
                paragraph=1,
                paragraph_version=1,
                author=focus.author,
                body="Agreed",
            )
            for _ in orgs
        ]
        + [
            Comment(coalition=coalition, proposal=focus.proposal, author=focus.author, body="Yes")
            for _ in orgs
        ]
        + [
            Comment(
                coalition=coalition,
                action=focus.action,
                author=focus.author,
                body="I can bring chairs",
            )
            for _ in orgs
        ]
    )
    Commitment.objects.bulk_create(
        [
            Commitment(membership=focus.membership, kind="hours", amount=i + 1)
            for i, _ in enumerate(orgs)
        ]
    )
    PhaseMove.objects.bulk_create(
        [PhaseMove(membership=focus.membership, to_phase="align", moved_at=now) for _ in orgs]
    )
    pillars = Pillar.objects.bulk_create(
        [Pillar(target=focus.target, name=f"Pillar {org.name}", sector="business") for org in orgs]
    )
    PillarProximity.objects.bulk_create(
        [
            PillarProximity(pillar=pillar, actor=org, proximity=3)
            for pillar, org in zip(pillars, orgs, strict=True)
        ]
    )
    Signature.objects.bulk_create(
        [
            Signature(
                version=focus.version,
                organisation=org,
                organisation_name=org.name,
                organisation_key=org.name.lower(),
                signer_name="Amos Ndlovu",
                signer_email=f"amos{org.pk}@example.org",
            )
            for org in orgs
        ]
    )
    FeedbackComment.objects.bulk_create(
        [
            FeedbackComment(
                round=focus.feedback,
                paragraph=1,
                author=focus.author,
                organisation=org,
                body="Agreed.",
            )
            for org in orgs
        ]
    )
    Vote.objects.bulk_create(
        [
            Vote(
                proposal=focus.proposal,
                organisation=org,
                designee=someone,
                choice="agree",
                cast_at=now,
            )
            for org, someone in zip(orgs, people, strict=True)
        ]
    )
    HealthCheckAnswer.objects.bulk_create(
        [
            HealthCheckAnswer(
                round=focus.health_round,
                organisation=org,
                purpose=3,
                participation=3,
                relationships=3,
                structures=3,
                coordination=3,
                answered_at=now,
            )
            for org in orgs
        ]
    )
    GroupMember.objects.bulk_create(
        [GroupMember(group=focus.group, actor=someone) for someone in people]
    )
    focus.action.leaders.add(*people)
    focus.win.actions.add(focus.action)
    respondents = SurveyRespondent.objects.bulk_create(
        [SurveyRespondent(round=focus.survey, organisation=org, submitted_at=now) for org in orgs]
    )
    SurveyAnswer.objects.bulk_create(
        [
            SurveyAnswer(respondent=respondent, question=focus.question, scale=4)
            for respondent in respondents
        ]
    )
    RelationshipAnswer.objects.bulk_create(
        [
            RelationshipAnswer(respondent=focus.respondent, question=focus.grid, actor=org)
            for org in orgs
        ]
    )
    SavedView.objects.bulk_create(
        [SavedView(coalition=coalition, name=f"Around {org.name}") for org in orgs]
    )


@pytest.mark.parametrize(("path", "persona"), PAGES)
def test_a_page_runs_as_many_queries_for_1000_actors_as_for_10(
    client_for, coalition, focus, path, persona
):
    client = client_for(persona)
    ids = {name: item.pk for name, item in vars(focus).items()}
    url = f"/coalitions/{coalition.pk}/{path.format(**ids)}"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return len(captured)

    grow(coalition, 10, focus)
    queries()  # once first: what a session caches on its first page is not counted
    at_10 = queries()
    grow(coalition, 1000, focus)
    at_1000 = queries()
    assert at_1000 == at_10, f"{url} as {persona}: {at_10} queries at 10 actors, {at_1000} at 1,000"
