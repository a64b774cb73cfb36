"""Import through the API: preview writes nothing, confirm applies in one transaction, a
re-import updates instead of duplicating, and every bad file is named."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from allies.models import Actor, AllyAssessment
from networks.models import Tie
from networks.transfer import services
from networks.transfer.models import ImportJob, ImportStatus
from tests.allies.factories import ActorFactory
from tests.api_helpers import post
from tests.networks.transfer.files import (
    BILLION_LAUGHS,
    KUMU_CONNECTIONS,
    KUMU_ELEMENTS,
    csv_bytes,
    xlsx,
    zip_bomb,
)

pytestmark = pytest.mark.django_db


def upload(client, coalition, data, name="map.xlsx"):
    return client.post(
        f"/api/v1/coalitions/{coalition.pk}/imports/",
        {"file": SimpleUploadedFile(name, data)},
    )


def confirm(client, coalition, job_id, decisions=None):
    body = {"decisions": decisions} if decisions else {}
    return post(client, f"/api/v1/coalitions/{coalition.pk}/imports/{job_id}/confirm/", body)


def counts(coalition):
    return (
        Actor.objects.filter(coalition=coalition).count(),
        Tie.objects.filter(coalition=coalition).count(),
    )


def test_a_preview_shows_what_would_happen_and_writes_nothing(client_for, coalition):
    client = client_for("organizer")
    before = counts(coalition)
    response = upload(client, coalition, xlsx())
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "previewed"
    summary = body["summary"]
    assert summary["actors_created"] == 4 and summary["actors_updated"] == 0
    assert summary["ties_created"] == 3 and summary["errors"] == []
    assert body["can_confirm"] is True
    assert counts(coalition) == before


@pytest.fixture
def maria_lopes(coalition):
    return ActorFactory(coalition=coalition, name="Maria Lopes", kind="person")


def test_confirm_applies_the_map_and_a_reimport_updates_it(client_for, coalition, maria_lopes):
    client = client_for("organizer")
    job = upload(client, coalition, xlsx()).json()
    # "Maria Lopez" is close to the existing "Maria Lopes": suggested, and created as a new
    # actor because nobody chose to merge.
    assert [d["label"] for d in job["summary"]["duplicates"]] == ["Maria Lopez"]
    response = confirm(client, coalition, job["id"])
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "applied"
    assert counts(coalition) == (6, 3)  # with the member organisation and Maria Lopes
    union = Actor.objects.get(coalition=coalition, external_key="k1")
    assert union.name == "Tenants Union of Riverside"
    assert sorted(union.tags.values_list("name", flat=True)) == ["housing", "renters"]
    assert union.custom_fields == {"Website": "tu.example"}
    assert union.assessments.get().stance == "active_ally"
    maria = Actor.objects.get(coalition=coalition, name="Maria Lopez")
    tie = Tie.objects.get(source=maria, target=union)
    assert (tie.kind, tie.direction, tie.strength) == ("affiliation", "directed", 4)
    assert union.history.count() == 1  # created, in history

    again = upload(client, coalition, xlsx()).json()
    assert again["summary"]["actors_created"] == 0
    assert again["summary"]["actors_updated"] == 4
    assert again["summary"]["ties_created"] == 0 and again["summary"]["ties_updated"] == 3
    assert confirm(client, coalition, again["id"]).status_code == 200
    assert counts(coalition) == (6, 3)
    assert AllyAssessment.objects.filter(actor=union).count() == 1  # stance unchanged


def test_a_suggested_duplicate_can_be_merged_on_confirm(client_for, coalition, maria_lopes):
    client = client_for("organizer")
    job = upload(client, coalition, xlsx()).json()
    key = job["summary"]["duplicates"][0]["key"]
    assert confirm(client, coalition, job["id"], {key: "merge"}).status_code == 200
    assert counts(coalition) == (5, 3)
    maria_lopes.refresh_from_db()
    assert maria_lopes.name == "Maria Lopes"  # the existing name is kept
    assert maria_lopes.external_key == "k2"
    union = Actor.objects.get(coalition=coalition, external_key="k1")
    assert Tie.objects.filter(source=maria_lopes, target=union).exists()


def test_a_preview_with_row_errors_cannot_be_confirmed(client_for, coalition):
    client = client_for("organizer")
    before = counts(coalition)
    elements = [*KUMU_ELEMENTS, ["Ghost", "Robot", "", "", "k9", "friendly", ""]]
    connections = [*KUMU_CONNECTIONS, ["Maria Lopez", "Nobody", "", "", -9, "", ""]]
    body = upload(client, coalition, xlsx(elements, connections)).json()
    assert body["status"] == "previewed" and body["can_confirm"] is False
    errors = [(e["sheet"], e["row"], e["column"]) for e in body["summary"]["errors"]]
    assert errors == [
        ("Elements", 6, "Stance"),
        ("Connections", 5, "Strength"),
        ("Connections", 5, "To"),
    ]
    # A type Weft does not know is a warning, never a refusal.
    warnings = [(w["sheet"], w["row"], w["column"]) for w in body["summary"]["warnings"]]
    assert warnings == [("Elements", 6, "Type")]
    response = confirm(client, coalition, body["id"])
    assert response.status_code == 409
    assert counts(coalition) == before


def test_a_file_that_cannot_be_read_fails_with_its_reason(client_for, coalition):
    client = client_for("organizer")
    before = counts(coalition)
    cases = [
        (zip_bomb(), "bomb.xlsx", "zip bomb"),
        (BILLION_LAUGHS, "map.graphml", "DTD or entities"),
        (b"PK\x03\x04 not a zip", "map.xlsx", "not a valid XLSX"),
    ]
    for data, name, reason in cases:
        body = upload(client, coalition, data, name).json()
        assert body["status"] == "failed"
        assert reason in body["summary"]["errors"][0]["message"]
        assert confirm(client, coalition, body["id"]).status_code == 409
    assert counts(coalition) == before


def test_a_file_over_the_limit_is_refused(client_for, coalition, settings):
    settings.WEFT_IMPORT_MAX_BYTES = 1000
    response = upload(client_for("organizer"), coalition, b"Label\n" + b"x\n" * 1000, "e.csv")
    assert response.status_code == 413
    assert response.json()["field"] == "file"
    assert not ImportJob.objects.exists()


def test_an_upload_without_a_file_names_the_field(client_for, coalition):
    response = client_for("organizer").post(f"/api/v1/coalitions/{coalition.pk}/imports/", {})
    assert response.status_code == 400
    assert "file" in response.json()


@pytest.mark.parametrize(
    ("persona", "status"), [("member", 403), ("funder", 403), ("outsider", 404)]
)
def test_members_funders_and_outsiders_cannot_import(client_for, coalition, persona, status):
    assert upload(client_for(persona), coalition, xlsx()).status_code == status


def test_a_weaver_cannot_import_sensitive_items(client_for, coalition):
    elements = [["Label", "Sensitive"], ["Quiet Donor", "yes"], ["Open Org", "no"]]
    body = upload(client_for("weaver"), coalition, xlsx(elements, None)).json()
    assert body["summary"]["errors"] == [
        {
            "sheet": "Elements",
            "row": 2,
            "column": "Sensitive",
            "message": "only organizers and stewards import sensitive items",
        }
    ]


@pytest.fixture
def tasks_in_process():
    """Run tasks eagerly even when REDIS_URL is set."""
    from weft.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def test_a_large_file_is_previewed_by_a_worker_with_progress(
    client_for, coalition, monkeypatch, django_capture_on_commit_callbacks, tasks_in_process
):
    monkeypatch.setattr(services, "ASYNC_BYTES", 100)
    client = client_for("organizer")
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, coalition, xlsx())
    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    job = client.get(f"/api/v1/coalitions/{coalition.pk}/imports/{response.json()['id']}/").json()
    assert job["status"] == "previewed" and job["progress"] == 100
    assert job["summary"]["actors_created"] == 4


def test_the_confirm_refuses_a_preview_the_map_has_outgrown(client_for, coalition):
    client = client_for("organizer")
    library = ActorFactory(coalition=coalition, name="Riverside Library", kind="institution")
    ActorFactory(coalition=coalition, name="Maria Lopez", kind="person")
    connections = csv_bytes([["From", "To"], ["Maria Lopez", "Riverside Library"]])
    body = upload(client, coalition, connections, "connections.csv").json()
    assert body["can_confirm"] is True
    # Meanwhile someone deletes the library the connection goes to.
    Actor.objects.filter(pk=library.pk).delete()
    before = counts(coalition)
    response = confirm(client, coalition, body["id"])
    assert response.status_code == 409
    assert response.json()["code"] == "stale_preview"
    assert counts(coalition) == before
    job = ImportJob.objects.get(pk=body["id"])
    assert job.status == ImportStatus.PREVIEWED
    assert "'Riverside Library'" in job.summary["errors"][0]["message"]


def test_weft_json_import_keeps_assessments_and_interactions(client_for, coalition):
    import json

    document = {
        "format": "weft-map",
        "version": 1,
        "actors": [
            {
                "id": "a",
                "label": "Alpha",
                "kind": "organisation",
                "assessments": [
                    {
                        "stance": "neutral",
                        "ally_kind": "strategic",
                        "influence": 4,
                        "proximity": 2,
                        "commitment": 1,
                        "assessed_on": "2025-01-01",
                    },
                    {
                        "stance": "passive_ally",
                        "ally_kind": "strategic",
                        "influence": 4,
                        "proximity": 2,
                        "commitment": 3,
                        "assessed_on": "2025-06-01",
                    },
                ],
            },
            {"id": "b", "label": "Beta", "kind": "person"},
        ],
        "ties": [{"source": "a", "target": "b", "kind": "trust", "strength": 5}],
        "interactions": [
            {
                "kind": "one_to_one",
                "occurred_on": "2025-05-05",
                "summary": "Coffee",
                "participants": ["a", "b"],
            }
        ],
    }
    data = json.dumps(document).encode()
    client = client_for("organizer")
    for _ in range(2):  # the second time, nothing new
        body = upload(client, coalition, data, "map.json").json()
        assert confirm(client, coalition, body["id"]).status_code == 200
    alpha = Actor.objects.get(coalition=coalition, external_key="a")
    stances = list(alpha.assessments.order_by("assessed_on").values_list("stance", flat=True))
    assert stances == ["neutral", "passive_ally"]
    assert coalition.interactions.count() == 1
    assert coalition.interactions.get().participants.count() == 2


def test_a_queued_import_is_read_by_one_worker_only(coalition, personas):
    """The task claims its job with a conditional update: a second delivery of the same job
    (another task id) claims nothing while the first reads the file; a redelivery of the
    same task (its worker was lost) and a job whose lease ran out (nobody renewed it) are
    claimed again. The job stays "queued" for clients until its preview is written."""
    from django.utils import timezone

    from networks.transfer.tasks import import_claim
    from tests.networks.factories import ImportJobFactory

    job = ImportJobFactory(coalition=coalition, created_by=personas["organizer"])
    assert import_claim(job_id=job.pk, task_id="first") is True
    assert import_claim(job_id=job.pk, task_id="second") is False
    assert import_claim(job_id=job.pk, task_id="first") is True  # redelivered after a crash
    job.refresh_from_db()
    assert (job.status, job.task_id) == (ImportStatus.QUEUED, "first")
    assert import_claim(job_id=job.pk, task_id="second") is False  # its lease still runs
    over = timezone.now() - datetime.timedelta(seconds=1)
    ImportJob.objects.filter(pk=job.pk).update(lease_expires_at=over)
    assert import_claim(job_id=job.pk, task_id="second") is True
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.PREVIEWED)
    assert import_claim(job_id=job.pk, task_id="third") is False


def test_a_second_delivery_of_a_preview_task_reads_nothing(coalition, personas, monkeypatch):
    from networks.transfer import tasks
    from tests.networks.factories import ImportJobFactory

    job = ImportJobFactory(coalition=coalition, created_by=personas["organizer"])
    assert tasks.import_claim(job_id=job.pk, task_id="first")  # a worker reads it meanwhile
    read = []
    monkeypatch.setattr(tasks, "import_job_preview", lambda **kwargs: read.append(kwargs))
    assert tasks.preview_import.apply(args=[job.pk]).get() == "skipped"
    assert read == []


ONODO_NODES = [["Name", "Type", "Description", "Visible"], ["Anakin", "sith", "A Jedi", 1]]
ONODO_RELATIONS = [["Source", "Type", "Target", "Directed"], ["Anakin", "father of", "Luke", 1]]


def test_onodo_and_littlesis_templates_import_by_their_own_column_names(client_for, coalition):
    client = client_for("organizer")
    nodes = [*ONODO_NODES, ["Luke", "jedi", "", 1]]
    body = upload(client, coalition, xlsx(nodes, ONODO_RELATIONS, names=("Nodes", "Relations")))
    summary = body.json()["summary"]
    assert summary["errors"] == [] and summary["actors_created"] == 2
    assert "Onodo's template" in summary["warnings"][0]["message"]
    assert confirm(client, coalition, body.json()["id"]).status_code == 200
    tie = Tie.objects.get(coalition=coalition, source__name="Anakin", target__name="Luke")
    assert (tie.direction, tie.kind, tie.type_label) == ("directed", "other", "father of")
    anakin = Actor.objects.get(coalition=coalition, name="Anakin")
    assert anakin.type_label == "sith" and anakin.custom_fields == {"Visible": 1}
    entities = csv_bytes(
        [["id", "name", "primary_ext", "blurb"], ["7", "Acme Corp", "Org", "Makes things"]]
    )
    relationships = csv_bytes(
        [["entity1_id", "entity2_id", "category_id", "amount"], ["7", "Anakin", "5", "1000"]]
    )
    for name, data in (("entities.csv", entities), ("relationships.csv", relationships)):
        body = upload(client, coalition, data, name).json()
        assert body["summary"]["errors"] == [], body["summary"]["errors"]
        assert confirm(client, coalition, body["id"]).status_code == 200
    acme = Actor.objects.get(coalition=coalition, external_key="7")
    assert (acme.name, acme.kind, acme.description) == ("Acme Corp", "organisation", "Makes things")
    donation = Tie.objects.get(coalition=coalition, source=acme)
    assert (donation.kind, donation.type_label, donation.custom_fields) == (
        "funding",
        "Donation",
        {"amount": 1000},
    )


def test_a_csv_s_columns_are_mapped_in_the_preview_and_remembered(client_for, coalition):
    client = client_for("organizer")
    rows = [["Organisation", "Sort", "Notes"], ["Riverside Food Bank", "charity", "Tuesdays"]]
    body = upload(client, coalition, csv_bytes(rows), "groups.csv").json()
    assert [e["column"] for e in body["summary"]["errors"]] == ["Label"]
    assert body["summary"]["columns"] == ["Organisation", "Sort", "Notes"]
    path = f"/api/v1/coalitions/{coalition.pk}/imports/{body['id']}/columns/"
    wrong = post(client, path, {"columns": {"Organisation": "Label", "Nope": "Type"}})
    assert wrong.status_code == 400 and wrong.json()["field"] == "columns"
    assert "'Nope'" in wrong.json()["detail"]
    mapped = post(client, path, {"columns": {"Organisation": "Label", "Sort": "Type"}})
    assert mapped.status_code == 200, mapped.json()
    summary = mapped.json()["summary"]
    assert summary["errors"] == [] and summary["actors_created"] == 1
    assert summary["column_mapping"] == {"Organisation": "Label", "Sort": "Type"}
    assert confirm(client, coalition, body["id"]).status_code == 200
    bank = Actor.objects.get(coalition=coalition, name="Riverside Food Bank")
    assert (bank.kind, bank.custom_fields) == ("organisation", {"Notes": "Tuesdays"})
    # The next file with the same columns is read the same way without asking.
    again = [rows[0], ["Northside Pantry", "charity", ""]]
    body = upload(client, coalition, csv_bytes(again), "more.csv").json()
    assert body["summary"]["errors"] == [] and body["summary"]["actors_created"] == 1
    assert any("as mapped" in w["message"] for w in body["summary"]["warnings"])
