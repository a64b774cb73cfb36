"""Inferred relationships on the map (issue #6): actors who interacted but have no declared tie
are edges marked ``inferred``, computed from the interactions the role may see."""

import datetime
import math

import pytest
from django.utils import timezone

from networks.models import InteractionParticipant, Tie
from tests.allies.factories import ActorFactory
from tests.networks.factories import InteractionFactory, TieFactory
from weft.vocabulary import ActorKind

pytestmark = pytest.mark.django_db


def meet(coalition, *actors, kind="one_to_one", on=None):
    interaction = InteractionFactory(
        coalition=coalition, kind=kind, occurred_on=on or timezone.localdate()
    )
    InteractionParticipant.objects.bulk_create(
        [InteractionParticipant(interaction=interaction, actor=actor) for actor in actors]
    )
    return interaction


@pytest.fixture
def met(coalition, personas):
    """Union and Church met (no tie); Church and Mayor have a declared tie and met too;
    Union met the sensitive Informant, and Union, Bank and the Informant met in one
    three-way meeting; Bank and Mayor are joined by a sensitive tie and met."""

    def org(name, **extra):
        return ActorFactory(coalition=coalition, name=name, kind=ActorKind.ORGANISATION, **extra)

    union, church, mayor, bank = org("Union"), org("Church"), org("Mayor"), org("Bank")
    informant = org("Informant", is_sensitive=True)
    TieFactory(coalition=coalition, source=church, target=mayor, strength=4)
    TieFactory(coalition=coalition, source=bank, target=mayor, is_sensitive=True)
    meet(coalition, union, church)
    meet(coalition, church, mayor)
    meet(coalition, union, informant)
    meet(coalition, union, bank, informant, kind="joint_action")
    meet(coalition, bank, mayor)
    return {"union": union, "church": church, "mayor": mayor, "bank": bank, "informant": informant}


def the_map(client_for, coalition, role, query=""):
    # Inferred relationships are drawn only when asked for (issue #18: off by default).
    if "inferred=" not in query:
        query = f"{query}&inferred=true" if query else "?inferred=true"
    response = client_for(role).get(f"/api/v1/coalitions/{coalition.pk}/map/{query}")
    assert response.status_code == 200
    return response.json()


def inferred_pairs(graph):
    return {
        frozenset((edge["source"], edge["target"])) for edge in graph["edges"] if edge["inferred"]
    }


def pair(met, a, b):
    return frozenset((met[a].pk, met[b].pk))


def test_pairs_that_interacted_without_a_tie_are_inferred_relationships(client_for, coalition, met):
    graph = the_map(client_for, coalition, "organizer")
    assert inferred_pairs(graph) == {
        pair(met, "union", "church"),
        pair(met, "union", "informant"),
        pair(met, "union", "bank"),
        pair(met, "bank", "informant"),
    }
    union_church = next(
        e
        for e in graph["edges"]
        if e["inferred"] and pair(met, "union", "church") == {e["source"], e["target"]}
    )
    # One fresh one-to-one meeting: 1 − e^(−1); no tie id, kind or declared strength.
    assert union_church["relationship_strength"] == pytest.approx(1 - math.exp(-1), abs=1e-4)
    assert union_church["interaction_count"] == 1
    assert union_church["id"] is None and union_church["strength"] is None
    # Declared ties keep every field they had, marked not inferred.
    ties = [e for e in graph["edges"] if not e["inferred"]]
    assert {e["id"] for e in ties} == set(Tie.objects.values_list("id", flat=True))
    assert all(e["relationship_strength"] is None and e["kind"] for e in ties)


def test_a_member_never_sees_a_sensitive_inferred_relationship(client_for, coalition, met):
    # Not the informant's pairs; not Union–Bank, whose only evidence is a meeting the
    # informant attended (hidden from members); not Bank–Mayor, joined by a sensitive tie.
    graph = the_map(client_for, coalition, "member")
    assert inferred_pairs(graph) == {pair(met, "union", "church")}
    shown = {node["id"] for node in graph["nodes"]}
    assert met["informant"].pk not in shown
    assert all(e["source"] in shown and e["target"] in shown for e in graph["edges"])


def test_the_filter_hides_inferred_relationships(client_for, coalition, met):
    graph = the_map(client_for, coalition, "organizer", "?inferred=false")
    assert inferred_pairs(graph) == set()
    assert len(graph["edges"]) == 2  # the declared ties
    # Off by default, and the map still says how many there are, for the toggle.
    default = client_for("organizer").get(f"/api/v1/coalitions/{coalition.pk}/map/").json()
    assert inferred_pairs(default) == set()
    drawn = the_map(client_for, coalition, "organizer")
    assert default["inferred_count"] == len(inferred_pairs(drawn))
    assert default["inferred_count"] > 0
    bad = client_for("organizer").get(f"/api/v1/coalitions/{coalition.pk}/map/?inferred=maybe")
    assert bad.status_code == 400 and "inferred" in bad.json()


def test_inferred_relationships_follow_the_date_and_the_strength_filter(client_for, coalition, met):
    old = timezone.localdate() - datetime.timedelta(days=400)
    meet(coalition, met["church"], met["bank"], kind="communication", on=old)
    graph = the_map(client_for, coalition, "organizer", f"?as_of={old.isoformat()}")
    assert inferred_pairs(graph) == {pair(met, "church", "bank")}
    # Today the old message is weak evidence (0.2 × 0.5^(400/180)): below a declared 1 of 5.
    assert pair(met, "church", "bank") in inferred_pairs(
        the_map(client_for, coalition, "organizer")
    )
    strong = the_map(client_for, coalition, "organizer", "?min_strength=1")
    assert pair(met, "church", "bank") not in inferred_pairs(strong)
    assert pair(met, "union", "church") in inferred_pairs(strong)


def test_actor_filters_keep_only_inferred_relationships_between_actors_shown(
    client_for, coalition, met
):
    met["church"].kind = ActorKind.GROUP
    met["church"].save()
    graph = the_map(client_for, coalition, "organizer", "?kind=organisation")
    assert pair(met, "union", "church") not in inferred_pairs(graph)
    assert pair(met, "union", "bank") in inferred_pairs(graph)


def test_the_table_view_lists_inferred_relationships_apart(client_for, coalition, met):
    page = client_for("member").get(f"/coalitions/{coalition.pk}/map/table/?inferred=true")
    text = page.content.decode()
    assert "1 inferred relationship" in text and 'id="inferred-table"' in text
    assert "Informant" not in text
