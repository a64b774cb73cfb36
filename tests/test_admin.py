"""The Django admin covers every model of the three apps, every page of it opens, changelists
do not grow a query per row, and personal data stays out of changelists."""

import datetime

import pytest
from django.apps import apps
from django.contrib import admin
from django.core import checks
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalChanges

from allies.models import (
    ContactDetail,
)
from coalitions.align.models import (
    Signature,
)
from coalitions.models import AuditEntry
from coalitions.reports.models import Report, ShareLink
from coalitions.services import coalition_create
from coalitions.stewardship.models import Invitation
from coalitions.surveys.models import SurveyAcceptance
from networks.map.models import LayoutRun, StoryLink
from networks.metrics.models import ActorMetric, MetricRun, RelationshipMetric
from networks.metrics.services import metric_run_execute, metric_run_request
from networks.models import Suggestion
from tests.allies.factories import (
    ActorFactory,
    AffiliationFactory,
    AllyAssessmentFactory,
    ContactDetailFactory,
    EngagementPlanFactory,
    SkillFactory,
    SkillLevelFactory,
    TagFactory,
)
from tests.coalitions.factories import (
    ActionFactory,
    ClimateShiftFactory,
    CommitmentFactory,
    EndorsementFactory,
    FeedbackCommentFactory,
    FeedbackRoundFactory,
    GroupMemberFactory,
    HealthCheckAnswerFactory,
    HealthCheckRoundFactory,
    IntroductionFactory,
    MembershipFactory,
    PhaseMoveFactory,
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
    VoteFactory,
    WinFactory,
    WorkingGroupFactory,
)
from tests.networks.factories import (
    ActorMergeFactory,
    ActorPositionFactory,
    ImportJobFactory,
    InteractionFactory,
    InteractionParticipantFactory,
    SavedViewFactory,
    StoryFactory,
    StoryLinkFactory,
    SuggestionFactory,
    TieFactory,
)
from weft.vocabulary import ActorKind, AllyKind, ContactKind, InteractionKind, MemberPhase, Stance

APPS = ("allies", "coalitions", "networks")
READ_ONLY = {
    AuditEntry,
    MetricRun,
    ActorMetric,
    RelationshipMetric,
    Suggestion,
    Report,
    ShareLink,
    Invitation,
    LayoutRun,
    StoryLink,
    SurveyAcceptance,
}

REGISTERED = sorted(
    (model for model in admin.site._registry if model._meta.app_label in APPS),
    key=lambda model: model._meta.label,
)


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def populate(user, suffix: str) -> dict:
    """One coalition with at least one row of every model of the three apps."""
    today = datetime.date(2025, 3, 1)
    now = timezone.now()
    coalition = coalition_create(name=f"Coalition {suffix}", created_by=user)
    tag = TagFactory(coalition=coalition, name=f"tag {suffix}")
    org = ActorFactory(
        coalition=coalition, name=f"Tenants Union {suffix}", kind=ActorKind.ORGANISATION
    )
    person = ActorFactory(coalition=coalition, name=f"Ada {suffix}", kind=ActorKind.PERSON)
    person.tags.add(tag)
    official = ActorFactory(coalition=coalition, name=f"Mayor {suffix}", kind=ActorKind.OFFICIAL)
    contact = ContactDetailFactory(
        actor=person,
        kind=ContactKind.EMAIL,
        value=f"planted-secret-{suffix}@example.org",
        label="work",
        is_primary=True,
    )
    EngagementPlanFactory(
        actor=official, messenger=person, owner=user, ask="Vote yes", next_step_on=today
    )
    AffiliationFactory(person=person, organisation=org, role_title="Chair", is_lead=True)
    Invitation.objects.create(
        coalition=coalition,
        email=f"invitee-{suffix}@example.org",
        role="organizer",
        token_hash=f"{suffix:0>64}"[-64:],
        expires_at=now,
    )
    skill = SkillFactory(coalition=coalition, name=f"Facilitation {suffix}")
    SkillLevelFactory(actor=person, skill=skill, level=3, assessed_on=today, recorded_by=user)
    AllyAssessmentFactory(
        actor=official,
        stance=Stance.NEUTRAL,
        ally_kind=AllyKind.STRATEGIC,
        influence=5,
        proximity=5,
        commitment=2,
        assessed_on=today,
        assessed_by=user,
    )
    target = TargetFactory(coalition=coalition, actor=official, demand="Rent control")
    pillar = PillarFactory(target=target, name=f"Chamber {suffix}", actor=org, sector="business")
    PillarProximityFactory(pillar=pillar, actor=person, proximity=4)
    membership = MembershipFactory(
        coalition=coalition, organisation=org, designee=person, phase=MemberPhase.CONNECT
    )
    PhaseMoveFactory(
        membership=membership,
        from_phase=MemberPhase.PROSPECT,
        to_phase=MemberPhase.CONNECT,
        moved_by=user,
        moved_at=now,
    )
    statement = UnityStatementFactory(
        coalition=coalition, title=f"Homes for all {suffix}", created_by=user
    )
    version = StatementVersionFactory(
        statement=statement, number=1, body="We stand together.", created_by=user
    )
    feedback_round = FeedbackRoundFactory(
        version=version,
        opened_by=user,
        opened_at=now,
        closes_at=now + datetime.timedelta(days=7),
    )
    FeedbackCommentFactory(
        round=feedback_round, paragraph=1, author=user, organisation=org, body="Agreed."
    )
    signature = SignatureFactory(
        version=version,
        organisation=org,
        organisation_name=org.name,
        signer_name="Ada Lovelace",
        signer_email=f"signer-secret-{suffix}@example.org",
    )
    principle = PrincipleFactory(coalition=coalition, title=f"Solidarity {suffix}")
    EndorsementFactory(principle=principle, organisation=org, endorsed_by=user, endorsed_at=now)
    group = WorkingGroupFactory(coalition=coalition, name=f"Outreach {suffix}")
    GroupMemberFactory(group=group, actor=person, is_lead=True)
    action = ActionFactory(
        coalition=coalition, title=f"March {suffix}", starts_on=today, working_group=group
    )
    action.leaders.add(org)
    action.participants.add(person)
    WinFactory(coalition=coalition, title=f"Win {suffix}", won_on=today).actions.add(action)
    ClimateShiftFactory(
        coalition=coalition, title=f"Shift {suffix}", recorded_on=today
    ).actions.add(action)
    TieFactory(coalition=coalition, source=org, target=person, strength=4)
    interaction = InteractionFactory(
        coalition=coalition,
        kind=InteractionKind.ONE_TO_ONE,
        occurred_on=today,
        summary="Coffee",
        action=action,
        working_group=group,
        recorded_by=user,
    )
    InteractionParticipantFactory(interaction=interaction, actor=person)
    InteractionParticipantFactory(interaction=interaction, actor=org)
    ActorPositionFactory(actor=person, x=1.0, y=2.0)
    run, _ = metric_run_request(coalition_id=coalition.pk, queue=False)
    run = metric_run_execute(run_id=run.pk)
    SuggestionFactory(
        run=run,
        coalition=coalition,
        kind="periphery",
        actor=official,
        other=org,
        score=0.5,
        reason="on the edge of the network",
    )
    report = ReportFactory(coalition=coalition, period_start=today, period_end=today)
    ShareLinkFactory(
        report=report, token_hash=f"{suffix:0>64}", expires_at=now + datetime.timedelta(days=1)
    )
    # The weaver's workflow (issue 7)
    IntroductionFactory(
        coalition=coalition,
        introduced=org,
        introduced_to=official,
        reason="Rents",
        introduced_on=today,
        interaction=interaction,
    )
    CommitmentFactory(membership=membership, kind="hours", amount=10, due_on=today)
    proposal = ProposalFactory(
        coalition=coalition, title=f"Proposal {suffix}", rule="consent", closes_at=now
    )
    VoteFactory(proposal=proposal, organisation=org, designee=person, choice="agree", cast_at=now)
    health_round = HealthCheckRoundFactory(
        coalition=coalition, title=f"Round {suffix}", opens_on=today, closes_on=today
    )
    HealthCheckAnswerFactory(
        round=health_round,
        organisation=org,
        purpose=4,
        participation=3,
        relationships=4,
        structures=2,
        coordination=3,
        answered_at=now,
    )
    ImportJobFactory(coalition=coalition, created_by=user, filename=f"one {suffix}.xlsx")
    from networks.transfer.models import ColumnMapping

    ColumnMapping.objects.create(
        coalition=coalition,
        header=f"organisation\tsort {suffix}",
        columns={"Organisation": "Label"},
    )
    ActorMergeFactory(
        coalition=coalition, kept=org, merged_actor_id=10**6, merged_name=f"one {suffix}"
    )
    SavedViewFactory(coalition=coalition, name=f"view {suffix}", created_by=user)
    LayoutRun.objects.create(
        coalition=coalition, started_at=now, finished_at=now, actors=3, moved=3, seconds=0.1
    )
    story = StoryFactory(coalition=coalition, title=f"story {suffix}", created_by=user)
    StoryLinkFactory(story=story, token_hash=f"{suffix:0>63}s"[-64:])
    _survey_rows(coalition, org, person, official, today)
    _notification_rows(coalition, user)
    return {"coalition": coalition, "contact": contact, "signature": signature}


def _notification_rows(coalition, user) -> None:
    """A notification and an email preference (#22)."""
    from coalitions.notifications.models import Notification, NotificationPreference

    Notification.objects.create(
        user=user, coalition=coalition, kind="vote", title="Vote open", path="/"
    )
    taken = set(NotificationPreference.objects.filter(user=user).values_list("kind", flat=True))
    kind = next(k for k in ("vote", "report", "survey") if k not in taken)
    NotificationPreference.objects.create(user=user, kind=kind, delivery="weekly")
    from networks.comments.models import Comment

    actor = coalition.actors.first()
    Comment.objects.create(coalition=coalition, actor=actor, author=user, body="Ask them")


def _survey_rows(coalition, org, person, official, today) -> None:
    """A relationship survey round with one row of each of its models (#21)."""
    from coalitions.surveys.models import (
        RelationshipAnswer,
        SurveyAcceptance,
        SurveyAnswer,
        SurveyQuestion,
        SurveyRespondent,
        SurveyRound,
    )

    survey_round = SurveyRound.objects.create(
        coalition=coalition, title="Mapping", opens_on=today, closes_on=today
    )
    grid = SurveyQuestion.objects.create(round=survey_round, kind="relationship_grid", text="Who?")
    text = SurveyQuestion.objects.create(round=survey_round, kind="free_text", text="Missing?")
    respondent = SurveyRespondent.objects.create(
        round=survey_round, organisation=org, person=person
    )
    SurveyAnswer.objects.create(respondent=respondent, question=text, text="Faith groups")
    RelationshipAnswer.objects.create(
        respondent=respondent, question=grid, actor=official, strength=3
    )
    SurveyAcceptance.objects.create(survey_round=survey_round, pending=1, status="applied")


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(
        username="root", email="root@example.org", password="correct-horse-battery"
    )


@pytest.fixture
def data(superuser):
    return populate(superuser, "one")


@pytest.fixture
def admin_client_(client, superuser):
    client.force_login(superuser)
    return client


def test_every_model_of_the_three_apps_is_registered():
    missing = [
        model._meta.label
        for label in APPS
        for model in apps.get_app_config(label).get_models()
        # History rows are read through their item (the API's history endpoints).
        if not admin.site.is_registered(model) and not issubclass(model, HistoricalChanges)
    ]
    assert missing == [], f"models without an admin: {missing}"


def test_admin_system_checks_pass():
    """autocomplete_fields need search_fields on the target admin, list_display names must
    exist, and so on: Django's own admin checks."""
    errors = [e for e in checks.run_checks(tags=[checks.Tags.admin]) if e.is_serious()]
    assert errors == []


@pytest.mark.django_db
@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_changelist_opens_with_and_without_search(admin_client_, data, model):
    assert model._default_manager.exists(), f"populate() makes no {model._meta.label} row"
    for query in ("", "?q=x", "?q=one"):
        response = admin_client_.get(admin_url(model, "changelist") + query)
        assert response.status_code == 200, (model._meta.label, query)


@pytest.mark.django_db
@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_add_page_opens_unless_forbidden(admin_client_, model):
    response = admin_client_.get(admin_url(model, "add"))
    assert response.status_code == (403 if model in READ_ONLY else 200)


@pytest.mark.django_db
@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_change_page_opens(admin_client_, data, model):
    obj = model._default_manager.first()
    response = admin_client_.get(admin_url(model, "change", obj.pk))
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_changelist_queries_do_not_grow_with_rows(admin_client_, superuser, data, model):
    url = admin_url(model, "changelist")
    admin_client_.get(url)  # warm caches (content types, session)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert admin_client_.get(url).status_code == 200
        return len(queries)

    before = count()
    populate(superuser, "two")
    assert model._default_manager.count() > 1
    assert count() == before, f"{model._meta.label} changelist does a query per row"


@pytest.mark.django_db
def test_contact_detail_changelist_hides_the_value(admin_client_, data):
    contact = data["contact"]
    response = admin_client_.get(admin_url(ContactDetail, "changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert contact.actor.name in html  # the row is there…
    assert contact.value not in html  # …but not the personal data


@pytest.mark.django_db
def test_contact_detail_is_searchable_by_value(admin_client_, data):
    contact = data["contact"]
    response = admin_client_.get(admin_url(ContactDetail, "changelist"), {"q": "planted-secret"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [contact]


@pytest.mark.django_db
def test_signature_changelist_hides_the_signer_email(admin_client_, data):
    signature = data["signature"]
    response = admin_client_.get(admin_url(Signature, "changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert signature.organisation_name in html
    assert signature.signer_email not in html


@pytest.mark.django_db
def test_audit_log_is_read_only(admin_client_, data):
    entry = AuditEntry.objects.first()
    assert admin_client_.get(admin_url(AuditEntry, "add")).status_code == 403
    assert admin_client_.get(admin_url(AuditEntry, "delete", entry.pk)).status_code == 403

    response = admin_client_.post(
        admin_url(AuditEntry, "change", entry.pk), {"action": "export", "details": "{}"}
    )
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.action != "export"

    changelist = admin_client_.get(admin_url(AuditEntry, "changelist"))
    assert changelist.status_code == 200
    assert admin_url(AuditEntry, "add") not in changelist.content.decode()
