"""Bulk edit in the map's table: the selected actors changed in one transaction (a stance, a
tag, sensitive), refused whole if one actor is refused, undone with one button; organizers,
weavers and stewards only (sensitive: organizers and stewards)."""

import datetime

import pytest
from django.urls import reverse

from allies.models import AllyAssessment
from coalitions import roles
from coalitions.produce.models import GroupMember
from networks.map.bulk import actors_bulk_undo, actors_bulk_update
from tests.allies.factories import AllyAssessmentFactory, TagFactory
from tests.coalitions.factories import GroupMemberFactory, WorkingGroupFactory
from weft.errors import ApplicationError


def _bulk(coalition):
    return reverse("coalition-map-table-bulk", args=[coalition.pk])


def _table(coalition):
    return reverse("coalition-map-table", args=[coalition.pk])


def _stance(actor):
    latest = actor.assessments.order_by("-assessed_on", "-created_at", "-id").first()
    return latest and latest.stance


@pytest.fixture
def three(coalition, orgs):
    actors = orgs[:3]
    AllyAssessmentFactory(
        actor=actors[0],
        stance="neutral",
        ally_kind="strategic",
        influence=5,
        proximity=2,
        commitment=1,
        assessed_on=datetime.date(2026, 1, 1),
    )
    actors[1].tags.add(TagFactory(coalition=coalition, name="faith"))
    return actors


def test_a_bulk_change_sets_stance_tag_and_sensitive_for_all_and_one_undo_restores_them(
    coalition, personas, three
):
    access = roles.require(personas["organizer"], coalition.pk, roles.Permission.MAP_EDIT_ALL)
    group = WorkingGroupFactory(coalition=coalition, name="Outreach")
    already = GroupMemberFactory(group=group, actor=three[2], is_lead=True)
    before = [(a.version, sorted(a.tags.values_list("name", flat=True))) for a in three]
    record = actors_bulk_update(
        access=access,
        actor_ids=[a.pk for a in three],
        stance="active_ally",
        add_tag="housing",
        is_sensitive=True,
        working_group_id=group.pk,
    )
    seated = GroupMember.objects.filter(group=group)
    assert sorted(seated.values_list("actor_id", flat=True)) == sorted(a.pk for a in three)
    for actor in three:
        actor.refresh_from_db()
        assert _stance(actor) == "active_ally"
        assert "housing" in actor.tags.values_list("name", flat=True)
        assert actor.is_sensitive
        assert actor.history.first().history_user == personas["organizer"]
    # The scores of the last assessment are kept; only the stance moves.
    moved = three[0].assessments.latest()
    assert (moved.ally_kind, moved.influence, moved.proximity) == ("strategic", 5, 2)

    assert actors_bulk_undo(access=access, record=record) == 3
    for actor, (_, tags) in zip(three, before, strict=True):
        actor.refresh_from_db()
        assert sorted(actor.tags.values_list("name", flat=True)) == tags
        assert not actor.is_sensitive
    assert [_stance(a) for a in three] == ["neutral", None, None]
    assert AllyAssessment.objects.filter(note__startswith="Set by a bulk").count() == 0
    # Only the seats the change added are taken away; the lead seated before stays.
    assert list(GroupMember.objects.filter(group=group)) == [already]


def test_one_refused_actor_refuses_the_whole_change_naming_it(coalition, personas, three):
    access = roles.require(personas["organizer"], coalition.pk, roles.Permission.MAP_EDIT_ALL)
    stale = three[2]
    versions = {a.pk: a.version for a in three}
    stale.description = "Changed meanwhile"
    stale._history_user = personas["steward"]
    stale.save()
    group = WorkingGroupFactory(coalition=coalition)
    with pytest.raises(ApplicationError) as refused:
        actors_bulk_update(
            access=access,
            actor_ids=[a.pk for a in three],
            versions=versions,
            stance="passive_ally",
            add_tag="housing",
            working_group_id=group.pk,
        )
    assert stale.name in refused.value.message
    assert refused.value.status == 412
    assert not GroupMember.objects.filter(group=group).exists()
    assert not AllyAssessment.objects.filter(stance="passive_ally").exists()
    for actor in three:
        assert "housing" not in actor.tags.values_list("name", flat=True)


@pytest.mark.parametrize("role", ["steward", "organizer", "weaver"])
def test_the_roles_that_edit_the_whole_map_bulk_edit_and_undo_from_the_table(
    client_for, coalition, three, role
):
    client = client_for(role)
    page = client.get(_table(coalition)).content.decode()
    assert 'id="bulk-form"' in page
    assert ('name="is_sensitive"' in page) is (role != "weaver")
    response = client.post(
        _bulk(coalition),
        {"actor_ids": [three[0].pk, three[1].pk], "stance": "active_opposition", "add_tag": ""},
    )
    assert response.status_code == 302
    page = client.get(_table(coalition)).content.decode()
    for actor in three[:2]:
        row = page.split(f'id="select-{actor.pk}"')[1].split("</tr>")[0]
        assert "<td>Active opposition</td>" in row
    assert "Bulk edit: 2 of 2 selected actors changed." in page
    token = page.split('name="token" value="')[1].split('"')[0]
    client.post(reverse("coalition-map-table-bulk-undo", args=[coalition.pk]), {"token": token})
    assert [_stance(a) for a in three[:2]] == ["neutral", None]
    page = client.get(_table(coalition)).content.decode()
    assert "Bulk edit undone: 2 actors put back." in page and 'id="bulk-undo"' not in page


def test_select_all_on_this_page_without_script(client_for, coalition, three, orgs):
    client = client_for("organizer")
    client.post(
        _bulk(coalition),
        {"select_page": "1", "page_ids": [a.pk for a in orgs], "add_tag": "east"},
    )
    assert all("east" in a.tags.values_list("name", flat=True) for a in orgs)


def test_a_weaver_cannot_mark_actors_sensitive_and_nothing_changes(client_for, coalition, three):
    client = client_for("weaver")
    client.post(
        _bulk(coalition),
        {"actor_ids": [a.pk for a in three], "is_sensitive": "set", "add_tag": "x"},
        follow=True,
    )
    page = client.get(_table(coalition)).content.decode()
    for actor in three:
        actor.refresh_from_db()
        assert not actor.is_sensitive
        assert "x" not in actor.tags.values_list("name", flat=True)
    assert 'id="bulk-undo"' not in page


def test_a_working_group_of_another_coalition_is_refused_by_name(client_for, coalition, three):
    elsewhere = WorkingGroupFactory()
    response = client_for("organizer").post(
        _bulk(coalition), {"actor_ids": [three[0].pk], "working_group": elsewhere.pk}, follow=True
    )
    assert "Choose a working group of this coalition." in response.content.decode()
    assert not GroupMember.objects.exists()


def test_a_refusal_is_shown_on_the_table(client_for, coalition, three):
    response = client_for("organizer").post(
        _bulk(coalition), {"actor_ids": [], "add_tag": "x"}, follow=True
    )
    assert "Select at least one actor." in response.content.decode()


@pytest.mark.parametrize("role,status", [("member", 403), ("funder", 403), ("outsider", 404)])
def test_members_funders_and_outsiders_cannot_bulk_edit(client_for, coalition, three, role, status):
    client = client_for(role)
    for url in (_bulk(coalition), reverse("coalition-map-table-bulk-undo", args=[coalition.pk])):
        response = client.post(url, {"actor_ids": [three[0].pk], "stance": "active_ally"})
        assert response.status_code == status
    assert _stance(three[0]) == "neutral"
    if role == "member":
        assert 'id="bulk-form"' not in client.get(_table(coalition)).content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, coalition, three):
    response = client.post(_bulk(coalition), {"actor_ids": [three[0].pk]})
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_bulk_page_answers_only_posts(client_for, coalition):
    assert client_for("organizer").get(_bulk(coalition)).status_code == 405
