"""Every API route, every method, every role: checked against DESIGN.md's roles table.

The route list comes from the URLconf itself, so a new endpoint without an entry in MATRIX
fails ``test_every_api_route_has_an_entry``. Each case runs every persona in its own savepoint,
so a DELETE by one persona does not change what the next one sees.
"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from coalitions.models import AuditEntry, Role
from coalitions.roles import access_for
from coalitions.stewardship.models import Invitation
from coalitions.surveys.services import (
    answer_save,
    relationship_save,
    respondent_add,
    round_create,
    round_open,
)
from networks.comments.models import Comment
from networks.models import InteractionParticipant
from tests.allies.factories import (
    ActorFactory,
    AffiliationFactory,
    AllyAssessmentFactory,
    ContactDetailFactory,
    EngagementPlanFactory,
    SkillFactory,
    SkillLevelFactory,
)
from tests.coalitions.factories import (
    ActionFactory,
    ClimateShiftFactory,
    CommitmentFactory,
    EndorsementFactory,
    FeedbackRoundFactory,
    GroupMemberFactory,
    HealthCheckRoundFactory,
    IntroductionFactory,
    MembershipFactory,
    PillarFactory,
    PillarProximityFactory,
    PrincipleFactory,
    ProposalFactory,
    ReportFactory,
    ShareLinkFactory,
    SignatureFactory,
    StatementVersionFactory,
    TargetFactory,
    UnityStatementFactory,
    WinFactory,
    WorkingGroupFactory,
)
from tests.networks.factories import (
    InteractionFactory,
    MetricRunFactory,
    SavedViewFactory,
    StoryFactory,
    StoryLinkFactory,
    SuggestionFactory,
    TieFactory,
)
from tests.networks.transfer.files import TRANSFER_ROUTES, Multipart, transfer_request
from weft.vocabulary import ActorKind

PERSONAS = ["steward", "organizer", "weaver", "member", "funder", "outsider", "anonymous"]
MAP_VIEWERS = {"steward", "organizer", "weaver", "member"}
EDITORS = {"steward", "organizer", "weaver"}
EVERY_ROLE = MAP_VIEWERS | {"funder"}
SIGNED_IN = EVERY_ROLE | {"outsider"}
STEWARDS = {"steward"}
ANYONE = set(PERSONAS)
REPORT_EDITORS = {"steward", "organizer"}

CRUD_FOR_EDITORS = {"GET": MAP_VIEWERS, "PUT": EDITORS, "PATCH": EDITORS, "DELETE": EDITORS}

# route name → method → the personas allowed (the others get 403 with a role, 404 without).
MATRIX: dict[str, dict[str, set[str]]] = {
    "api-token": {"POST": ANYONE},
    "api-coalition-list": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "api-coalition-detail": {"GET": EVERY_ROLE, "PUT": EDITORS, "PATCH": EDITORS},
    "api-map": {"GET": MAP_VIEWERS},
    "api-map-changes": {"GET": MAP_VIEWERS},
    "actors-list": {"GET": MAP_VIEWERS, "POST": EDITORS},
    "actors-detail": {"GET": MAP_VIEWERS, "PUT": EDITORS, "PATCH": EDITORS, "DELETE": EDITORS},
    "actors-history": {"GET": MAP_VIEWERS},
    "actors-restore": {"POST": EDITORS},
    "contact-details-list": {"GET": EDITORS, "POST": EDITORS},
    "contact-details-detail": {
        "GET": EDITORS,
        "PUT": EDITORS,
        "PATCH": EDITORS,
        "DELETE": EDITORS,
    },
    "contact-details-history": {"GET": EDITORS},
    "assessments-list": {"GET": MAP_VIEWERS, "POST": EDITORS},
    "assessments-detail": {"GET": MAP_VIEWERS},
    "ties-list": {"GET": MAP_VIEWERS, "POST": EDITORS},
    "ties-detail": {"GET": MAP_VIEWERS, "PUT": EDITORS, "PATCH": EDITORS, "DELETE": EDITORS},
    "ties-history": {"GET": MAP_VIEWERS},
    "ties-restore": {"POST": EDITORS},
    "interactions-list": {"GET": MAP_VIEWERS, "POST": EDITORS},
    "interactions-detail": {
        "GET": MAP_VIEWERS,
        "PUT": EDITORS,
        "PATCH": EDITORS,
        "DELETE": EDITORS,
    },
    "affiliations-list": {"GET": MAP_VIEWERS, "POST": EDITORS},
    "affiliations-detail": CRUD_FOR_EDITORS,
    "skills-list": {"GET": MAP_VIEWERS, "POST": EDITORS},
    "skills-detail": CRUD_FOR_EDITORS,
    "skill-levels-list": {"GET": MAP_VIEWERS, "POST": EDITORS},
    "skill-levels-detail": {"GET": MAP_VIEWERS},
    # Plans name messengers and owners: for the roles that see personal contact data.
    "engagement-plans-list": {"GET": EDITORS, "POST": EDITORS},
    "engagement-plans-detail": dict.fromkeys(("GET", "PUT", "PATCH", "DELETE"), EDITORS),
    "targets-list": {"GET": MAP_VIEWERS, "POST": EDITORS},
    "targets-detail": CRUD_FOR_EDITORS,
    "targets-support": {"GET": MAP_VIEWERS},
    "pillars-list": {"GET": MAP_VIEWERS, "POST": EDITORS},
    "pillars-detail": CRUD_FOR_EDITORS,
    "pillar-proximities-list": {"GET": MAP_VIEWERS, "POST": EDITORS},
    "pillar-proximities-detail": CRUD_FOR_EDITORS,
    "memberships-list": {"GET": MAP_VIEWERS, "POST": EDITORS},
    "memberships-detail": CRUD_FOR_EDITORS,
    "memberships-designees": {"GET": MAP_VIEWERS},
    "statements-list": {"GET": MAP_VIEWERS, "POST": EDITORS},
    "statements-detail": {"GET": MAP_VIEWERS, "PUT": EDITORS, "PATCH": EDITORS},
    "statements-versions": {"GET": MAP_VIEWERS, "POST": EDITORS},
    "signatures-list": {"GET": MAP_VIEWERS},
    "signatures-detail": {"GET": MAP_VIEWERS},
    "principles-list": {"GET": MAP_VIEWERS, "POST": EDITORS},
    "principles-detail": CRUD_FOR_EDITORS,
    "endorsements-list": {"GET": MAP_VIEWERS, "POST": EDITORS},
    "endorsements-detail": {"GET": MAP_VIEWERS, "PATCH": EDITORS},
    "working-groups-list": {"GET": MAP_VIEWERS, "POST": EDITORS},
    "working-groups-detail": CRUD_FOR_EDITORS,
    "group-members-list": {"GET": MAP_VIEWERS, "POST": EDITORS},
    "group-members-detail": CRUD_FOR_EDITORS,
    "actions-list": {"GET": MAP_VIEWERS, "POST": EDITORS},
    "actions-detail": CRUD_FOR_EDITORS,
    "wins-list": {"GET": MAP_VIEWERS, "POST": EDITORS},
    "wins-detail": CRUD_FOR_EDITORS,
    "climate-shifts-list": {"GET": MAP_VIEWERS, "POST": EDITORS},
    "climate-shifts-detail": CRUD_FOR_EDITORS,
    # Metric runs: read with the dashboard, started by the editing roles.
    "metric-runs-list": {"GET": MAP_VIEWERS, "POST": EDITORS},
    "metric-runs-detail": {"GET": MAP_VIEWERS},
    "metric-runs-actors": {"GET": MAP_VIEWERS},
    "metric-runs-relationships": {"GET": MAP_VIEWERS},
    "metric-runs-suggestions": {"GET": MAP_VIEWERS},
    # The relationship strength settings (#17): stewards, as on the settings page.
    "api-strength-settings": {"GET": STEWARDS, "PUT": STEWARDS},
    # The weaver's workflow (issue 7). Members cast their own organisation's vote, answer
    # its health check and comment on statements; the weaver's suggestions and a round's
    # summary are for the roles that run the workflow.
    "introductions-list": {"GET": MAP_VIEWERS, "POST": EDITORS},
    "introductions-detail": {"GET": MAP_VIEWERS, "PUT": EDITORS, "PATCH": EDITORS},
    "commitments-list": {"GET": MAP_VIEWERS, "POST": EDITORS},
    "commitments-detail": CRUD_FOR_EDITORS,
    "proposals-list": {"GET": MAP_VIEWERS, "POST": EDITORS},
    "proposals-detail": {"GET": MAP_VIEWERS, "PUT": EDITORS, "PATCH": EDITORS},
    "proposals-votes": {"GET": MAP_VIEWERS, "POST": MAP_VIEWERS},
    "proposals-decide": {"POST": EDITORS},
    "health-checks-list": {"GET": MAP_VIEWERS, "POST": EDITORS},
    "health-checks-detail": {"GET": MAP_VIEWERS},
    "health-checks-answers": {"POST": MAP_VIEWERS},
    "health-checks-summary": {"GET": EDITORS},
    "feedback-rounds-list": {"GET": MAP_VIEWERS, "POST": EDITORS},
    "feedback-rounds-detail": {"GET": MAP_VIEWERS},
    "feedback-rounds-comments": {"GET": MAP_VIEWERS, "POST": MAP_VIEWERS},
    "suggestions-list": {"GET": EDITORS},
    "suggestions-detail": {"GET": EDITORS},
    "suggestions-accept": {"POST": EDITORS},
    "suggestions-dismiss": {"POST": EDITORS},
    "roles-list": {"GET": STEWARDS, "POST": STEWARDS},
    "roles-detail": {"GET": STEWARDS, "PUT": STEWARDS, "PATCH": STEWARDS, "DELETE": STEWARDS},
    # Invitations and the audit log (#16): stewards only.
    "invitations-list": {"GET": STEWARDS, "POST": STEWARDS},
    "invitations-detail": {"GET": STEWARDS, "DELETE": STEWARDS},
    "audit-list": {"GET": STEWARDS},
    "audit-detail": {"GET": STEWARDS},
    # Erasure of a person (#20): stewards only, the preview too.
    "people-erasure": {"GET": STEWARDS, "POST": STEWARDS},
    # The whole coalition (#20): its export and its deletion, stewards only.
    "api-export-whole": {"GET": STEWARDS},
    "api-coalition-deletion": {"GET": STEWARDS, "POST": STEWARDS},
    # Funder reports: every role reads (funders the published ones), organizers and stewards
    # write and publish, stewards share.
    "reports-list": {"GET": EVERY_ROLE, "POST": REPORT_EDITORS},
    "reports-detail": {"GET": EVERY_ROLE, "PATCH": REPORT_EDITORS},
    "reports-publish": {"POST": REPORT_EDITORS},
    "share-links-list": {"GET": STEWARDS, "POST": STEWARDS},
    "share-links-detail": {"GET": STEWARDS},
    "share-links-revoke": {"POST": STEWARDS},
    # Import and export (#9): editors bring a map in; whoever sees the map takes out what
    # their role sees (contact details only in a steward's export).
    "api-imports": {"POST": EDITORS},
    "api-import": {"GET": EDITORS},
    "api-import-problems": {"GET": EDITORS},
    "api-import-confirm": {"POST": EDITORS},
    "api-import-columns": {"POST": EDITORS},
    "api-import-affiliations": {"POST": EDITORS},
    "api-export": {"GET": MAP_VIEWERS},
    "api-duplicates": {"GET": MAP_VIEWERS},
    # A merge moves every row of two actors, sensitive ones included.
    "api-merges": {"POST": {"steward", "organizer"}},
    "api-merge-preview": {"POST": {"steward", "organizer"}},
    "api-merge-undo": {"POST": {"steward", "organizer"}},
    "api-paths": {"GET": MAP_VIEWERS},
    "api-map-colours": {"GET": MAP_VIEWERS},
    "api-position": {"PUT": EDITORS},  # members: their own organisation only
    "saved-views-list": {"GET": MAP_VIEWERS, "POST": EDITORS},
    "saved-views-detail": CRUD_FOR_EDITORS,
    # Story mode (#18): played by every map viewer, written by the editors, shared by stewards.
    "stories-list": {"GET": MAP_VIEWERS, "POST": EDITORS},
    "stories-detail": CRUD_FOR_EDITORS,
    "story-links-list": {"GET": STEWARDS, "POST": STEWARDS},
    "story-links-detail": {"GET": STEWARDS},
    "story-links-revoke": {"POST": STEWARDS},
    # Relationship surveys (#21): the workspace drafts, opens and closes rounds; answers are
    # read by the workspace, and by a member for their own organisation only; stewards and
    # organizers export a round's answers.
    "survey-rounds-list": {"GET": EDITORS, "POST": EDITORS},
    "survey-rounds-detail": {"GET": EDITORS},
    "survey-rounds-open": {"POST": EDITORS},
    "survey-rounds-close": {"POST": EDITORS},
    "survey-rounds-export": {"GET": REPORT_EDITORS},
    "survey-questions-list": {"GET": EDITORS, "POST": EDITORS},
    "survey-questions-detail": {"GET": EDITORS, "DELETE": EDITORS},
    "survey-respondents-list": {"GET": EDITORS, "POST": EDITORS},
    "survey-respondents-detail": {"GET": EDITORS, "DELETE": EDITORS},
    "survey-answers-list": {"GET": MAP_VIEWERS},
    "survey-answers-detail": {"GET": MAP_VIEWERS},
    "survey-relationships-list": {"GET": MAP_VIEWERS},
    "survey-relationships-detail": {"GET": MAP_VIEWERS},
    # Notifications (#22): each user reads and marks their own, in a coalition they hold a role
    # in; email preferences are the signed-in user's own, whatever their coalitions.
    "notifications-list": {"GET": EVERY_ROLE},
    "notifications-read": {"POST": EVERY_ROLE},
    "api-notification-preferences": {"GET": SIGNED_IN, "PUT": SIGNED_IN},
    # Comments on the map (#22): whoever sees the map reads and writes them; only the author
    # edits or deletes (this one is the steward's); the author or the map's editors resolve.
    "comments-list": {"GET": MAP_VIEWERS, "POST": MAP_VIEWERS},
    "comments-detail": {"GET": MAP_VIEWERS, "PATCH": STEWARDS, "DELETE": STEWARDS},
    "comments-resolve": {"POST": EDITORS},
    # Comments on the workflow (#22): whoever reads the statement, proposal or action reads
    # and writes its comments (members too); by id, as above.
    "statements-comments": {"GET": MAP_VIEWERS, "POST": MAP_VIEWERS},
    "proposals-comments": {"GET": MAP_VIEWERS, "POST": MAP_VIEWERS},
    "actions-comments": {"GET": MAP_VIEWERS, "POST": MAP_VIEWERS},
}


def api_routes():
    """(route name, method) for every route under /api/v1/, read from the URLconf."""

    def walk(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                yield prefix + str(entry.pattern), entry

    for route, pattern in walk(get_resolver().url_patterns):
        if not route.startswith("api/v1/"):
            continue
        callback = pattern.callback
        actions = getattr(callback, "actions", None)
        if actions:
            served = callback.cls.http_method_names  # the router maps more than a view serves
            methods = {method.upper() for method in actions if method in served}
        else:
            view = (
                getattr(callback, "view_class", None)
                or getattr(callback, "__wrapped__", callback).view_class
            )
            methods = {
                method.upper()
                for method in view.http_method_names
                if hasattr(view, method) and method not in ("head", "options")
            }
        for method in methods - {"HEAD", "OPTIONS"}:
            yield pattern.name, method


def test_every_api_route_has_an_entry():
    in_urlconf = set(api_routes())
    in_matrix = {(name, method) for name, methods in MATRIX.items() for method in methods}
    assert in_urlconf - in_matrix == set(), "routes without a permission entry"
    assert in_matrix - in_urlconf == set(), "entries for routes that do not exist"


@pytest.fixture
def world(coalition, personas, member_org):
    """One row of each kind, none of them sensitive and none the member's organisation."""
    first = ActorFactory(coalition=coalition, name="Faith Alliance", kind=ActorKind.GROUP)
    second = ActorFactory(coalition=coalition, name="Mayor", kind=ActorKind.OFFICIAL)
    tie = TieFactory(coalition=coalition, source=first, target=second)
    contact = ContactDetailFactory(actor=first, kind="email", value="faith@example.org")
    assessment = AllyAssessmentFactory(
        actor=first,
        stance="neutral",
        ally_kind="natural",
        influence=3,
        proximity=2,
        commitment=3,
        assessed_on=datetime.date(2026, 3, 1),
    )
    meeting = InteractionFactory(
        coalition=coalition, kind="one_to_one", occurred_on=datetime.date(2026, 3, 2)
    )
    InteractionParticipant.objects.bulk_create(
        [InteractionParticipant(interaction=meeting, actor=a) for a in (first, second)]
    )
    get_user_model().objects.create_user(username="newcomer", password="x-unused-x")
    third = ActorFactory(coalition=coalition, name="Food Bank", kind=ActorKind.ORGANISATION)
    person = ActorFactory(coalition=coalition, name="Rosa Diaz", kind=ActorKind.PERSON)
    skill = SkillFactory(coalition=coalition, name="Facilitation")
    statement = UnityStatementFactory(coalition=coalition, title="Homes for all")
    StatementVersionFactory(statement=statement, number=1, body="We stand…")
    published = UnityStatementFactory(
        coalition=coalition, title="Founding statement", status="published"
    )
    text = StatementVersionFactory(
        statement=published, number=1, body="We stand…", published_at=timezone.now()
    )
    principle = PrincipleFactory(coalition=coalition, title="Those most affected lead")
    group = WorkingGroupFactory(coalition=coalition, name="Research")
    target = TargetFactory(coalition=coalition, actor=second)
    pillar = PillarFactory(target=target, name="Chamber of Commerce", sector="business")
    now = timezone.now()
    published_report = ReportFactory(
        coalition=coalition,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 3, 31),
        status="published",
        published_at=now,
        snapshot={"narrative": ""},
    )
    draft_report = ReportFactory(
        coalition=coalition,
        period_start=datetime.date(2026, 4, 1),
        period_end=datetime.date(2026, 6, 30),
    )
    day = datetime.date(2026, 3, 3)
    today = timezone.localdate()
    # The member's organisation votes and answers through its designee.
    designee = ActorFactory(coalition=coalition, name="Ana Ruiz", kind=ActorKind.PERSON)
    MembershipFactory(
        coalition=coalition, organisation=member_org, phase="connect", designee=designee
    )
    Role.objects.current().filter(user=personas["member"], coalition=coalition).update(
        person=designee
    )  # the member persona's account is the designee's
    membership = MembershipFactory(coalition=coalition, organisation=first)
    run = MetricRunFactory(coalition=coalition, input_hash="0" * 64, computed_for=today)
    closed_proposal = ProposalFactory(
        coalition=coalition,
        title="Closed",
        rule="majority",
        closes_at=now - datetime.timedelta(days=1),
    )
    rows = {
        "introductions": IntroductionFactory(
            coalition=coalition,
            introduced=first,
            introduced_to=second,
            reason="Both on rents",
            introduced_on=day,
        ),
        "commitments": CommitmentFactory(membership=membership, kind="hours", amount=5),
        "proposals": ProposalFactory(
            coalition=coalition,
            title="Adopt the platform",
            rule="consent",
            closes_at=now + datetime.timedelta(days=7),
        ),
        "health-checks": HealthCheckRoundFactory(
            coalition=coalition,
            title="Spring",
            opens_on=today - datetime.timedelta(days=1),
            closes_on=today + datetime.timedelta(days=7),
        ),
        "feedback-rounds": FeedbackRoundFactory(
            version=statement.versions.get(),
            opened_at=now,
            closes_at=now + datetime.timedelta(days=7),
        ),
        "suggestions": SuggestionFactory(
            run=run,
            coalition=coalition,
            kind="introduction",
            actor=first,
            other=third,
            score=2.0,
            reason="Two partners in common",
        ),
        "affiliations": AffiliationFactory(person=person, organisation=first),
        "skills": skill,
        "skill-levels": SkillLevelFactory(actor=person, skill=skill, level=2, assessed_on=day),
        "engagement-plans": EngagementPlanFactory(actor=second, ask="Meet us"),
        "targets": target,
        "pillars": pillar,
        "pillar-proximities": PillarProximityFactory(pillar=pillar, actor=third, proximity=3),
        "memberships": membership,
        "statements": statement,
        # Confirmed and public on a published text: what members may see of signatures.
        "signatures": SignatureFactory(
            version=text,
            organisation_name="Food Bank",
            signer_name="Sam",
            signer_email="s@example.org",
            confirmed_at=now,
        ),
        "principles": principle,
        "endorsements": EndorsementFactory(
            principle=principle, organisation=first, endorsed_at=now
        ),
        "working-groups": group,
        "group-members": GroupMemberFactory(group=group, actor=first),
        "actions": ActionFactory(coalition=coalition, title="March", starts_on=day),
        "wins": WinFactory(coalition=coalition, title="Rent freeze", won_on=day),
        "climate-shifts": ClimateShiftFactory(
            coalition=coalition, title="Press turns", recorded_on=day
        ),
        "coalition": coalition,
        "actors": first,
        "contact-details": contact,
        "assessments": assessment,
        "ties": tie,
        "interactions": meeting,
        "api-coalition": coalition,
        "roles": Role.objects.get(user=personas["weaver"], revoked_at__isnull=True),
        "metric-runs": MetricRunFactory(
            coalition=coalition, status="succeeded", input_hash="a" * 64, computed_for=day
        ),
        # Read (by funders too) and shared: published. Written and published: the draft.
        "reports": published_report,
        "share-links": ShareLinkFactory(
            report=published_report,
            token_hash="0" * 64,
            expires_at=now + datetime.timedelta(days=3),
        ),
        "saved-views": SavedViewFactory(coalition=coalition, name="Allies only"),
        "stories": StoryFactory(coalition=coalition, title="Why the council"),
        "invitations": Invitation.objects.create(
            coalition=coalition,
            email="invitee@example.org",
            role="organizer",
            token_hash="1" * 64,
            expires_at=now + datetime.timedelta(days=3),
        ),
        "audit": AuditEntry.objects.filter(coalition=coalition).first(),
        "comments": Comment.objects.create(
            coalition=coalition, actor=first, author=personas["steward"], body="Ask them"
        ),
        "people": person,
    }
    rows["story-links"] = StoryLinkFactory(story=rows["stories"], token_hash="2" * 64)
    rows.update(_survey_rows(coalition, personas, first, person, member_org, today))
    first_history = {
        "actors": first.history.earliest("history_date").history_id,
        "ties": tie.history.earliest("history_date").history_id,
    }
    return {
        "rows": rows,
        "first": first,
        "second": second,
        "third": third,
        "person": person,
        "skill": skill,
        "principle": principle,
        "group": group,
        "first_history": first_history,
        "draft_report": draft_report,
        "designee": designee,
        "member_org": member_org,
        "closed_proposal": closed_proposal,
        "statement": statement,
        "open_round": rows["open_round"],
    }


def _survey_rows(coalition, personas, first, person, member_org, today) -> dict:
    """A draft round (a question, a respondent) and an open one the member's organisation
    answered, through the services."""
    access = access_for(personas["weaver"], coalition.pk)
    week = datetime.timedelta(days=7)
    draft = round_create(
        access=access, title="Spring", opens_on=today, closes_on=today + week, template="classic"
    )
    respondent = respondent_add(access=access, round_id=draft.pk, person_id=person.pk)
    opened = round_create(
        access=access, title="Winter", opens_on=today, closes_on=today + week, template="classic"
    )
    answering = respondent_add(access=access, round_id=opened.pk, organisation_id=member_org.pk)
    round_open(access=access, round_id=opened.pk)
    questions = {q.kind: q for q in opened.questions.all()}
    return {
        "survey-rounds": draft,
        "survey-questions": draft.questions.first(),
        "survey-respondents": respondent,
        "open_round": opened,
        "survey-relationships": relationship_save(
            respondent_id=answering.pk,
            question_id=questions["relationship_grid"].pk,
            actor_id=first.pk,
            strength=4,
        ),
        "survey-answers": answer_save(
            respondent_id=answering.pk, question_id=questions["free_text"].pk, text="Faith groups"
        ),
    }


DETAIL_ROUTES = (
    "-detail",
    "-history",
    "-restore",
    "-versions",
    "-votes",
    "-decide",
    "-answers",
    "-summary",
    "-comments",
    "-accept",
    "-dismiss",
    "-publish",
    "-revoke",
    "-actors",
    "-relationships",
    "metric-runs-suggestions",
    "-designees",
    "-open",
    "-close",
    "-export",
    "-erasure",
)


def route_kwargs(route: str, method: str, world, coalition) -> dict:
    """The URL arguments of a route: the coalition, and the row a detail route names."""
    if route.startswith("api-coalition-"):
        return {} if route == "api-coalition-list" else {"coalition_id": coalition.pk}
    if route in ("api-token", "api-notification-preferences"):
        return {}
    resource = route.rsplit("-", 1)[0]
    kwargs = {"coalition_id": coalition.pk}
    if route.endswith(DETAIL_ROUTES):
        kwargs["pk"] = world["rows"][resource].pk
    if route == "reports-publish" or (route == "reports-detail" and method == "PATCH"):
        kwargs["pk"] = world["draft_report"].pk
    if route == "proposals-decide":
        kwargs["pk"] = world["closed_proposal"].pk
    if route == "comments-resolve":
        kwargs["pk"] = world["rows"]["comments"].pk
    if route == "survey-rounds-close":
        kwargs["pk"] = world["open_round"].pk
    if route.endswith("-restore"):
        kwargs["history_id"] = world["first_history"][resource]
    return kwargs


def request_bodies(world, coalition) -> dict:
    """A valid body per route (or per resource, for its list and detail routes)."""
    first, second = world["first"].pk, world["second"].pk
    today, week = timezone.localdate(), datetime.timedelta(days=7)
    soon = (timezone.now() + week).isoformat()
    return {
        "api-token": {"username": "steward", "password": "correct-horse-battery"},
        "api-coalition-list": {"name": "Another coalition"},
        "api-coalition": {"name": coalition.name, "cause": "Homes for all"},
        "actors": {"name": "Faith Alliance", "kind": "group"},
        "contact-details": {"actor": first, "kind": "email", "value": "new@example.org"},
        "assessments": {
            "actor": first,
            "stance": "passive_ally",
            "ally_kind": "natural",
            "influence": 3,
            "proximity": 2,
            "commitment": 4,
            "assessed_on": "2026-04-01",
        },
        "ties": {"source": first, "target": second, "kind": "trust", "strength": 3},
        "interactions": {
            "kind": "communication",
            "occurred_on": "2026-04-02",
            "participants": [first, second],
        },
        "roles": {"user": "newcomer", "role": "member"},
        "invitations": {"email": "someone@example.org", "role": "weaver", "days": 7},
        "api-coalition-deletion": {"confirmation": coalition.name},
        "people-erasure": {
            "mode": "pseudonymise",
            "reason": "Asked to be forgotten",
            "confirmation": world["person"].name,
        },
        "affiliations": {"person": world["person"].pk, "organisation": world["third"].pk},
        "skills": {"name": "Media work"},
        "skill-levels": {
            "actor": world["person"].pk,
            "skill": world["skill"].pk,
            "level": 3,
            "assessed_on": "2026-04-01",
        },
        "engagement-plans": {"actor": first, "ask": "Co-sign the letter", "frame": "Faith"},
        "targets": {"actor": first, "demand": "Sign the ordinance"},
        "pillars": {
            "target": world["rows"]["targets"].pk,
            "name": "Police union",
            "actor": world["third"].pk,
            "sector": "security",
        },
        # A new proximity is another actor's; a change keeps the row's actor and pillar.
        "pillar-proximities": {
            "pillar": world["rows"]["pillars"].pk,
            "actor": first,
            "proximity": 4,
        },
        "pillar-proximities-detail": {
            "pillar": world["rows"]["pillars"].pk,
            "actor": world["third"].pk,
            "proximity": 5,
        },
        "memberships": {"organisation": world["third"].pk, "phase": "connect"},
        "statements": {"title": "Homes for all, again"},
        "statements-versions": {"body": "We stand together…"},
        "principles": {"title": "Solidarity first"},
        "endorsements": {"principle": world["principle"].pk, "organisation": world["third"].pk},
        "working-groups": {"name": "Media"},
        "group-members": {"group": world["group"].pk, "actor": second},
        "actions": {"title": "Vigil", "starts_on": "2026-05-01"},
        "wins": {"title": "Ordinance tabled", "won_on": "2026-05-02"},
        "climate-shifts": {"title": "Editorial backs us", "recorded_on": "2026-05-03"},
        "metric-runs": {},
        "api-strength-settings": {"half_life_days": 90, "co_affiliation_weight": 0.5},
        "reports": {"period_start": "2026-07-01", "period_end": "2026-09-30"},
        "reports-detail": {"narrative": "A quarter of *growth*."},
        "reports-publish": {},
        "share-links": {"report": world["rows"]["reports"].pk, "expires_in_days": 7},
        "share-links-revoke": {},
        "introductions": {
            "introduced": first,
            "introduced_to": second,
            "reason": "Both organise renters",
            "introduced_on": "2026-04-01",
            "follow_up_on": "2026-04-15",
        },
        "commitments": {
            "membership": world["rows"]["memberships"].pk,
            "kind": "hours",
            "amount": "10.00",
            "due_on": "2026-06-01",
        },
        "proposals": {"title": "Adopt the platform", "rule": "majority", "closes_at": soon},
        "proposals-votes": {
            "organisation": world["member_org"].pk,
            "designee": world["designee"].pk,
            "choice": "agree",
        },
        "proposals-decide": {"outcome_note": "Carried", "review_by": "2099-01-01"},
        "health-checks": {
            "title": "Autumn",
            "opens_on": str(today),
            "closes_on": str(today + week),
        },
        "health-checks-answers": {
            "organisation": world["member_org"].pk,
            "purpose": 4,
            "participation": 3,
            "relationships": 5,
            "structures": 2,
            "coordination": 3,
        },
        "feedback-rounds": {"statement": world["statement"].pk, "closes_at": soon},
        "feedback-rounds-comments": {"paragraph": 1, "body": "Name renters first."},
        "suggestions-accept": {},
        "suggestions-dismiss": {"reason": "They already work together"},
        "saved-views": {"name": "Neutrals", "filters": {"stance": ["neutral"]}},
        "stories": {"title": "Our route", "steps": [{"caption": "The *start*", "camera": {}}]},
        "story-links": {"story": world["rows"]["stories"].pk, "expires_in_days": 7},
        "story-links-revoke": {},
        "survey-rounds": {
            "title": "Autumn mapping",
            "opens_on": str(today),
            "closes_on": str(today + week),
            "template": "classic",
        },
        "survey-rounds-open": {},
        "survey-rounds-close": {},
        "survey-questions": {
            "round": world["rows"]["survey-rounds"].pk,
            "kind": "single_choice",
            "text": "How involved are you?",
            "choices": ["Leading", "Watching"],
        },
        "notifications-read": {},
        "comments": {"actor": first, "body": "Who knows them?"},
        "comments-resolve": {},
        "statements-comments": {"paragraph": 1, "body": "Say *renters* first?"},
        "proposals-comments": {"body": "Which budget line?"},
        "actions-comments": {"body": "Who brings the banner?"},
        "api-notification-preferences": [{"kind": "vote", "delivery": "weekly"}],
        "survey-respondents": {
            "round": world["rows"]["survey-rounds"].pk,
            "person": world["designee"].pk,
            "email": "ana@example.org",
        },
    }


def request_body(route: str, method: str, bodies: dict) -> dict:
    resource = route.rsplit("-", 1)[0]
    if route in bodies:
        return bodies[route]
    if resource == "roles" and method in ("PUT", "PATCH"):
        return {"user": "weaver", "role": "organizer"}
    if method in ("POST", "PUT", "PATCH") and not route.endswith(("-restore", "-versions")):
        return bodies[resource]
    return {}


def request_for(route: str, method: str, world, coalition):
    """The URL and body of a reasonable request for a route: valid for an allowed role."""
    if route == "api-import-affiliations":  # two-mode files (networks/transfer/twomode.py)
        url = reverse(route, kwargs={"coalition_id": coalition.pk})
        return url, Multipart(file=("boards.csv", b"Person,Board\nAna Silva,Riverside Trust\n"))
    if route in TRANSFER_ROUTES:
        return transfer_request(route, coalition, world["first"].coalition.roles.first().user)
    kwargs = route_kwargs(route, method, world, coalition)
    if route.rsplit("-", 1)[0] == "endorsements" and method == "PATCH":
        return reverse(route, kwargs=kwargs), {"withdrawn": True}
    if route == "api-paths":
        return reverse(route, kwargs=kwargs) + f"?to={world['second'].pk}", {}
    if route == "targets-support":
        return reverse(route, kwargs=kwargs) + f"?actor={world['second'].pk}", {}
    if route == "api-map-colours":
        return reverse(route, kwargs=kwargs) + "?by=community", {}
    if route == "api-position":
        kwargs["actor_id"] = world["first"].pk
        return reverse(route, kwargs=kwargs), {"x": 10.5, "y": -3.0}
    return reverse(route, kwargs=kwargs), request_body(
        route, method, request_bodies(world, coalition)
    )


@pytest.mark.parametrize(
    "route,method",
    sorted((name, method) for name, methods in MATRIX.items() for method in methods),
)
def test_each_role_gets_what_the_roles_table_says(
    client, personas, coalition, world, route, method
):
    url, body = request_for(route, method, world, coalition)
    allowed = MATRIX[route][method]
    outcomes = {}
    for persona in PERSONAS:
        with transaction.atomic():
            client.logout()
            if persona != "anonymous":
                client.force_login(personas[persona])
            data, content_type = (
                body.encode()
                if isinstance(body, Multipart)
                else (_json(body) if method != "GET" else "", "application/json")
            )
            response = client.generic(
                method,
                url,
                data=data,
                content_type=content_type,
                HTTP_IF_MATCH='"1"',
            )
            outcomes[persona] = response.status_code
            transaction.set_rollback(True)
    expected = {}
    for persona, status in outcomes.items():
        if persona in allowed:
            # Every request here is valid for a role that may make it: a success.
            expected[persona] = status if 200 <= status < 300 else "2xx"
        elif persona == "anonymous":
            expected[persona] = status if status in (401, 403) else "401 or 403"
        elif persona == "outsider":
            expected[persona] = 404
        else:
            expected[persona] = 403
    assert outcomes == expected


def _json(body):
    import json

    return json.dumps(body)
