"""The dashboard page: who may open it, what it shows of a run, and what it hides."""

import pytest
from django.utils import timezone

from networks.metrics.services import metric_run_execute, metric_run_request
from tests.allies.factories import ActorFactory
from tests.networks.factories import TieFactory
from weft.vocabulary import ActorKind


@pytest.fixture
def computed(coalition, orgs, hidden):
    """A run over a small network: Org 0 between two triangles, and a sensitive person."""
    for a, b in [(0, 1), (1, 2), (0, 2), (0, 3), (3, 4), (4, 5), (3, 5)]:
        TieFactory(coalition=coalition, source=orgs[a], target=orgs[b], strength=4)
    TieFactory(coalition=coalition, source=orgs[0], target=hidden, strength=5)
    run, _ = metric_run_request(coalition_id=coalition.pk, queue=False)
    return metric_run_execute(run_id=run.pk)


def page(client, coalition):
    return client.get(f"/coalitions/{coalition.pk}/dashboard/")


@pytest.mark.parametrize("persona", ["steward", "organizer", "weaver", "member"])
def test_every_role_with_the_dashboard_opens_it(client_for, coalition, computed, persona):
    response = page(client_for(persona), coalition)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Stronger relationships between partners" in body
    assert "More leaders with more skills" in body
    assert f"computed for <strong>{timezone.localdate():%-d %b %Y}" in body


def test_funders_are_refused_and_outsiders_see_nothing(client_for, coalition, computed, client):
    assert page(client_for("funder"), coalition).status_code == 403
    assert page(client_for("outsider"), coalition).status_code == 404
    client.logout()
    assert page(client, coalition).status_code == 302  # to the sign-in page


def test_the_figures_of_the_run_are_on_the_page(client_for, coalition, computed):
    body = page(client_for("organizer"), coalition).content.decode()
    figures = computed.network
    assert 'data-figure="density"' in body
    assert f"{figures['density']:.2f}" in body
    assert f"{figures['strong_ties']:,}" in body
    # Org 0 joins the two clusters: it is the first broker.
    brokers = body.split("<h2>Brokers</h2>", 1)[1].split("</section>", 1)[0]
    assert "Org 0" in brokers
    hubs = body.split("<h2>Hubs</h2>", 1)[1].split("</section>", 1)[0]
    first = computed.actor_metrics.order_by("-pagerank", "actor_id").first()
    assert f"eigenvector {first.eigenvector:.3f}" in hubs


def test_members_do_not_see_a_sensitive_actor_anywhere_on_the_dashboard(
    client_for, coalition, computed, hidden
):
    assert hidden.name in page(client_for("organizer"), coalition).content.decode()
    assert hidden.name not in page(client_for("member"), coalition).content.decode()


def test_an_edit_after_the_run_is_marked_and_the_start_button_is_for_editors(
    client_for, coalition, computed
):
    assert 'id="changed-mark"' not in page(client_for("weaver"), coalition).content.decode()
    ActorFactory(coalition=coalition, name="Newcomers", kind=ActorKind.GROUP)
    body = page(client_for("weaver"), coalition).content.decode()
    assert 'id="changed-mark"' in body
    assert 'id="start-run"' in body
    assert 'id="start-run"' not in page(client_for("member"), coalition).content.decode()


def test_before_any_run_the_page_says_so(client_for, coalition):
    body = page(client_for("steward"), coalition).content.decode()
    assert "No metric run has finished yet." in body


def test_the_help_defines_every_metric_with_its_normalisation_and_the_run_s_weights(
    client_for, coalition, computed
):
    body = page(client_for("member"), coalition).content.decode()
    help_text = body.split('id="metric-help"', 1)[1].split("</details>", 1)[0]
    for name in ("Betweenness", "Closeness", "PageRank", "Eigenvector centrality", "Broker"):
        assert name in help_text
    assert "(n − 1)(n − 2) / 2" in help_text  # betweenness normalisation
    assert "Euclidean length 1" in help_text  # eigenvector scaling
    assert "Traag, Waltman &amp; van Eck 2019" in help_text
    # The ties of the fixture declare strengths: those are the weights.
    assert "Weights in this run: relationship strength" in help_text
