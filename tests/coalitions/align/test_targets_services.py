"""Targets, their pillars of support and the proximities recorded to them: the services that
pages, API and demo share."""

import pytest
from django.http import Http404

from allies.services.actors import actor_delete, actor_restore
from coalitions.align.models import Pillar, PillarProximity, Target
from coalitions.align.selectors import proximity_changes, support_of
from coalitions.align.services.targets import (
    pillar_create,
    pillar_delete,
    pillar_restore,
    pillar_update,
    proximity_delete,
    proximity_record,
    proximity_restore,
    proximity_update,
    target_create,
    target_delete,
    target_restore,
    target_update,
)
from coalitions.roles import access_for
from coalitions.services import coalition_create
from tests.allies.factories import ActorFactory
from weft.errors import ApplicationError
from weft.versions import StaleVersion
from weft.vocabulary import ActorKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def mayor(coalition):
    return ActorFactory(coalition=coalition, name="Mayor Draycott", kind=ActorKind.OFFICIAL)


@pytest.fixture
def target(coalition, mayor, personas):
    return target_create(
        coalition=coalition, actor=mayor, created_by=personas["organizer"], demand="Sign it"
    )


@pytest.fixture
def chamber(coalition):
    return ActorFactory(coalition=coalition, name="Chamber of Commerce", kind="organisation")


@pytest.fixture
def elsewhere(make_user):
    theirs = coalition_create(name="Far Away", created_by=make_user("far"), cause="Other")
    return ActorFactory(coalition=theirs, name="Stranger Org", kind="organisation")


def test_a_pillar_is_added_by_actor_and_takes_its_name(target, chamber, personas):
    pillar = pillar_create(
        target=target, actor=chamber, sector="business", created_by=personas["weaver"]
    )
    assert pillar.name == "Chamber of Commerce"
    assert list(target.pillars.all()) == [pillar]
    assert pillar.history.get().history_user == personas["weaver"]


def test_a_pillar_without_actor_needs_a_name(target, personas):
    with pytest.raises(ApplicationError) as refused:
        pillar_create(target=target, name="  ", created_by=personas["weaver"])
    assert refused.value.field == "name"
    assert not Pillar.objects.exists()


def test_a_pillar_actor_of_another_coalition_is_refused_naming_the_field(
    target, elsewhere, personas
):
    with pytest.raises(ApplicationError) as refused:
        pillar_create(target=target, actor=elsewhere, created_by=personas["weaver"])
    assert refused.value.field == "actor"
    assert "another" in refused.value.message
    assert not Pillar.objects.exists()


def test_a_target_is_not_its_own_pillar_and_a_sector_must_be_known(target, mayor, personas):
    with pytest.raises(ApplicationError) as refused:
        pillar_create(target=target, actor=mayor, created_by=personas["weaver"])
    assert refused.value.field == "actor"
    with pytest.raises(ApplicationError) as refused:
        pillar_create(target=target, name="Banks", sector="banks", created_by=personas["weaver"])
    assert refused.value.field == "sector"
    assert not Pillar.objects.exists()


def test_two_pillars_of_one_target_do_not_share_a_name(target, personas):
    pillar_create(target=target, name="The press", created_by=personas["weaver"])
    with pytest.raises(ApplicationError) as refused:
        pillar_create(target=target, name="the press", created_by=personas["weaver"])
    assert refused.value.field == "name"


def test_a_stale_pillar_edit_is_refused_naming_who_changed_it(target, personas):
    pillar = pillar_create(target=target, name="The press", created_by=personas["weaver"])
    pillar_update(
        pillar=pillar, expected_version=1, updated_by=personas["organizer"], sector="media"
    )
    with pytest.raises(StaleVersion) as refused:
        pillar_update(
            pillar=pillar, expected_version=1, updated_by=personas["weaver"], note="Old news"
        )
    assert "organizer" in refused.value.message
    pillar.refresh_from_db()
    assert (pillar.sector, pillar.note, pillar.version) == ("media", "", 2)


def test_deleting_a_pillar_takes_its_proximities_and_undo_brings_both_back(
    coalition, target, chamber, people, personas
):
    pillar = pillar_create(target=target, actor=chamber, created_by=personas["weaver"])
    proximity_record(pillar=pillar, actor=people[0], proximity=4, recorded_by=personas["weaver"])
    deletion = pillar_delete(pillar=pillar, expected_version=1, deleted_by=personas["weaver"])
    assert not Pillar.objects.exists() and not PillarProximity.objects.exists()
    back = pillar_restore(coalition=coalition, history_id=deletion, restored_by=personas["weaver"])
    assert back.name == "Chamber of Commerce" and back.actor == chamber
    assert list(back.proximities.values_list("actor__name", "proximity")) == [("Person 0", 4)]
    with pytest.raises(ApplicationError):
        pillar_restore(coalition=coalition, history_id=deletion, restored_by=personas["weaver"])


def test_an_undo_of_another_coalition_is_as_if_it_did_not_exist(target, personas, make_user):
    pillar = pillar_create(target=target, name="The press", created_by=personas["weaver"])
    deletion = pillar_delete(pillar=pillar, expected_version=1, deleted_by=personas["weaver"])
    theirs = coalition_create(name="Far Away", created_by=make_user("far"), cause="Other")
    with pytest.raises(Http404):
        pillar_restore(coalition=theirs, history_id=deletion, restored_by=personas["weaver"])
    with pytest.raises(Http404):
        pillar_restore(coalition=target.coalition, history_id="x", restored_by=None)
    assert not Pillar.objects.exists()


def test_deleting_a_target_takes_its_pillars_and_undo_restores_the_lot(
    coalition, target, people, personas
):
    pillar = pillar_create(target=target, name="The press", created_by=personas["weaver"])
    proximity_record(pillar=pillar, actor=people[1], proximity=2, recorded_by=personas["weaver"])
    deletion = target_delete(target=target, expected_version=1, deleted_by=personas["steward"])
    assert not Target.objects.exists() and not Pillar.objects.exists()
    back = target_restore(coalition=coalition, history_id=deletion, restored_by=personas["weaver"])
    assert back.demand == "Sign it"
    assert [p.name for p in back.pillars.all()] == ["The press"]
    assert PillarProximity.objects.get().proximity == 2


def test_a_stale_target_delete_is_refused(target, personas):
    target_update(target=target, expected_version=1, updated_by=personas["weaver"], demand="X")
    with pytest.raises(StaleVersion):
        target_delete(target=target, expected_version=1, deleted_by=personas["weaver"])
    assert Target.objects.filter(pk=target.pk).exists()


def test_a_proximity_is_one_to_five_and_its_changes_are_kept(target, people, personas):
    pillar = pillar_create(target=target, name="The press", created_by=personas["weaver"])
    for bad in (0, 6, "close", None):
        with pytest.raises(ApplicationError) as refused:
            proximity_record(
                pillar=pillar, actor=people[0], proximity=bad, recorded_by=personas["weaver"]
            )
        assert refused.value.field == "proximity"
    row = proximity_record(
        pillar=pillar, actor=people[0], proximity=2, recorded_by=personas["weaver"]
    )
    proximity_update(
        pillar_proximity=row, expected_version=1, updated_by=personas["organizer"], proximity=4
    )
    with pytest.raises(StaleVersion):
        proximity_update(
            pillar_proximity=row, expected_version=1, updated_by=personas["weaver"], proximity=5
        )
    with pytest.raises(ApplicationError) as refused:
        proximity_update(
            pillar_proximity=row, expected_version=2, updated_by=personas["weaver"], proximity=9
        )
    assert refused.value.field == "proximity"
    row.refresh_from_db()
    assert row.proximity == 4
    moves = proximity_changes([row])[row.pk]
    assert [(m["proximity"], m["changed_by"]) for m in moves] == [(4, "organizer"), (2, "weaver")]


def test_a_proximity_is_recorded_once_per_actor_and_pillar(target, people, personas):
    pillar = pillar_create(target=target, name="The press", created_by=personas["weaver"])
    proximity_record(pillar=pillar, actor=people[0], proximity=2, recorded_by=None)
    with pytest.raises(ApplicationError) as refused:
        proximity_record(pillar=pillar, actor=people[0], proximity=3, recorded_by=None)
    assert refused.value.field == "actor"
    assert PillarProximity.objects.get().proximity == 2


def test_a_proximity_actor_of_another_coalition_is_refused_naming_the_field(
    target, elsewhere, personas
):
    pillar = pillar_create(target=target, name="The press", created_by=personas["weaver"])
    with pytest.raises(ApplicationError) as refused:
        proximity_record(pillar=pillar, actor=elsewhere, proximity=3, recorded_by=None)
    assert refused.value.field == "actor"
    assert not PillarProximity.objects.exists()


def test_deleting_a_proximity_can_be_undone(coalition, target, people, personas):
    pillar = pillar_create(target=target, name="The press", created_by=personas["weaver"])
    row = proximity_record(pillar=pillar, actor=people[0], proximity=2, recorded_by=None)
    deletion = proximity_delete(
        pillar_proximity=row, expected_version=1, deleted_by=personas["weaver"]
    )
    assert not PillarProximity.objects.exists()
    proximity_restore(coalition=coalition, history_id=deletion, restored_by=personas["weaver"])
    assert PillarProximity.objects.get().proximity == 2


def test_deleting_an_actor_takes_its_proximities_and_restoring_it_brings_them_back(
    coalition, target, people, personas
):
    pillar = pillar_create(target=target, name="The press", created_by=personas["weaver"])
    proximity_record(pillar=pillar, actor=people[0], proximity=5, recorded_by=None)
    access = access_for(personas["organizer"], coalition.pk)
    actor_delete(access=access, actor=people[0], expected_version=people[0].version)
    assert not PillarProximity.objects.exists()
    record = people[0].history.filter(history_type="-").get()
    actor_restore(access=access, actor_id=people[0].pk, history_id=record.history_id)
    assert PillarProximity.objects.get().proximity == 5


def test_the_panel_reads_a_targets_pillars_and_an_actors_proximities(
    coalition, target, chamber, people, hidden, personas
):
    pillar = pillar_create(target=target, actor=chamber, created_by=personas["weaver"])
    secret = pillar_create(target=target, actor=hidden, created_by=personas["organizer"])
    proximity_record(pillar=pillar, actor=people[0], proximity=4, recorded_by=None)
    weaver = access_for(personas["weaver"], coalition.pk)
    organizer = access_for(personas["organizer"], coalition.pk)
    shown = support_of(weaver, target.actor)["targets"][0]["pillars"]
    # The sensitive actor's pillar is listed by name, its actor not revealed to a weaver.
    assert {(p["name"], p["actor"]) for p in shown} == {
        ("Chamber of Commerce", chamber.pk),
        ("Quiet Ally", None),
    }
    assert {p["actor"] for p in support_of(organizer, target.actor)["targets"][0]["pillars"]} == {
        chamber.pk,
        hidden.pk,
    }
    near = support_of(weaver, people[0])
    assert near["targets"] == []
    assert [(p["pillar_name"], p["proximity"], p["target"]) for p in near["proximities"]] == [
        ("Chamber of Commerce", 4, target.pk)
    ]
    assert secret.pk not in [p["pillar"] for p in near["proximities"]]
