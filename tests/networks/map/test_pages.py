"""The map page and its table twin, per role: the shell, the filters, the overdue next
steps; and the positions a person drags actors to."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from networks.models import ActorPosition
from tests.allies.factories import ActorFactory, AllyAssessmentFactory, EngagementPlanFactory
from tests.api_helpers import url
from tests.networks.factories import ActorPositionFactory, TieFactory
from weft.vocabulary import ActorKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def mapped(coalition, personas, member_org):
    def actor(name, stance, **extra):
        row = ActorFactory(coalition=coalition, name=name, kind=ActorKind.GROUP, **extra)
        AllyAssessmentFactory(
            actor=row,
            stance=stance,
            ally_kind="natural",
            influence=3,
            proximity=3,
            commitment=3,
            assessed_on=datetime.date(2026, 1, 1),
        )
        return row

    faith = actor("Faith Alliance", "active_ally")
    mayor = actor("Mayor's Office", "passive_opposition")
    secret = actor("Hidden Source", "neutral", is_sensitive=True)
    TieFactory(coalition=coalition, source=faith, target=mayor, strength=2)
    EngagementPlanFactory(
        actor=mayor,
        ask="Meet the tenants",
        next_step="Call the chief of staff",
        next_step_on=timezone.localdate() - datetime.timedelta(days=3),
    )
    EngagementPlanFactory(
        actor=faith,
        ask="Host the vigil",
        next_step="Book the hall",
        next_step_on=timezone.localdate() + datetime.timedelta(days=3),
    )
    return {"faith": faith, "mayor": mayor, "secret": secret}


def map_url(coalition, table=False):
    return reverse("coalition-map-table" if table else "coalition-map", args=[coalition.pk])


@pytest.mark.parametrize("role", ["steward", "organizer", "weaver", "member"])
def test_every_role_that_sees_the_map_gets_the_page(client_for, coalition, mapped, role):
    response = client_for(role).get(map_url(coalition))
    assert response.status_code == 200
    page = response.content.decode()
    assert "dist/map.js" in page
    assert ('id="add-actor"' in page) is (role != "member")


def test_a_funder_is_refused_both_pages_and_an_outsider_finds_nothing(
    client_for, coalition, mapped
):
    for table in (False, True):
        assert client_for("funder").get(map_url(coalition, table)).status_code == 403
        assert client_for("outsider").get(map_url(coalition, table)).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, coalition):
    response = client.get(map_url(coalition))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_table_lists_the_same_actors_and_ties_as_the_map(client_for, coalition, mapped):
    page = client_for("organizer").get(map_url(coalition, table=True)).content.decode()
    for name in ("Faith Alliance", "Mayor&#x27;s Office", "Hidden Source", "Tenants Union"):
        assert name in page
    assert "1 tie" in page


def test_the_table_takes_the_same_filters(client_for, coalition, mapped):
    query = "?stance=passive_opposition&min_strength=&as_of="
    page = client_for("organizer").get(map_url(coalition, table=True) + query).content.decode()
    assert "Mayor&#x27;s Office" in page and "Faith Alliance" not in page
    assert "0 ties" in page


def test_a_wrong_filter_is_named_on_the_page(client_for, coalition, mapped):
    response = client_for("organizer").get(map_url(coalition, table=True) + "?stance=sideways")
    assert response.status_code == 200
    assert "stance" in response.content.decode() and "not understood" in response.content.decode()


def test_members_see_no_sensitive_actor_in_the_table_and_no_plans(client_for, coalition, mapped):
    page = client_for("member").get(map_url(coalition, table=True)).content.decode()
    assert "Hidden Source" not in page
    assert "Overdue next steps" not in page


def test_the_table_lists_overdue_next_steps_only(client_for, coalition, mapped):
    page = client_for("weaver").get(map_url(coalition, table=True)).content.decode()
    assert "Overdue next steps" in page
    assert "Call the chief of staff" in page
    assert "Book the hall" not in page


def test_the_map_page_offers_metrics_only_once_a_run_has_finished(client_for, coalition, mapped):
    page = client_for("organizer").get(map_url(coalition)).content.decode()
    assert 'data-has-metrics="false"' in page


# Positions


def test_an_organizer_pins_a_dragged_position(client_for, coalition, mapped):
    client = client_for("organizer")
    path = url(coalition, "positions", mapped["faith"].pk)
    response = client.put(path, {"x": 12.5, "y": -40}, content_type="application/json")
    assert response.status_code == 200
    position = ActorPosition.objects.get(actor=mapped["faith"])
    assert (position.x, position.y, position.is_pinned) == (12.5, -40.0, True)


def test_a_position_out_of_range_is_a_400_naming_the_field(client_for, coalition, mapped):
    client = client_for("organizer")
    path = url(coalition, "positions", mapped["faith"].pk)
    response = client.put(path, {"x": 1e12, "y": 0}, content_type="application/json")
    assert response.status_code == 400 and "x" in response.json()


def test_a_member_places_only_their_own_organisation(client_for, coalition, mapped, member_org):
    client = client_for("member")
    body = {"x": 1, "y": 2}
    own = client.put(url(coalition, "positions", member_org.pk), body, "application/json")
    other = client.put(url(coalition, "positions", mapped["faith"].pk), body, "application/json")
    hidden = client.put(url(coalition, "positions", mapped["secret"].pk), body, "application/json")
    assert (own.status_code, other.status_code, hidden.status_code) == (200, 403, 404)


def test_a_new_actor_tied_to_placed_actors_lands_beside_them(client_for, coalition, mapped):
    ActorPositionFactory(actor=mapped["faith"], x=100, y=100)
    ActorPositionFactory(actor=mapped["mayor"], x=300, y=100)
    client = client_for("organizer")
    newcomer = client.post(
        url(coalition, "actors"), {"name": "Youth Choir", "kind": "group"}, "application/json"
    ).json()["id"]

    def tie_to(other):
        response = client.post(
            url(coalition, "ties"), {"source": newcomer, "target": other.pk}, "application/json"
        )
        assert response.status_code == 201

    tie_to(mapped["faith"])
    position = ActorPosition.objects.get(actor_id=newcomer)
    # Beside its neighbour at (100, 100), not on top of it.
    distance = ((position.x - 100) ** 2 + (position.y - 100) ** 2) ** 0.5
    assert distance == pytest.approx(40)
    assert not position.is_pinned
    # Its place is kept when it gains more ties; the next layout run moves it.
    tie_to(mapped["mayor"])
    assert ActorPosition.objects.get(actor_id=newcomer).x == position.x


def test_the_coalition_home_links_to_the_map_for_those_who_may_see_it(client_for, coalition):
    home = reverse("coalition-home", args=[coalition.pk])
    assert map_url(coalition) in client_for("member").get(home).content.decode()
    assert map_url(coalition) not in client_for("funder").get(home).content.decode()


@pytest.mark.django_db
def test_as_of_shows_only_actors_known_then_with_the_tie_strengths_of_then(client_for, coalition):
    """An actor whose first-known date (earliest dated tie, assessment or interaction, or
    its creation) is after the date is absent; a tie changed since shows its old strength."""
    import datetime

    from django.utils import timezone

    from tests.allies.factories import ActorFactory, AllyAssessmentFactory
    from tests.networks.factories import TieFactory

    today = timezone.localdate()
    long_ago = today - datetime.timedelta(days=400)
    old = ActorFactory(coalition=coalition, name="Old Union")
    partner = ActorFactory(coalition=coalition, name="Old Partner")
    newcomer = ActorFactory(coalition=coalition, name="Newcomer")
    for actor in (old, partner, newcomer):
        type(actor).objects.filter(pk=actor.pk).update(created_at=timezone.now())
    AllyAssessmentFactory(actor=old, assessed_on=long_ago - datetime.timedelta(days=30))
    AllyAssessmentFactory(actor=newcomer, assessed_on=today - datetime.timedelta(days=10))
    tie = TieFactory(
        coalition=coalition, source=old, target=partner, strength=2, started_on=long_ago
    )
    tie.strength = 5
    tie.save()
    # The tie's first value was recorded today: back-date it, as if entered long ago.
    first = tie.history.order_by("history_date").first()
    type(first).objects.filter(pk=first.pk).update(
        history_date=timezone.now() - datetime.timedelta(days=300)
    )
    api = f"/api/v1/coalitions/{coalition.pk}/map/"
    then = client_for("organizer").get(f"{api}?as_of={long_ago.isoformat()}").json()
    names = {node["name"] for node in then["nodes"]}
    assert "Newcomer" not in names
    assert {"Old Union", "Old Partner"} <= names  # the partner is known by its dated tie
    (edge,) = [e for e in then["edges"] if e["id"] == tie.pk]
    assert edge["strength"] == 2
    now = client_for("organizer").get(api).json()
    assert "Newcomer" in {node["name"] for node in now["nodes"]}
    assert [e["strength"] for e in now["edges"] if e["id"] == tie.pk] == [5]


@pytest.mark.django_db
def test_the_table_view_is_paged_and_keeps_the_filters_in_its_page_links(client_for, coalition):
    from tests.allies.factories import ActorFactory

    for i in range(120):
        ActorFactory(coalition=coalition, name=f"Group {i:03d}", kind="group")
    ActorFactory(coalition=coalition, name="A person", kind="person")
    client = client_for("organizer")
    first = client.get(f"/coalitions/{coalition.pk}/map/table/?kind=group").content.decode()
    assert "Group 000" in first and "Group 050" not in first and "A person" not in first
    assert "kind=group&amp;page=2" in first and "of 120" in first
    third = client.get(f"/coalitions/{coalition.pk}/map/table/?kind=group&page=3").content.decode()
    assert "Group 119" in third and "Group 000" not in third
