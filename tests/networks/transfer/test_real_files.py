"""Files that Kumu and Gephi wrote, found in public repositories (tests/data/README.md names
each one's origin): each imports with nothing refused, as many elements and connections as the
file holds, weights and attributes kept, and comes back the same through an export imported
into a new coalition."""

import io
import json
import zipfile
from collections import Counter
from pathlib import Path

import networkx
import pytest
from openpyxl import load_workbook

from allies.models import Actor
from coalitions import roles
from coalitions.services import coalition_create
from networks.models import ActorPosition, Tie
from networks.transfer.services import coalition_export, import_confirm, import_preview

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore::UserWarning")]

DATA = Path(__file__).resolve().parents[2] / "data"
KUMU = DATA / "kumu"
GEPHI = DATA / "gephi"
FILE_NAMES = {"xlsx": "map.xlsx", "csv": "map.zip", "json": "map.json"}
FILE_NAMES |= {"graphml": "map.graphml", "gexf": "map.gexf"}


def content_of(path: Path) -> tuple[str, bytes]:
    """A file as published: a zipped one (Gephi's airlines) is unpacked first."""
    if path.suffix == ".zip":
        archive = zipfile.ZipFile(path)
        name = archive.namelist()[0]
        return name, archive.read(name)
    return path.name, path.read_bytes()


def import_file(steward, name: str, content: bytes, *, pin_positions=False):
    coalition = coalition_create(name=f"Import of {name}", created_by=steward)
    access = roles.access_for(steward, coalition.pk)
    job = import_preview(access=access, filename=name, content=content, pin_positions=pin_positions)
    assert job.status == "previewed", job.summary["errors"]
    assert job.summary["errors"] == [], job.summary["errors"][:5]
    import_confirm(access=access, job_id=job.pk)
    return coalition, job.summary


def actors_of(coalition) -> Counter:
    return Counter(
        (a.name, a.kind, a.type_label, a.description, json.dumps(a.custom_fields, sort_keys=True))
        for a in Actor.objects.filter(coalition=coalition)
    )


def ties_of(coalition) -> Counter:
    return Counter(
        (
            t.source.name,
            t.target.name,
            t.kind,
            t.type_label,
            t.direction,
            t.strength,
            t.declared_weight,
            t.description,
            json.dumps(t.custom_fields, sort_keys=True),
        )
        for t in Tie.objects.filter(coalition=coalition).select_related("source", "target")
    )


def positions_of(coalition) -> dict:
    return {
        p.actor.name: (round(p.x, 6), round(p.y, 6))
        for p in ActorPosition.objects.filter(actor__coalition=coalition).select_related("actor")
    }


def round_trip(steward, coalition, file_format):
    access = roles.access_for(steward, coalition.pk)
    chunks, _, _ = coalition_export(access=access, file_format=file_format)
    copy, _ = import_file(steward, FILE_NAMES[file_format], b"".join(chunks))
    return copy


def sheet_rows(path: Path, sheet: str) -> int:
    workbook = load_workbook(path, read_only=True)
    rows = [r for r in workbook[sheet].iter_rows(values_only=True) if any(c for c in r)]
    return len(rows) - 1  # the header


# --- Kumu -------------------------------------------------------------------------------------

KUMU_SPREADSHEETS = ["paypal-mafia.xlsx", "overview-of-the-euro-crisis.xlsx"]
KUMU_SPREADSHEETS += ["snap-to-tutorial-data.xlsx"]


@pytest.mark.parametrize("name", KUMU_SPREADSHEETS)
@pytest.mark.parametrize("file_format", ["xlsx", "json"])
def test_a_kumu_spreadsheet_imports_whole_and_comes_back_the_same(personas, name, file_format):
    steward = personas["steward"]
    path = KUMU / name
    coalition, summary = import_file(steward, name, path.read_bytes())
    assert summary["actors_created"] == sheet_rows(path, "Elements")
    assert Tie.objects.filter(coalition=coalition).count() == sheet_rows(path, "Connections")
    copy = round_trip(steward, coalition, file_format)
    assert actors_of(copy) == actors_of(coalition)
    assert ties_of(copy) == ties_of(coalition)


def test_kumus_free_text_types_and_extra_columns_are_kept(personas):
    coalition, summary = import_file(
        personas["steward"], "paypal.xlsx", (KUMU / "paypal-mafia.xlsx").read_bytes()
    )
    # Kumu's "Employee/Founder" connections: kept as their type label, the kind other, with
    # one warning naming the first row; a person is a person.
    founders = Tie.objects.filter(coalition=coalition, type_label="Employee/Founder")
    assert founders.count() > 10 and set(founders.values_list("kind", flat=True)) == {"other"}
    assert any("'Employee/Founder'" in w["message"] for w in summary["warnings"])
    thiel = Actor.objects.get(coalition=coalition, name="Peter Thiel")
    assert thiel.kind == "person" and thiel.type_label == ""  # the kind itself: no label
    # Image and Kumu's own Influence ("High", no Stance column) are the actor's fields.
    botha = Actor.objects.get(coalition=coalition, name="Roelof Botha")
    assert botha.custom_fields["Image"].startswith("http://s3.amazonaws.com/")
    hoffman = Actor.objects.get(coalition=coalition, name="Reid Hoffman")
    assert hoffman.custom_fields["Influence"] == "High"
    assert hoffman.custom_fields["Net Worth (Billions)"] == 4.4


def test_the_euro_crisis_connections_keep_their_numbers(personas):
    coalition, _ = import_file(
        personas["steward"],
        "euro.xlsx",
        (KUMU / "overview-of-the-euro-crisis.xlsx").read_bytes(),
    )
    tie = Tie.objects.get(coalition=coalition, source__name="Britain", target__name="Ireland")
    # "12" in a text cell comes back as the number 12; "No" stays a word.
    assert tie.custom_fields == {"Amount Owed (billions)": 12, "Worrisome": "No"}
    greece = Actor.objects.get(coalition=coalition, name="Greece")
    assert greece.custom_fields["GDP (Trillions)"] == 0.3
    assert (greece.kind, greece.type_label) == ("other", "Country")


KUMU_BLUEPRINTS = ["snap-to-tutorial-project.json", "kumu-changelabs-template.json"]


@pytest.mark.parametrize("name", KUMU_BLUEPRINTS)
@pytest.mark.parametrize("file_format", ["xlsx", "json", "gexf"])
def test_a_kumu_blueprint_imports_whole_and_comes_back_the_same(personas, name, file_format):
    steward = personas["steward"]
    blueprint = json.loads((KUMU / name).read_bytes())
    coalition, summary = import_file(steward, name, (KUMU / name).read_bytes())
    assert summary["actors_created"] == len(blueprint["elements"])
    assert Tie.objects.filter(coalition=coalition).count() == len(blueprint["connections"])
    copy = round_trip(steward, coalition, file_format)
    assert actors_of(copy) == actors_of(coalition)
    assert ties_of(copy) == ties_of(coalition)


def test_a_blueprints_first_map_gives_a_pinned_layout_on_request(personas):
    name = "snap-to-tutorial-project.json"
    blueprint = json.loads((KUMU / name).read_bytes())
    placed = {
        node["element"]: (node["position"]["x"], node["position"]["y"])
        for node in blueprint["maps"][0]["elements"]
    }
    coalition, _ = import_file(
        personas["steward"], name, (KUMU / name).read_bytes(), pin_positions=True
    )
    positions = ActorPosition.objects.filter(actor__coalition=coalition).select_related("actor")
    assert positions.count() == len(placed) == 51
    for position in positions:
        assert position.is_pinned
        assert (position.x, position.y) == placed[position.actor.external_key]
    # The blueprint's own attributes, numbers as numbers, names as the project writes them.
    new_york = Actor.objects.get(coalition=coalition, name="New York")
    assert new_york.custom_fields["2010 Population"] == 19400867
    assert new_york.custom_fields["Region"] == "Northeast"


def test_a_blueprints_connection_attributes_are_kept(personas):
    name = "kumu-changelabs-template.json"
    coalition, _ = import_file(personas["steward"], name, (KUMU / name).read_bytes())
    funding = Tie.objects.get(coalition=coalition, custom_fields__has_key="Value Flows")
    assert funding.custom_fields == {"Value Flows": "Funding", "Power Score": 8}
    assert funding.direction == "directed"


# --- Gephi ------------------------------------------------------------------------------------

GEPHI_FILES = ["LesMiserables.gexf", "lesmiserables-gephi09.gexf", "airlines.graphml.zip"]


def networkx_graph(path: Path):
    name, content = content_of(path)
    if name.endswith(".graphml"):
        return networkx.read_graphml(io.BytesIO(content))
    version = "1.1draft" if b"1.1draft" in content[:400] else "1.2draft"
    text = content.replace(b"http://www.gexf.net/1.3", b"http://www.gexf.net/1.2draft")
    return networkx.read_gexf(io.BytesIO(text), version=version)


def weights_by_label(graph) -> Counter:
    labels = {n: d.get("label", n) for n, d in graph.nodes(data=True)}
    return Counter(
        (*sorted((labels[s], labels[t])), float(d.get("weight", 1.0)))
        for s, t, d in graph.edges(data=True)
    )


@pytest.mark.parametrize("name", GEPHI_FILES)
@pytest.mark.parametrize("file_format", ["gexf", "graphml"])
def test_a_gephi_file_imports_whole_and_comes_back_the_same(personas, name, file_format):
    steward = personas["steward"]
    graph = networkx_graph(GEPHI / name)
    coalition, summary = import_file(steward, *content_of(GEPHI / name))
    assert summary["actors_created"] == graph.number_of_nodes()
    assert Tie.objects.filter(coalition=coalition).count() == graph.number_of_edges()
    copy = round_trip(steward, coalition, file_format)
    assert actors_of(copy) == actors_of(coalition)
    assert ties_of(copy) == ties_of(coalition)
    assert positions_of(copy) == positions_of(coalition)


@pytest.mark.parametrize("name", ["LesMiserables.gexf", "lesmiserables-gephi09.gexf"])
def test_les_miserables_keeps_every_weight(personas, name):
    graph = networkx_graph(GEPHI / name)
    coalition, _ = import_file(personas["steward"], *content_of(GEPHI / name))
    kept = Counter(
        (*sorted((t.source.name, t.target.name)), t.declared_weight)
        for t in Tie.objects.filter(coalition=coalition).select_related("source", "target")
    )
    assert kept == weights_by_label(graph)
    # The weights (1 to 31 co-appearances) mapped into 1–5 by the file's range.
    valjean_javert = Tie.objects.get(
        coalition=coalition, source__name="Javert", target__name="Valjean"
    )
    assert (valjean_javert.declared_weight, valjean_javert.strength) == (17.0, 3)
    strengths = Tie.objects.filter(coalition=coalition).values_list("strength", flat=True)
    assert min(strengths) == 1 and max(strengths) == 5


def test_gephis_attributes_colours_sizes_and_layout_are_kept(personas):
    name = "lesmiserables-gephi09.gexf"
    coalition, _ = import_file(personas["steward"], *content_of(GEPHI / name), pin_positions=True)
    valjean = Actor.objects.get(coalition=coalition, name="Valjean")
    assert valjean.custom_fields == {"Modularity Class": 1, "color": "#f55b5b", "size": 100.0}
    position = ActorPosition.objects.get(actor=valjean)
    assert (position.x, position.y, position.is_pinned) == (-87.93029, 6.8120565, True)


def test_gephis_graphml_positions_are_a_starting_layout_unless_pinned(personas):
    coalition, _ = import_file(personas["steward"], *content_of(GEPHI / "airlines.graphml.zip"))
    first = Actor.objects.get(coalition=coalition, external_key="0")
    assert first.custom_fields == {"tooltip": "LIT(lngx=-92.224444,laty=34.729444)"}
    position = ActorPosition.objects.get(actor=first)
    assert (position.x, position.y, position.is_pinned) == (-922.24444, -347.29444, False)


def test_the_panels_api_shows_type_labels_weights_and_fields(client_for, coalition, personas):
    access = roles.access_for(personas["organizer"], coalition.pk)
    content = (KUMU / "paypal-mafia.xlsx").read_bytes()
    job = import_preview(access=access, filename="paypal.xlsx", content=content)
    import_confirm(access=access, job_id=job.pk)
    client = client_for("organizer")
    botha = Actor.objects.get(coalition=coalition, name="Roelof Botha")
    actor = client.get(f"/api/v1/coalitions/{coalition.pk}/actors/{botha.pk}/").json()
    assert actor["type_label"] == "" and actor["custom_fields"]["Image"].startswith("http")
    ties = client.get(f"/api/v1/coalitions/{coalition.pk}/ties/?actor={botha.pk}").json()
    assert {t["type_label"] for t in ties["results"]} == {"Employee/Founder", "Investor"}
    assert all("declared_weight" in t and "custom_fields" in t for t in ties["results"])
