"""Exports: round trips through every format, what each role's export holds, the audit log,
files Gephi, NetworkX and igraph open, and each sent as it is written (streamed)."""

import csv
import datetime
import io
import json
import zipfile
from pathlib import Path

import igraph
import networkx
import pytest
from django.utils import timezone
from lxml import etree

from allies.models import Actor
from coalitions import roles
from coalitions.models import AuditAction, AuditEntry
from coalitions.services import coalition_create
from networks.models import InteractionParticipant, Tie
from networks.transfer.selectors import map_export
from networks.transfer.services import coalition_export, import_confirm, import_preview
from networks.transfer.values import neutralise_formula
from networks.transfer.writers import connection_rows, element_rows
from tests.allies.factories import (
    ActorFactory,
    AllyAssessmentFactory,
    ContactDetailFactory,
    TagFactory,
)
from tests.networks.factories import (
    ActorMetricFactory,
    InteractionFactory,
    MetricRunFactory,
    SavedViewFactory,
    TieFactory,
)
from weft.vocabulary import ActorKind

pytestmark = pytest.mark.django_db

GEXF_SCHEMA = Path(__file__).resolve().parents[2] / "data" / "gexf-1.3.xsd"
FILE_NAMES = {
    "xlsx": "map.xlsx",
    "csv": "map.zip",
    "json": "map.json",
    "graphml": "map.graphml",
    "gexf": "map.gexf",
}


@pytest.fixture
def mapped(coalition, personas, member_org):
    """A small map with every kind of attribute, one sensitive actor and tie, a contact."""
    union = member_org
    union.description = "Renters organising since 1999"
    union.custom_fields = {"Website": "tu.example", "Founded": 1999}
    union.is_directly_affected = True
    union.save()
    housing, renters = (TagFactory(coalition=coalition, name=n) for n in ("housing", "renters"))
    union.tags.add(housing, renters)
    maria = ActorFactory(coalition=coalition, name="Maria Lopez", kind=ActorKind.PERSON)
    mayor = ActorFactory(coalition=coalition, name="=Mayor Office", kind=ActorKind.OFFICIAL)
    donor = ActorFactory(
        coalition=coalition, name="Quiet Donor", kind=ActorKind.PERSON, is_sensitive=True
    )
    ContactDetailFactory(actor=maria, kind="email", value="maria@example.org")
    for actor, stance, day in (
        (union, "passive_ally", datetime.date(2025, 1, 1)),
        (union, "active_ally", datetime.date(2025, 6, 1)),
        (mayor, "passive_opposition", datetime.date(2025, 3, 1)),
    ):
        AllyAssessmentFactory(
            actor=actor,
            stance=stance,
            ally_kind="strategic",
            influence=4,
            proximity=2,
            commitment=3,
            assessed_on=day,
        )
    TieFactory(
        coalition=coalition,
        source=maria,
        target=union,
        kind="affiliation",
        direction="directed",
        strength=4,
        started_on=datetime.date(2024, 2, 1),
    )
    TieFactory(
        coalition=coalition,
        source=union,
        target=mayor,
        kind="conflict",
        direction="mutual",
        description="Rent freeze fight",
    )
    TieFactory(coalition=coalition, source=donor, target=union, kind="funding", is_sensitive=True)
    meeting = InteractionFactory(
        coalition=coalition,
        kind="one_to_one",
        occurred_on=datetime.date(2025, 5, 5),
        summary="Coffee",
    )
    InteractionParticipant.objects.bulk_create(
        [InteractionParticipant(interaction=meeting, actor=a) for a in (maria, union)]
    )
    secret = InteractionFactory(
        coalition=coalition, kind="communication", occurred_on=datetime.date(2025, 5, 6)
    )
    InteractionParticipant.objects.bulk_create(
        [InteractionParticipant(interaction=secret, actor=a) for a in (donor, union)]
    )
    return coalition


def export_as(personas, coalition, persona, file_format):
    access = roles.access_for(personas[persona], coalition.pk)
    chunks, _, _ = coalition_export(access=access, file_format=file_format)
    return b"".join(chunks)


def import_into_new_coalition(personas, content, file_format):
    steward = personas["steward"]
    target = coalition_create(name="Copy", created_by=steward)
    access = roles.access_for(steward, target.pk)
    job = import_preview(access=access, filename=FILE_NAMES[file_format], content=content)
    assert job.summary["errors"] == [], job.summary["errors"]
    import_confirm(access=access, job_id=job.pk)
    return target


def actors_of(coalition, *, all_assessments=False):
    found = {}
    for actor in Actor.objects.filter(coalition=coalition).prefetch_related("tags"):
        assessments = list(
            actor.assessments.order_by("assessed_on").values_list(
                "stance", "ally_kind", "influence", "proximity", "commitment"
            )
        )
        found[actor.name] = (
            actor.kind,
            actor.description,
            sorted(t.name for t in actor.tags.all()),
            {k: str(v) for k, v in actor.custom_fields.items()},
            actor.is_sensitive,
            actor.is_directly_affected,
            assessments if all_assessments else assessments[-1:],
        )
    return found


def ties_of(coalition):
    return sorted(
        (
            t.source.name,
            t.target.name,
            t.kind,
            t.direction,
            t.strength,
            t.description,
            t.is_sensitive,
            t.started_on,
            t.ended_on,
        )
        for t in Tie.objects.filter(coalition=coalition).select_related("source", "target")
    )


@pytest.mark.parametrize("file_format", ["xlsx", "csv", "json", "graphml", "gexf"])
def test_export_then_import_gives_the_same_map(mapped, personas, file_format):
    content = export_as(personas, mapped, "steward", file_format)
    copy = import_into_new_coalition(personas, content, file_format)
    full = file_format == "json"
    assert actors_of(copy, all_assessments=full) == actors_of(mapped, all_assessments=full)
    assert ties_of(copy) == ties_of(mapped)
    if full:
        assert copy.interactions.count() == 2
        maria = Actor.objects.get(coalition=copy, name="Maria Lopez")
        assert list(maria.contact_details.values_list("value", flat=True)) == ["maria@example.org"]


def test_reimporting_an_export_into_its_own_coalition_changes_nothing(mapped, personas):
    before = (actors_of(mapped, all_assessments=True), ties_of(mapped))
    content = export_as(personas, mapped, "steward", "json")
    access = roles.access_for(personas["steward"], mapped.pk)
    job = import_preview(access=access, filename="map.json", content=content)
    summary = job.summary
    assert (summary["actors_created"], summary["ties_created"]) == (0, 0)
    assert summary["actors_updated"] == 4 and summary["ties_updated"] == 3
    assert summary["interactions_created"] == 0
    import_confirm(access=access, job_id=job.pk)
    assert (actors_of(mapped, all_assessments=True), ties_of(mapped)) == before


def labels_in(content: bytes) -> set[str]:
    document = json.loads(content)
    return {a["label"] for a in document["actors"]}


def test_each_role_exports_only_what_the_roles_table_lets_it_see(mapped, personas):
    steward = json.loads(export_as(personas, mapped, "steward", "json"))
    organizer = json.loads(export_as(personas, mapped, "organizer", "json"))
    for persona in ("weaver", "member"):
        document = json.loads(export_as(personas, mapped, persona, "json"))
        assert "Quiet Donor" not in {a["label"] for a in document["actors"]}
        assert all(not t["is_sensitive"] for t in document["ties"])
        assert len(document["ties"]) == 2
        assert len(document["interactions"]) == 1  # not the one with the hidden donor
        assert all("contacts" not in a for a in document["actors"])
        assert b"maria@example.org" not in export_as(personas, mapped, persona, "xlsx")
    assert "Quiet Donor" in {a["label"] for a in organizer["actors"]}
    assert all("contacts" not in a for a in organizer["actors"])
    assert {c["value"] for a in steward["actors"] for c in a["contacts"]} == {"maria@example.org"}
    for file_format in ("xlsx", "csv", "graphml", "gexf"):
        content = export_as(personas, mapped, "member", file_format)
        if file_format == "xlsx":
            from openpyxl import load_workbook

            book = load_workbook(io.BytesIO(content), read_only=True)
            text = str([list(r) for s in book.worksheets for r in s.iter_rows(values_only=True)])
        elif file_format == "csv":
            archive = zipfile.ZipFile(io.BytesIO(content))
            text = "".join(archive.read(n).decode("utf-8-sig") for n in archive.namelist())
        else:
            text = content.decode()
        assert "Quiet Donor" not in text and "maria@example.org" not in text


def test_a_funder_cannot_export(client_for, mapped):
    response = client_for("funder").get(f"/api/v1/coalitions/{mapped.pk}/export/?format=json")
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_every_export_is_audited_with_who_what_and_how_many(client_for, mapped, personas):
    response = client_for("member").get(f"/api/v1/coalitions/{mapped.pk}/export/?format=gexf")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.user == personas["member"] and entry.coalition == mapped
    assert entry.details == {
        "format": "gexf",
        "role": "member",
        "actors": 3,
        "ties": 2,
        "interactions": 1,
        "contact_details": 0,
        "includes_sensitive": False,
    }


def test_an_unknown_export_format_is_a_400_naming_it(client_for, mapped):
    response = client_for("steward").get(f"/api/v1/coalitions/{mapped.pk}/export/?format=pdf")
    assert response.status_code == 400 and not response.streaming
    assert "format" in response.json()


@pytest.fixture
def metric_run(mapped):
    run = MetricRunFactory(
        coalition=mapped,
        status="succeeded",
        input_hash="x" * 64,
        computed_for=datetime.date(2025, 7, 1),
    )
    for actor in Actor.objects.filter(coalition=mapped):
        ActorMetricFactory(
            run=run,
            actor=actor,
            degree=2,
            weighted_degree=2.5,
            betweenness=0.25,
            weighted_betweenness=0.2,
            closeness=0.5,
            pagerank=0.25,
            core_number=1,
            reach=0.5,
            community=0,
            is_broker=False,
            is_peripheral=True,
        )
    return run


def test_the_gexf_export_validates_and_opens_in_networkx_with_its_metrics(
    mapped, personas, metric_run, tmp_path
):
    content = export_as(personas, mapped, "steward", "gexf")
    schema = etree.XMLSchema(etree.parse(str(GEXF_SCHEMA)))
    document = etree.fromstring(content)
    assert schema.validate(document), schema.error_log
    # The steward's map mixes directed and undirected ties: each edge says its own type, as
    # Gephi reads it (NetworkX refuses mixed graphs).
    edges = document.findall(".//{http://gexf.net/1.3}edge")
    assert sorted(edge.get("type") for edge in edges) == ["directed", "mutual", "undirected"]
    # A member's map (no sensitive tie) is directed and mutual only: NetworkX opens it (and
    # draws the mutual tie both ways).
    path = tmp_path / "map.gexf"
    path.write_bytes(export_as(personas, mapped, "member", "gexf"))
    graph = networkx.read_gexf(path, version="1.3")
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (3, 3)
    union = next(d for _, d in graph.nodes(data=True) if d["label"] == "Tenants Union")
    assert union["metric_betweenness"] == 0.25 and union["stance"] == "active_ally"


def test_the_graphml_export_opens_in_networkx_and_igraph(mapped, personas, metric_run, tmp_path):
    content = export_as(personas, mapped, "steward", "graphml")
    path = tmp_path / "map.graphml"
    path.write_bytes(content)
    # Mixed: each edge says whether it is directed (igraph reads it; NetworkX refuses mixed
    # graphs, so it opens a member's map, which is not).
    loaded = igraph.Graph.Read_GraphML(str(path))
    assert (loaded.vcount(), loaded.ecount()) == (4, 3)
    assert "metric_pagerank" in loaded.vs.attributes()
    path.write_bytes(export_as(personas, mapped, "member", "graphml"))
    graph = networkx.read_graphml(path)
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (3, 2)


def test_a_cell_that_looks_like_a_formula_is_inert_in_every_spreadsheet_export(mapped, personas):
    archive = zipfile.ZipFile(io.BytesIO(export_as(personas, mapped, "steward", "csv")))
    assert "'=Mayor Office" in archive.read("elements.csv").decode("utf-8-sig")
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(export_as(personas, mapped, "steward", "xlsx")))
    cell = next(
        c for row in book["Elements"].iter_rows() for c in row if c.value == "=Mayor Office"
    )
    assert cell.data_type == "s"  # text, not a formula


def test_a_saved_views_export_holds_what_its_filters_show_and_is_audited(client_for, mapped):
    """A view of the allies (stance filter): the union only (Maria and the mayor have no ally
    stance), so no tie; the audit names the view and its filters' names."""

    view = SavedViewFactory(
        coalition=mapped, name="Allies", filters={"stance": ["active_ally", "passive_ally"]}
    )
    wide = SavedViewFactory(
        coalition=mapped,
        name="People and organisations",
        filters={"kind": ["person", "organisation"]},
    )
    client = client_for("organizer")
    base = f"/api/v1/coalitions/{mapped.pk}/export/"
    response = client.get(base, {"format": "json", "view": view.pk})
    assert response.status_code == 200
    assert f"-view-{view.pk}-" in response["Content-Disposition"]
    document = json.loads(response.getvalue())
    assert [a["label"] for a in document["actors"]] == ["Tenants Union"]
    assert document["ties"] == [] and document["interactions"] == []

    document = json.loads(client.get(base, {"format": "json", "view": wide.pk}).getvalue())
    assert {a["label"] for a in document["actors"]} == {
        "Tenants Union",
        "Maria Lopez",
        "Quiet Donor",
    }
    assert {(t["kind"]) for t in document["ties"]} == {"affiliation", "funding"}
    assert len(document["interactions"]) == 2
    # A member's export of the same view still leaves the sensitive donor and its tie out.
    member_view = client_for("member").get(base, {"format": "json", "view": wide.pk})
    member = json.loads(member_view.getvalue())
    assert {a["label"] for a in member["actors"]} == {"Tenants Union", "Maria Lopez"}
    assert [t["kind"] for t in member["ties"]] == ["affiliation"]

    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT).order_by("id").first()
    assert entry.details["saved_view"] == view.pk
    assert entry.details["filtered_by"] == ["stance"]
    assert entry.details["actors"] == 1


def test_an_unknown_or_foreign_saved_view_is_refused_naming_the_view(client_for, mapped, personas):

    other = coalition_create(name="Elsewhere", created_by=personas["steward"])
    foreign = SavedViewFactory(coalition=other, name="Theirs", filters={})
    client = client_for("steward")
    base = f"/api/v1/coalitions/{mapped.pk}/export/"
    for view_id in (foreign.pk, 999_999):
        response = client.get(base, {"format": "json", "view": view_id})
        assert response.status_code == 404 and response.json()["field"] == "view"
        assert not response.streaming
    response = client.get(base, {"format": "json", "view": "all"})
    assert response.status_code == 400 and "view" in response.json()
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_spreadsheet_exports_carry_the_latest_metrics_typed(mapped, personas, metric_run):
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(export_as(personas, mapped, "steward", "xlsx")))
    rows = list(workbook["Elements"].iter_rows(values_only=True))
    union = dict(zip(rows[0], next(r for r in rows if r[1] == "Tenants Union"), strict=True))
    assert union["metric_degree"] == 2 and union["metric_betweenness"] == 0.25
    assert union["metric_is_broker"] is False and union["Founded"] == 1999
    archive = zipfile.ZipFile(io.BytesIO(export_as(personas, mapped, "steward", "csv")))
    header = archive.read("elements.csv").decode("utf-8-sig").splitlines()[0].split(",")
    assert {"metric_pagerank", "metric_community", "metric_closeness"} <= set(header)
    # Re-imported, the metric columns are left out (computed, not imported) and the custom
    # fields come back as numbers.
    copy = import_into_new_coalition(personas, export_as(personas, mapped, "steward", "csv"), "csv")
    union = Actor.objects.get(coalition=copy, name="Tenants Union")
    assert union.custom_fields == {"Website": "tu.example", "Founded": 1999}


# -- Streamed (issue #24 item 2) -------------------------------------------------------------


def downloaded(client, coalition, file_format: str, **query):
    response = client.get(
        f"/api/v1/coalitions/{coalition.pk}/export/", {"format": file_format, **query}
    )
    assert response.status_code == 200 and response.streaming
    return response, b"".join(response.streaming_content)


@pytest.mark.parametrize("file_format", ["xlsx", "csv", "json", "graphml", "gexf"])
def test_every_export_is_streamed_under_its_name_and_reimports_as_the_same_map(
    client_for, mapped, personas, file_format
):
    response, content = downloaded(client_for("steward"), mapped, file_format)
    extension = "zip" if file_format == "csv" else file_format
    day = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="coalition-{mapped.pk}-{day}.{extension}"'
    )
    copy = import_into_new_coalition(personas, content, file_format)
    assert actors_of(copy) == actors_of(mapped) and ties_of(copy) == ties_of(mapped)


def test_the_streamed_json_is_byte_for_byte_what_json_dumps_writes(client_for, mapped, personas):
    _, content = downloaded(client_for("organizer"), mapped, "json")
    export = map_export(roles.access_for(personas["organizer"], mapped.pk), include_contacts=False)
    document = {"format": "weft-map", "version": 1, **export}
    assert content == json.dumps(document, ensure_ascii=False, indent=1, default=str).encode()


def test_the_streamed_csv_zip_holds_the_csvs_written_whole(client_for, mapped, personas):
    _, content = downloaded(client_for("steward"), mapped, "csv")
    export = map_export(roles.access_for(personas["steward"], mapped.pk), include_contacts=True)
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert archive.testzip() is None
    assert archive.namelist() == ["elements.csv", "connections.csv"]
    for name, rows in (
        ("elements.csv", element_rows(export)),
        ("connections.csv", connection_rows(export)),
    ):
        whole = io.StringIO()
        csv.writer(whole).writerows(
            [neutralise_formula(v) if isinstance(v, str) else v for v in row] for row in rows
        )
        assert archive.read(name) == ("\ufeff" + whole.getvalue()).encode()


def test_an_export_is_audited_before_the_client_reads_a_byte(client_for, mapped, personas):
    response = client_for("member").get(f"/api/v1/coalitions/{mapped.pk}/export/?format=csv")
    assert response.streaming
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert (entry.user, entry.details["format"], entry.details["actors"]) == (
        personas["member"],
        "csv",
        3,
    )
    response.close()  # the client went away: nothing read, the export still on the record
