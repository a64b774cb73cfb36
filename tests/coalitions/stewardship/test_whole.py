"""A coalition leaving Weft (#20): a steward downloads everything it holds (history included)
and deletes it with a typed confirmation; afterwards no table holds a row of it, another
coalition's rows are all still there, and the audit log keeps the deletion without the
coalition's name."""

import json

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coalitions.models import AuditAction, AuditEntry, Coalition, Role, RoleName
from coalitions.notifications.services import SEND_IMMEDIATE_TASK
from coalitions.reports.models import ShareLink
from coalitions.reports.views import SHARED_SESSION_KEY
from coalitions.services import LAYOUT_TASK, METRICS_TASK, role_grant
from coalitions.stewardship.ownership import (
    OUTBOX_COALITION_TASKS,
    OUTBOX_IMPORT_TASKS,
    SESSION_INVITATION,
    SESSION_SHARED_LINKS,
    SESSION_STORY_LINKS,
    SESSION_SURVEY_LINK,
    is_history,
    owned_models,
    owned_rows,
)
from coalitions.stewardship.views import INVITATION_SESSION_KEY
from coalitions.stewardship.whole import EXPORT_FORMAT, name_hash
from coalitions.surveys.models import SurveyAcceptance
from coalitions.surveys.views import SURVEY_SESSION_KEY
from networks.comments.models import Comment
from networks.map.models import LayoutRun
from networks.map.views import STORY_LINKS_SESSION_KEY
from networks.metrics.models import RelationshipMetric
from networks.transfer.models import ColumnMapping
from networks.transfer.services import CONFIRM_TASK, PREVIEW_TASK
from tests.allies.factories import ActorFactory, ContactDetailFactory, TagFactory
from tests.coalitions.factories import (
    ActionFactory,
    ClimateShiftFactory,
    FeedbackCommentFactory,
    HealthCheckAnswerFactory,
    MembershipFactory,
    PhaseMoveFactory,
    ReportFactory,
    ShareLinkFactory,
    VoteFactory,
    WinFactory,
)
from tests.networks.factories import (
    ActorMergeFactory,
    ActorMetricFactory,
    ActorPositionFactory,
    ImportJobFactory,
    MetricRunFactory,
    TieFactory,
)
from tests.test_api_permissions import world  # noqa: F401 - fixture
from weft.models import OutboxMessage
from weft.vocabulary import ActorKind

pytestmark = pytest.mark.django_db

# Values only the deleted coalition holds (the world fixture's): none may be left anywhere.
ITS_VALUES = ["Faith Alliance", "faith@example.org", "Rosa Diaz", "Housing for All"]

METRIC = {
    "degree": 1,
    "weighted_degree": 1.0,
    "betweenness": 0.0,
    "weighted_betweenness": 0.0,
    "closeness": 0.0,
    "pagerank": 0.5,
    "core_number": 1,
    "reach": 0.0,
    "community": 0,
    "is_broker": False,
    "is_peripheral": False,
}


@pytest.fixture
def full(world, coalition, personas):  # noqa: F811
    """The world fixture's coalition with a row in every table that can hold one of it."""
    first, second, org = world["first"], world["second"], world["member_org"]
    rows = world["rows"]
    first.tags.add(TagFactory(coalition=coalition, name="faith"))
    action = rows["actions"]
    action.leaders.add(first)
    action.participants.add(second)
    rows["wins"].actions.add(action)
    rows["climate-shifts"].actions.add(action)
    FeedbackCommentFactory(round=rows["feedback-rounds"], body="Name renters first.")
    HealthCheckAnswerFactory(round=rows["health-checks"], organisation=org)
    PhaseMoveFactory(membership=rows["memberships"], to_phase="commit")
    VoteFactory(proposal=rows["proposals"], organisation=org, designee=world["designee"])
    ActorMergeFactory(coalition=coalition, kept=first)
    run = rows["metric-runs"]
    ActorMetricFactory(run=run, actor=first, **METRIC)
    RelationshipMetric.objects.create(
        run=run, source=first, target=second, evidence=1, observed=1, strength=1, is_inferred=False
    )
    position = ActorPositionFactory(actor=first, x=1.0, y=2.0)
    position.x = 3.0
    position.save()  # a second history row
    ColumnMapping.objects.create(coalition=coalition, header="name,email", columns={})
    ImportJobFactory(coalition=coalition, content=b"Name\nFaith Alliance\n", size=20)
    now = timezone.now()
    LayoutRun.objects.create(coalition=coalition, started_at=now, finished_at=now)
    SurveyAcceptance.objects.create(survey_round=rows["survey-rounds"], pending=1, status="applied")
    rows["comments"].mentions.add(personas["weaver"])
    first.name = "Faith Alliance"
    first.description = "Churches together"
    first.save()  # another history row
    OutboxMessage.objects.create(
        task_name=LAYOUT_TASK, args=[coalition.pk], kwargs={}, created_at=now, available_at=now
    )
    return coalition


@pytest.fixture
def other(make_user):
    """Another coalition, with rows in the main tables, history and a role for the outsider
    (whose account must therefore stay)."""
    steward = make_user("other-steward")
    from coalitions.services import coalition_create

    theirs = coalition_create(name="Tenants Abroad", created_by=steward, cause="Fair rents")
    outsider = get_user_model().objects.get(username="outsider")
    role_grant(coalition=theirs, user=outsider, role=RoleName.ORGANIZER, granted_by=steward)
    harbour = ActorFactory(coalition=theirs, name="Harbour Collective", kind=ActorKind.GROUP)
    lee = ActorFactory(coalition=theirs, name="Lee Chen", kind=ActorKind.PERSON)
    harbour.description = "Dockers"
    harbour.save()
    TieFactory(coalition=theirs, source=harbour, target=lee)
    ContactDetailFactory(actor=lee, kind="email", value="lee@example.net")
    harbour.tags.add(TagFactory(coalition=theirs, name="port"))
    PhaseMoveFactory(membership=MembershipFactory(coalition=theirs, organisation=harbour))
    ShareLinkFactory(report=ReportFactory(coalition=theirs))
    ActorMetricFactory(run=MetricRunFactory(coalition=theirs), actor=harbour, **METRIC)
    ActionFactory(coalition=theirs).leaders.add(lee)
    WinFactory(coalition=theirs)
    ClimateShiftFactory(coalition=theirs)
    Comment.objects.create(coalition=theirs, actor=harbour, author=steward, body="Call them")
    ImportJobFactory(coalition=theirs)
    now = timezone.now()
    OutboxMessage.objects.create(
        task_name=LAYOUT_TASK, args=[theirs.pk], kwargs={}, created_at=now, available_at=now
    )
    return theirs


def signed_in(user) -> str:
    client = Client()
    client.force_login(user)
    return client.session.session_key


def visitor(data: dict) -> str:
    store = SessionStore()
    store.update(data)
    store.create()
    return store.session_key


def world_link(coalition) -> int:
    return ShareLink.objects.filter(report__coalition=coalition).values_list("pk", flat=True)[0]


def every_row() -> dict[str, set]:
    """Every row's key in every table of the project (history and many-to-many tables,
    accounts and the outbox included)."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or model._meta.label == "sessions.Session":  # sign-ins write
            continue
        key = model._meta.pk.attname
        rows[model._meta.label] = set(model._base_manager.values_list(key, flat=True))
    return rows


def owned_keys(coalition_id: int) -> dict[str, set]:
    return {
        model._meta.label: set(
            owned_rows(model, coalition_id).values_list(model._meta.pk.attname, flat=True)
        )
        for model in owned_models()
    }


def text_holding(values) -> list[tuple[str, str]]:
    """(table, value) wherever a text or JSON column holds one of ``values``."""
    wanted = [v.casefold() for v in values]
    found = []
    for model in apps.get_models(include_auto_created=True):
        columns = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if not columns:
            continue
        for row in model._base_manager.values_list(*columns).iterator():
            text = json.dumps(row, default=str).casefold()
            found += [(model._meta.db_table, v) for v in wanted if v in text]
    return found


def download(response) -> dict:
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    return json.loads(b"".join(response.streaming_content))


# -- Export -----------------------------------------------------------------------------------


def test_every_table_that_can_hold_a_coalitions_rows_is_filled_by_the_fixture(full):
    empty = [m._meta.label for m in owned_models() if not owned_rows(m, full.pk).exists()]
    assert empty == []
    assert any(is_history(m) for m in owned_models())


def test_the_export_holds_every_row_of_the_coalition_with_its_history_and_nothing_else(
    client_for, full, other
):
    theirs = owned_keys(other.pk)
    ours = owned_keys(full.pk)
    document = download(client_for("steward").get(reverse("api-export-whole", args=[full.pk])))
    entry = AuditEntry.objects.filter(coalition=full, action=AuditAction.EXPORT).latest("id")
    ours["coalitions.AuditEntry"].add(entry.pk)  # the export's own entry, written first
    assert document["format"] == EXPORT_FORMAT and document["coalition"] == full.pk
    tables = document["tables"]
    assert set(tables) == {m._meta.label for m in owned_models()}
    for model in owned_models():
        label, key = model._meta.label, model._meta.pk.name
        exported = {row[key] for row in tables[label]}
        assert exported == ours[label], label
        assert exported, f"{label} exported no row"
        assert not exported & theirs[label], f"{label} holds the other coalition's rows"
    historical = {label for label in tables if ".Historical" in label}
    assert "allies.HistoricalActor" in historical and len(historical) >= 15
    names = {row["name"] for row in tables["allies.HistoricalActor"]}
    assert "Faith Alliance" in names and "Harbour Collective" not in names
    job = tables["networks.ImportJob"][0]
    assert job["content"] == {"base64": "TmFtZQpGYWl0aCBBbGxpYW5jZQo="}
    text = json.dumps(document)
    assert "Harbour Collective" not in text and "lee@example.net" not in text
    assert entry.details["what"] == "whole_coalition" and entry.details["format"] == "json"
    assert entry.details["rows"] == sum(len(rows) for rows in ours.values()) - 1
    assert entry.details["tables"] == len(tables)


def test_the_settings_page_offers_the_download(client_for, full):
    client = client_for("steward")
    page = client.get(reverse("settings-leave", args=[full.pk])).content.decode()
    link = reverse("settings-leave-export", args=[full.pk])
    assert f'href="{link}"' in page and "Download everything" in page
    document = download(client.get(link))
    assert document["tables"]["coalitions.Coalition"][0]["name"] == "Housing for All"


# -- Deletion ---------------------------------------------------------------------------------


def test_deleting_the_coalition_leaves_no_row_of_it_and_every_other_row_in_place(
    client_for, full, other, personas
):
    ours = owned_keys(full.pk)
    theirs_before = owned_keys(other.pk)
    sessions = {
        "organizer": signed_in(personas["organizer"]),  # an account deleted with it
        "outsider": signed_in(personas["outsider"]),  # an organizer elsewhere: stays
        "share": visitor({SESSION_SHARED_LINKS: {str(world_link(full)): "a-token"}}),
        "other share": visitor({SESSION_SHARED_LINKS: {str(world_link(other)): "b-token"}}),
    }
    before = every_row()
    client = client_for("steward")
    preview = client.get(reverse("api-coalition-deletion", args=[full.pk])).json()
    assert preview["rows"] >= sum(len(keys) for keys in ours.values())

    response = client.post(
        reverse("api-coalition-deletion", args=[full.pk]),
        {"confirmation": "  housing for  ALL "},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["rows"] == preview["rows"]
    after = every_row()
    # Not one of its rows is left, in any table (history tables included)...
    for label, keys in ours.items():
        assert not keys & after[label], f"{label} still holds rows of the coalition"
    assert not Coalition.objects.filter(pk=full.pk).exists()
    for model in apps.get_models(include_auto_created=True):
        columns = {f.column for f in model._meta.concrete_fields}
        if "coalition_id" in columns:
            assert not model._base_manager.filter(coalition_id=full.pk).exists(), model
    assert text_holding(ITS_VALUES) == []
    assert not OutboxMessage.objects.filter(args__0=full.pk, task_name=LAYOUT_TASK).exists()
    # ... and every other row is where it was: the other coalition's, history included.
    assert owned_keys(other.pk) == theirs_before
    users = get_user_model()
    gone_accounts = {personas[r].pk for r in ("organizer", "weaver", "member", "funder")}
    for label, keys in before.items():
        expected = keys - ours.get(label, set())
        if label == users._meta.label:
            expected -= gone_accounts
        if label == OutboxMessage._meta.label:
            expected = {k for k in expected if OutboxMessage.objects.filter(pk=k).exists()}
            assert OutboxMessage.objects.filter(args__0=other.pk).exists()
        assert after[label] >= expected, f"{label} lost rows of others"
        if label not in (users._meta.label, "coalitions.AuditEntry"):
            assert after[label] == expected, label
    # The accounts that existed only for it are gone; the steward's and the outsider's (who
    # is an organizer elsewhere) stay.
    assert set(users.objects.filter(pk__in=gone_accounts)) == set()
    assert users.objects.filter(pk=personas["steward"].pk, is_active=True).exists()
    assert users.objects.filter(pk=personas["outsider"].pk).exists()
    assert Role.objects.filter(coalition=other, user=personas["outsider"]).exists()
    # The sessions that held one of its links or an account deleted with it are gone.
    kept = set(Session.objects.values_list("session_key", flat=True))
    assert {name for name, key in sessions.items() if key in kept} == {"outsider", "other share"}
    # The one row it leaves: the audit entry, with no name in it.
    entry = AuditEntry.objects.get(action=AuditAction.COALITION_DELETED)
    assert entry.coalition is None and entry.user == personas["steward"]
    assert entry.details["coalition_id"] == full.pk
    assert entry.details["name_hash"] == name_hash("Housing for All")
    assert entry.details["rows"] == preview["rows"]
    assert "Housing" not in json.dumps(entry.details)


def test_a_wrong_name_deletes_nothing_and_names_the_field(client_for, full, personas):
    before = every_row()
    response = client_for("steward").post(
        reverse("api-coalition-deletion", args=[full.pk]),
        {"confirmation": "Housing for Some"},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "confirmation" and "confirmation" in body
    missing = client_for("steward").post(
        reverse("api-coalition-deletion", args=[full.pk]), {}, content_type="application/json"
    )
    assert missing.status_code == 400 and "confirmation" in missing.json()
    assert every_row() == before
    assert not AuditEntry.objects.filter(action=AuditAction.COALITION_DELETED).exists()


def test_the_page_shows_what_goes_and_deletes_with_the_typed_name(client_for, full):
    client = client_for("steward")
    url = reverse("settings-leave", args=[full.pk])
    page = client.get(url).content.decode()
    total = sum(len(keys) for keys in owned_keys(full.pk).values())
    assert "rows in" in page and "tables" in page
    assert 'id="coalition-deletion-form"' in page
    shown = int(page.split("<strong>", 1)[1].split(" rows in", 1)[0])
    assert shown >= total

    wrong = client.post(url, {"confirmation": "Housing"})
    assert wrong.status_code == 400
    assert 'id="id_confirmation-errors"' in wrong.content.decode()
    assert Coalition.objects.filter(pk=full.pk).exists()

    done = client.post(url, {"confirmation": "Housing for All"}, follow=True)
    assert done.redirect_chain[-1][0] == reverse("coalition-list")
    assert "Coalition deleted" in done.content.decode()
    assert not Coalition.objects.filter(pk=full.pk).exists()


@pytest.mark.parametrize("role", ["organizer", "weaver", "member", "funder", "outsider"])
def test_only_stewards_delete_or_download(client_for, coalition, role):
    client = client_for(role)
    expected = 404 if role == "outsider" else 403
    url = reverse("settings-leave", args=[coalition.pk])
    assert client.post(url, {"confirmation": "Housing for All"}).status_code == expected
    api = reverse("api-coalition-deletion", args=[coalition.pk])
    body = {"confirmation": "Housing for All"}
    assert client.post(api, body, content_type="application/json").status_code == expected
    assert Coalition.objects.filter(pk=coalition.pk).exists()
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()
    for name in ("settings-leave-export", "api-export-whole"):
        assert client.get(reverse(name, args=[coalition.pk])).status_code == expected
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_outbox_tasks_and_session_keys_are_those_the_app_uses():
    assert set(OUTBOX_COALITION_TASKS) == {LAYOUT_TASK, METRICS_TASK, SEND_IMMEDIATE_TASK}
    assert set(OUTBOX_IMPORT_TASKS) == {PREVIEW_TASK, CONFIRM_TASK}
    assert SESSION_SHARED_LINKS == SHARED_SESSION_KEY
    assert SESSION_STORY_LINKS == STORY_LINKS_SESSION_KEY
    assert SESSION_SURVEY_LINK == SURVEY_SESSION_KEY
    assert SESSION_INVITATION == INVITATION_SESSION_KEY


def test_history_rows_whose_live_row_is_gone_are_found_through_the_parents_history(coalition):
    actor = ActorFactory(coalition=coalition, name="Gone Group", kind=ActorKind.GROUP)
    contact = ContactDetailFactory(actor=actor, kind="email", value="gone@example.org")
    history = type(contact).history.model
    contact.delete()
    actor.delete()  # both live rows gone; their history rows stay
    assert owned_rows(history, coalition.pk).filter(value="gone@example.org").exists()
