"""The activity stream records every write a user makes (issue #17, item 13): assessments,
votes, health-check answers, endorsements, signatures and interactions, each with who made it
and the moment the service made it, newest first; never a signer's name or a health answer's
scores, and sensitive organisations only for the roles that may see them."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from allies.services.assessments import assessment_add
from coalitions.activity.selectors import activity_stream
from coalitions.align.services.health import health_answer_record, health_round_open
from coalitions.align.services.principles import endorsement_add, principle_create
from coalitions.align.services.proposals import proposal_create, vote_cast
from coalitions.align.services.signatures import signature_confirm, signature_request
from coalitions.align.services.statements import statement_create
from coalitions.roles import access_for
from networks.services import interaction_create
from tests.allies.factories import ActorFactory
from tests.coalitions.factories import MembershipFactory
from weft.vocabulary import ActorKind

SCORES = dict.fromkeys(
    ("purpose", "participation", "relationships", "structures", "coordination"), 4
)


@pytest.fixture
def clock(monkeypatch):
    """The services' clock, moved on a minute before each write, so each write has its own
    moment and the order the stream shows is the order they were made."""
    now = timezone.now()
    # An hour back, but never into yesterday: the writes' "today" (a round open from today)
    # is the date of the clock (a run just after midnight failed when it was not).
    midnight = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate(now), datetime.time.min)
    )
    start = max(now - datetime.timedelta(hours=1), midnight)
    moments = []

    def tick():
        moment = start + datetime.timedelta(minutes=len(moments))
        moments.append(moment)
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    return tick


@pytest.fixture
def members(coalition, orgs, people):
    for org, designee in zip(orgs[:2], people[:2], strict=True):
        MembershipFactory(coalition=coalition, organisation=org, phase="align", designee=designee)
    return orgs[:2]


def test_every_kind_of_write_appears_with_who_and_its_moment_newest_first(
    client_for, coalition, personas, members, people, clock, django_capture_on_commit_callbacks
):
    weaver = access_for(personas["weaver"], coalition.pk)
    organizer = access_for(personas["organizer"], coalition.pk)
    today = timezone.localdate()
    made = []

    made.append(("assessments", clock()))
    assessment_add(
        access=organizer,
        actor=members[0],
        stance="passive_ally",
        ally_kind="natural",
        influence=3,
        proximity=2,
        commitment=4,
        assessed_on=today,
    )
    proposal = proposal_create(
        coalition=coalition,
        title="Join the strike",
        rule="consent",
        closes_at=timezone.now() + datetime.timedelta(days=2),
        created_by=personas["weaver"],
    )
    made.append(("votes", clock()))
    vote_cast(
        access=weaver,
        proposal=proposal,
        organisation=members[0],
        designee=people[0],
        choice="agree",
    )
    health_round = health_round_open(
        coalition=coalition,
        title="Spring check",
        opens_on=today,
        closes_on=today + datetime.timedelta(days=7),
        opened_by=personas["weaver"],
    )
    made.append(("health", clock()))
    health_answer_record(
        access=weaver, round=health_round, organisation=members[1], scores=SCORES, comment="Tired"
    )
    principle = principle_create(coalition=coalition, title="Tenants lead", created_by=None)
    made.append(("endorsements", clock()))
    endorsement_add(access=weaver, principle=principle, organisation=members[1])
    statement = statement_create(
        coalition=coalition,
        title="Homes for all",
        body="We stand.",
        status="published",
        created_by=personas["weaver"],
    )
    made.append(("signatures", clock()))
    with django_capture_on_commit_callbacks(execute=True):
        signature_request(
            version=statement.versions.get(),
            organisation_name="Faith Alliance",
            signer_name="Rev. Amos Secret",
            signer_email="amos.secret@example.org",
        )
    token = re.search(r"/sign/confirm/([^/\s]+)/", mail.outbox[-1].body).group(1)
    made.append(("signatures", clock()))
    signature_confirm(token=token)
    made.append(("interactions", clock()))
    interaction_create(
        access=weaver,
        kind="one_to_one",
        occurred_on=today,
        participants=[members[0], members[1]],
        summary="Coffee about the strike",
    )

    kinds = [kind for kind, _ in made]
    entries = [
        e
        for e in client_for("weaver")
        .get(f"/coalitions/{coalition.pk}/activity/")
        .context["entries"]
        if e["kind"] in set(kinds)
    ]
    assert [(e["kind"], e["when"]) for e in entries] == list(reversed(made))
    by_kind = {}
    for entry in entries:
        by_kind.setdefault(entry["kind"], []).append(entry)
    assert by_kind["assessments"][0]["who"] == "organizer"
    assert by_kind["assessments"][0]["what"] == "Org 0: passive ally, natural"
    assert by_kind["votes"][0]["who"] == "weaver"
    assert by_kind["votes"][0]["what"] == "Org 0 on “Join the strike”: Agree"
    assert by_kind["health"][0]["what"] == "Org 1 answered “Spring check”"
    assert by_kind["endorsements"][0]["what"] == "Org 1 endorses “Tenants lead”"
    assert [e["change"] for e in by_kind["signatures"]] == ["signed", "asked to sign"]
    assert by_kind["signatures"][0]["what"] == "Faith Alliance on “Homes for all” (version 1)"
    assert by_kind["interactions"][0]["who"] == "weaver"

    html = client_for("weaver").get(f"/coalitions/{coalition.pk}/activity/").content.decode()
    assert "Rev. Amos Secret" not in html and "amos.secret@example.org" not in html
    assert "Tired" not in html  # a health answer's comment and scores are never shown
    only = client_for("weaver").get(f"/coalitions/{coalition.pk}/activity/?kind=votes")
    assert {e["kind"] for e in only.context["entries"]} == {"votes"}


def test_a_sensitive_organisations_votes_and_answers_are_only_for_those_who_may_see_it(
    coalition, personas, people
):
    hidden_org = ActorFactory(
        coalition=coalition, name="Hidden Shelter", kind=ActorKind.ORGANISATION, is_sensitive=True
    )
    MembershipFactory(coalition=coalition, organisation=hidden_org, phase="align")
    organizer = access_for(personas["organizer"], coalition.pk)
    today = timezone.localdate()
    health_round = health_round_open(
        coalition=coalition,
        title="Spring check",
        opens_on=today,
        closes_on=today + datetime.timedelta(days=7),
        opened_by=personas["organizer"],
    )
    health_answer_record(
        access=organizer, round=health_round, organisation=hidden_org, scores=SCORES
    )
    principle = principle_create(coalition=coalition, title="Tenants lead", created_by=None)
    endorsement_add(access=organizer, principle=principle, organisation=hidden_org)

    def named(user):
        entries = activity_stream(access_for(personas[user], coalition.pk))
        return [e for e in entries if "Hidden Shelter" in e["what"]]

    assert {"health", "endorsements"} <= {e["kind"] for e in named("organizer")}
    assert named("weaver") == []


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
def test_the_filtered_stream_is_for_the_roles_that_run_the_workflow(
    client_for, coalition, persona, status
):
    url = f"/coalitions/{coalition.pk}/activity/?kind=signatures&kind=health&kind=votes"
    assert client_for(persona).get(url).status_code == status
