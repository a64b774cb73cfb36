"""The targets page and a target's page: every role, every action, errors next to the field,
nothing saved on error, stale saves refused naming who, and undo after a delete."""

import pytest
from django.urls import reverse

from coalitions.align.models import Pillar, PillarProximity, Target
from coalitions.align.services.targets import pillar_update
from tests.allies.factories import ActorFactory
from tests.coalitions.factories import PillarFactory, PillarProximityFactory, TargetFactory

pytestmark = pytest.mark.django_db

EDITORS = ["steward", "organizer", "weaver"]


@pytest.fixture
def target(coalition):
    mayor = ActorFactory(coalition=coalition, name="Mayor Draycott", kind="official")
    return TargetFactory(coalition=coalition, actor=mayor, demand="Sign the ordinance")


@pytest.fixture
def pillar(target, coalition):
    chamber = ActorFactory(coalition=coalition, name="Chamber of Commerce", kind="organisation")
    return PillarFactory(target=target, name="Chamber of Commerce", actor=chamber)


def list_url(coalition):
    return reverse("workflow-targets", args=[coalition.pk])


def page_url(target):
    return reverse("workflow-target", args=[target.coalition_id, target.pk])


@pytest.mark.parametrize(
    ("persona", "status", "edits"),
    [
        ("steward", 200, True),
        ("organizer", 200, True),
        ("weaver", 200, True),
        ("member", 200, False),
        ("funder", 403, False),
        ("outsider", 404, False),
    ],
)
def test_who_reads_and_who_edits_the_targets_pages(
    client_for, coalition, target, pillar, persona, status, edits
):
    client = client_for(persona)
    for url in (list_url(coalition), page_url(target)):
        response = client.get(url)
        assert response.status_code == status
        if status == 200:
            html = response.content.decode()
            assert "Mayor Draycott" in html
            assert ('id="add-pillar"' in html or 'id="add-target"' in html) is edits


def test_signed_out_people_are_sent_to_sign_in(client, coalition, target):
    for url in (list_url(coalition), page_url(target)):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]
    assert client.post(page_url(target), {"action": "pillar-create"}).status_code == 302


@pytest.mark.parametrize(("persona", "status"), [("member", 403), ("funder", 403)])
def test_members_and_funders_write_nothing(client_for, coalition, target, persona, status):
    client = client_for(persona)
    response = client.post(
        page_url(target),
        {"action": "pillar-create", "new-pillar-name": "Police", "new-pillar-sector": "security"},
    )
    assert response.status_code == status
    response = client.post(list_url(coalition), {"actor": target.actor_id})
    assert response.status_code == status
    assert client.post(reverse("workflow-targets-undo", args=[coalition.pk])).status_code == status
    assert not Pillar.objects.exists()


@pytest.mark.parametrize("persona", EDITORS)
def test_editors_add_a_target_from_the_list(client_for, coalition, persona):
    council = ActorFactory(coalition=coalition, name="City Council", kind="institution")
    response = client_for(persona).post(
        list_url(coalition), {"actor": council.pk, "demand": "Vote yes", "is_primary": "on"}
    )
    target = Target.objects.get()
    assert response.status_code == 302 and response["Location"] == page_url(target)
    assert (target.actor, target.demand, target.is_primary) == (council, "Vote yes", True)


def test_adding_a_target_twice_is_refused_next_to_the_field(client_for, coalition, target):
    response = client_for("weaver").post(list_url(coalition), {"actor": target.actor_id})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="field-actor"' in html and "already a target" in html
    assert Target.objects.count() == 1


def test_a_pillar_is_added_and_a_bad_one_saves_nothing(client_for, target, coalition):
    client = client_for("organizer")
    response = client.post(
        page_url(target),
        {"action": "pillar-create", "new-pillar-name": "", "new-pillar-sector": "security"},
    )
    assert response.status_code == 400
    assert "The pillar&#x27;s name must not be blank" in response.content.decode()
    assert not Pillar.objects.exists()
    response = client.post(
        page_url(target),
        {"action": "pillar-create", "new-pillar-name": "Police", "new-pillar-sector": "bogus"},
    )
    assert response.status_code == 400 and not Pillar.objects.exists()
    response = client.post(
        page_url(target),
        {
            "action": "pillar-create",
            "new-pillar-name": "Police union",
            "new-pillar-sector": "security",
            "new-pillar-note": "Endorsed her last time",
        },
    )
    assert response.status_code == 302
    assert list(target.pillars.values_list("name", "sector")) == [("Police union", "security")]
    assert "Police union" in client.get(page_url(target)).content.decode()


def test_a_proximity_is_recorded_changed_and_its_earlier_value_shown(
    client_for, target, pillar, coalition
):
    ana = ActorFactory(coalition=coalition, name="Ana Ruiz", kind="person")
    client = client_for("weaver")
    prefix = f"new-proximity-{pillar.pk}"
    bad = client.post(
        page_url(target),
        {
            "action": "proximity-record",
            "pillar": pillar.pk,
            f"{prefix}-actor": ana.pk,
            f"{prefix}-proximity": "9",
        },
    )
    assert bad.status_code == 400 and not PillarProximity.objects.exists()
    assert f'id="field-{prefix}-proximity"' in bad.content.decode()
    done = client.post(
        page_url(target),
        {
            "action": "proximity-record",
            "pillar": pillar.pk,
            f"{prefix}-actor": ana.pk,
            f"{prefix}-proximity": "2",
        },
    )
    assert done.status_code == 302
    row = PillarProximity.objects.get()
    key = f"proximity-{row.pk}"
    client.post(
        page_url(target),
        {
            "action": "proximity-update",
            "proximity_id": row.pk,
            f"{key}-proximity": "4",
            f"{key}-version": "1",
        },
    )
    row.refresh_from_db()
    assert row.proximity == 4
    html = client.get(page_url(target)).content.decode()
    assert f'data-proximity="{row.pk}"' in html and 'data-value="4"' in html
    assert "2 (" in html  # the earlier value, with its date


def test_a_stale_pillar_edit_is_refused_naming_who_changed_it(client_for, target, pillar, personas):
    pillar_update(pillar=pillar, expected_version=1, updated_by=personas["organizer"], note="New")
    key = f"pillar-{pillar.pk}"
    response = client_for("weaver").post(
        page_url(target),
        {
            "action": "pillar-update",
            "pillar": pillar.pk,
            f"{key}-name": "Chamber",
            f"{key}-sector": "business",
            f"{key}-version": "1",
        },
    )
    assert response.status_code == 412
    assert "changed by organizer" in response.content.decode()
    pillar.refresh_from_db()
    assert (pillar.name, pillar.note) == ("Chamber of Commerce", "New")


def test_a_pillar_actor_of_another_coalition_cannot_be_chosen(client_for, target, make_user):
    from coalitions.services import coalition_create

    theirs = coalition_create(name="Elsewhere", created_by=make_user("far"), cause="x")
    stranger = ActorFactory(coalition=theirs, name="Stranger", kind="organisation")
    response = client_for("weaver").post(
        page_url(target),
        {"action": "pillar-create", "new-pillar-actor": stranger.pk, "new-pillar-sector": "other"},
    )
    assert response.status_code == 400
    assert 'id="field-new-pillar-actor"' in response.content.decode()
    assert not Pillar.objects.exists()


def undo_token(html: str) -> str:
    marker = 'name="token" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def test_deleting_a_pillar_offers_undo_which_brings_it_back(client_for, target, pillar, coalition):
    PillarProximityFactory(pillar=pillar, proximity=5)
    client = client_for("weaver")
    response = client.post(
        page_url(target),
        {"action": "pillar-delete", "pillar": pillar.pk, f"pillar-{pillar.pk}-version": "1"},
    )
    assert response.status_code == 302 and not Pillar.objects.exists()
    html = client.get(page_url(target)).content.decode()
    assert 'id="targets-undo"' in html
    undo = reverse("workflow-targets-undo", args=[coalition.pk])
    assert client.post(undo, {"token": "0" * 32}).status_code == 302  # not the one offered
    assert not Pillar.objects.exists()
    assert client.post(undo, {"token": undo_token(html)}).status_code == 302
    assert Pillar.objects.get().name == "Chamber of Commerce"
    assert PillarProximity.objects.get().proximity == 5
    assert 'id="targets-undo"' not in client.get(page_url(target)).content.decode()


def test_deleting_a_target_goes_back_to_the_list_with_undo(client_for, target, pillar, coalition):
    client = client_for("steward")
    stale = client.post(page_url(target), {"action": "target-delete", "target-version": "7"})
    assert stale.status_code == 302 and Target.objects.exists()
    response = client.post(page_url(target), {"action": "target-delete", "target-version": "1"})
    assert response["Location"] == list_url(coalition) and not Target.objects.exists()
    html = client.get(list_url(coalition)).content.decode()
    client.post(reverse("workflow-targets-undo", args=[coalition.pk]), {"token": undo_token(html)})
    assert Target.objects.get().pillars.get().name == "Chamber of Commerce"


def test_a_sensitive_pillar_actor_is_not_revealed_to_a_weaver(client_for, target, hidden):
    PillarFactory(target=target, name="Quiet channel", actor=hidden)
    weaver = client_for("weaver").get(page_url(target)).content.decode()
    assert "Quiet channel" in weaver and "Quiet Ally" not in weaver
    assert "Quiet Ally" in client_for("organizer").get(page_url(target)).content.decode()


def test_the_pages_read_a_fixed_number_of_queries(client_for, coalition, target, pillar):
    PillarProximityFactory(pillar=pillar)
    client = client_for("weaver")
    client.get(page_url(target))

    def count(url):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    small = (count(list_url(coalition)), count(page_url(target)))
    for n in range(8):
        extra = PillarFactory(target=target, name=f"Pillar {n}")
        PillarProximityFactory(pillar=extra)
        other = ActorFactory(coalition=coalition, name=f"Official {n}", kind="official")
        TargetFactory(coalition=coalition, actor=other)
    assert (count(list_url(coalition)), count(page_url(target))) == small
