"""Published figures through the product: a real file imported as a user would (upload,
confirm), a metric run started through the API, the figures read back from the API.

The files and where they come from are in tests/data/README.md ("Published networks").
NetworkX computes the reference values on the same files.
"""

from collections import Counter
from pathlib import Path

import networkx as nx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

from allies.models import Actor
from networks.models import Tie
from tests.api_helpers import post, url

pytestmark = pytest.mark.usefixtures("tasks_in_process")

PUBLISHED = Path(__file__).resolve().parents[2] / "data" / "published"


def imported_and_computed(client, name: str, filename: str) -> tuple[dict, list[dict]]:
    """A new coalition holding only the file's network, its run, and its actors' rows."""
    client, committed = client
    created = post(client, "/api/v1/coalitions/", {"name": name})
    assert created.status_code == 201, created.json()
    coalition_id = created.json()["id"]
    data = (PUBLISHED / filename).read_bytes()
    job = client.post(
        f"/api/v1/coalitions/{coalition_id}/imports/",
        {"file": SimpleUploadedFile(filename, data)},
    )
    assert job.status_code == 201, job.json()
    assert job.json()["summary"]["errors"] == []
    confirmed = post(
        client, f"/api/v1/coalitions/{coalition_id}/imports/{job.json()['id']}/confirm/", {}
    )
    assert confirmed.status_code == 200, confirmed.json()
    assert confirmed.json()["status"] == "applied"

    class Coalition:  # url() wants an object with a pk
        pk = coalition_id

    runs = url(Coalition, "metric-runs")
    with committed(execute=True):  # the run is queued once the request's transaction commits
        started = client.post(runs)
    assert started.status_code == 202, started.json()
    run = client.get(f"{runs}latest/").json()
    assert run["status"] == "succeeded"
    actors = client.get(f"{runs}latest/actors/", {"page_size": 1000}).json()["results"]
    return run, actors


@pytest.fixture
def client(client_for, django_capture_on_commit_callbacks):
    return client_for("organizer"), django_capture_on_commit_callbacks


def test_zacharys_karate_club_without_strengths_falls_into_its_two_factions(client):
    # karate.graphml has no weight and no strength: nothing measures any tie.
    run, actors = imported_and_computed(client, "Karate club", "karate.graphml")
    assert run["network"]["actors"] == 34 and run["network"]["ties"] == 78
    assert run["network"]["weight_basis"] == "unit"
    communities = run["network"]["communities"]
    assert 2 <= communities <= 6
    # Zachary's factions (Mr. Hi's and the officer's), as NetworkX records them; the file's
    # node "k" is member k − 1 there.
    faction = {str(n + 1): club for n, club in nx.karate_club_graph().nodes(data="club")}
    members = {row["name"]: row["community"] for row in actors}
    by_community: dict[int, Counter] = {}
    for name, community in members.items():
        by_community.setdefault(community, Counter())[faction[name]] += 1
    # Each community stands for its majority faction; the members that community gets right:
    agreeing = sum(counts.most_common(1)[0][1] for counts in by_community.values())
    assert agreeing / 34 >= 0.85
    # Not every actor the same: PageRank and weighted degree tell them apart.
    assert len({round(row["pagerank"], 9) for row in actors}) > 10
    assert all(row["weighted_degree"] == row["degree"] for row in actors)
    top = max(actors, key=lambda row: row["pagerank"])
    assert top["name"] == "34"  # the club's president


def test_the_medici_stand_between_the_florentine_families(client):
    run, actors = imported_and_computed(client, "Florence", "florentine-marriages.graphml")
    assert run["network"]["actors"] == 15 and run["network"]["ties"] == 20
    by_name = {row["name"]: row for row in actors}
    # Padgett & Ansell (1993): betweenness 0.522 for the Medici, the highest of all.
    assert by_name["Medici"]["betweenness"] == pytest.approx(0.522, abs=5e-4)
    assert max(actors, key=lambda row: row["betweenness"])["name"] == "Medici"


def les_miserables_reference() -> tuple[nx.Graph, list[str]]:
    """The file as NetworkX reads it (an edge without ``weight`` weighs 1, as GEXF says), and
    its ten characters of highest weighted PageRank."""
    reference = nx.read_gexf(PUBLISHED / "les-miserables.gexf")
    label = dict(reference.nodes(data="label"))
    expected = _pagerank_python(reference, weight="weight", tol=1e-13, max_iter=10_000)
    return reference, [label[n] for n in sorted(expected, key=lambda n: -expected[n])[:10]]


def top_ten_by_pagerank(actors: list[dict]) -> list[str]:
    return [row["name"] for row in sorted(actors, key=lambda row: -row["pagerank"])[:10]]


def test_les_miserables_valjean_is_the_most_between(client):
    run, actors = imported_and_computed(client, "Les Misérables", "les-miserables.gexf")
    assert run["network"]["actors"] == 77 and run["network"]["ties"] == 254
    assert max(actors, key=lambda row: row["betweenness"])["name"] == "Valjean"


def test_les_miserables_pagerank_follows_the_file_s_weights(client):
    run, actors = imported_and_computed(client, "Les Misérables", "les-miserables.gexf")
    assert run["network"]["weight_basis"] == "declared"
    assert top_ten_by_pagerank(actors) == les_miserables_reference()[1]


def test_les_miserables_declared_weights_give_networkx_s_weighted_pagerank(client):
    """The metrics' side alone: the file imported, then each tie given the weight the file
    declares for it (what the importer of issue-19a stores), then the run."""
    reference, expected_top = les_miserables_reference()
    web, committed = client
    created = post(web, "/api/v1/coalitions/", {"name": "Les Misérables"})
    coalition_id = created.json()["id"]
    job = web.post(
        f"/api/v1/coalitions/{coalition_id}/imports/",
        {"file": SimpleUploadedFile("les-miserables.gexf", _file("les-miserables.gexf"))},
    )
    post(web, f"/api/v1/coalitions/{coalition_id}/imports/{job.json()['id']}/confirm/", {})
    label = dict(reference.nodes(data="label"))
    weight = {
        frozenset((label[a], label[b])): float(data.get("weight", 1.0))
        for a, b, data in reference.edges(data=True)
    }
    ties = Tie.objects.filter(coalition_id=coalition_id).select_related("source", "target")
    for tie in ties:
        tie.declared_weight = weight[frozenset((tie.source.name, tie.target.name))]
    Tie.objects.bulk_update(ties, ["declared_weight"])
    runs = f"/api/v1/coalitions/{coalition_id}/metric-runs/"
    with committed(execute=True):
        assert web.post(runs).status_code == 202
    run = web.get(f"{runs}latest/").json()
    assert run["network"]["weight_basis"] == "declared"
    actors = web.get(f"{runs}latest/actors/", {"page_size": 1000}).json()["results"]
    assert top_ten_by_pagerank(actors) == expected_top
    assert max(actors, key=lambda row: row["betweenness"])["name"] == "Valjean"
    relationships = web.get(f"{runs}latest/relationships/", {"page_size": 1000}).json()
    assert max(row["weight"] for row in relationships["results"]) == 31.0


def _file(name: str) -> bytes:
    return (PUBLISHED / name).read_bytes()


def test_davis_southern_women_come_in_as_affiliations_and_their_projection_is_computed(client):
    """Two-mode data: 18 women and the 14 events they attended (Davis, Gardner & Gardner
    1941). The file comes in as affiliations; the run's relationships are the projection onto
    the women, each pair with the number of events both attended."""
    web, committed = client
    coalition_id = post(web, "/api/v1/coalitions/", {"name": "Deep South"}).json()["id"]
    response = web.post(
        f"/api/v1/coalitions/{coalition_id}/imports/affiliations/",
        {"file": SimpleUploadedFile("davis.csv", _file("davis-southern-women.csv"))},
    )
    assert response.status_code == 201, response.json()
    assert response.json() == {"people": 18, "groups": 14, "affiliations": 89}
    runs = f"/api/v1/coalitions/{coalition_id}/metric-runs/"
    with committed(execute=True):
        assert web.post(runs).status_code == 202
    run = web.get(f"{runs}latest/").json()
    assert run["network"]["affiliation_groups"] == 14
    davis = nx.davis_southern_women_graph()
    projection = nx.bipartite.weighted_projected_graph(davis, davis.graph["top"])
    assert run["network"]["co_affiliation_relationships"] == projection.number_of_edges() == 139
    assert run["network"]["weight_basis"] == "strength"
    names = {
        row["actor"]: row["name"] for row in web.get(f"{runs}latest/actors/").json()["results"]
    }
    rows = web.get(f"{runs}latest/relationships/", {"page_size": 1000}).json()["results"]
    found = {
        frozenset((names[row["source"]], names[row["target"]])): row["co_affiliations"]
        for row in rows
    }
    assert found == {frozenset((a, b)): w for a, b, w in projection.edges(data="weight")}
    assert all(row["is_inferred"] and row["strength"] > 0 for row in rows)
    # Evelyn and Theresa shared seven events, Evelyn and Dorothy two: the first is stronger.
    strength = {
        frozenset((names[row["source"]], names[row["target"]])): row["strength"] for row in rows
    }
    assert (
        strength[frozenset(("Evelyn Jefferson", "Theresa Anderson"))]
        > strength[frozenset(("Evelyn Jefferson", "Dorothy Murchison"))]
    )


def test_a_two_mode_file_naming_a_group_as_a_person_is_refused_whole(client):
    web, _ = client
    coalition_id = post(web, "/api/v1/coalitions/", {"name": "Boards"}).json()["id"]
    post(web, f"/api/v1/coalitions/{coalition_id}/actors/", {"name": "Acme", "kind": "group"})
    data = b"Person,Board\nAna Silva,Riverside Trust\nAcme,Riverside Trust\n"
    response = web.post(
        f"/api/v1/coalitions/{coalition_id}/imports/affiliations/",
        {"file": SimpleUploadedFile("boards.csv", data)},
    )
    assert response.status_code == 400
    assert "row 3" in str(response.json()["file"])
    assert not Actor.objects.filter(coalition_id=coalition_id, name="Ana Silva").exists()
