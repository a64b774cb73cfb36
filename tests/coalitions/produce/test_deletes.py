"""Deleting from the Produce page, and undoing it: a group, an action, a win or a climate
shift goes at the version shown (a stale delete is refused with who changed it), and the Undo
button brings it back exactly as it was (seats, leaders, participants, comments and links)."""

import datetime

import pytest

from coalitions import roles
from coalitions.produce.models import Action, ClimateShift, GroupMember, Win, WorkingGroup
from coalitions.produce.services import action_update
from networks.comments import services as comment_services
from networks.comments.models import Comment
from networks.models import Interaction
from tests.coalitions.factories import (
    ActionFactory,
    ClimateShiftFactory,
    GroupMemberFactory,
    WinFactory,
    WorkingGroupFactory,
)
from tests.networks.factories import InteractionFactory

PAGE = "/coalitions/{id}/produce/"
DELETE = "/coalitions/{id}/produce/{kind}/{pk}/delete/"
UNDO = "/coalitions/{id}/produce/undo/"
MODELS = {"groups": WorkingGroup, "actions": Action, "wins": Win, "shifts": ClimateShift}


@pytest.fixture
def items(coalition):
    day = datetime.date(2026, 5, 1)
    return {
        "groups": WorkingGroupFactory(coalition=coalition, name="Research"),
        "actions": ActionFactory(coalition=coalition, title="Rally", starts_on=day),
        "wins": WinFactory(coalition=coalition, title="Rent freeze", won_on=day),
        "shifts": ClimateShiftFactory(coalition=coalition, title="Mayor listens", recorded_on=day),
    }


def _undo_token(page: str) -> str:
    marker = 'name="token" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


@pytest.mark.parametrize("kind", ["groups", "actions", "wins", "shifts"])
@pytest.mark.parametrize(
    "persona,status",
    [
        ("steward", 302),
        ("organizer", 302),
        ("weaver", 302),
        ("member", 403),
        ("funder", 403),
        ("outsider", 404),
    ],
)
def test_only_the_workflow_roles_delete_from_the_produce_page(
    client_for, coalition, items, kind, persona, status
):
    row = items[kind]
    response = client_for(persona).post(
        DELETE.format(id=coalition.pk, kind=kind, pk=row.pk), {"version": row.version}
    )
    assert response.status_code == status
    assert MODELS[kind].objects.filter(pk=row.pk).exists() == (status != 302)


@pytest.mark.parametrize("persona,status", [("member", 403), ("funder", 403), ("outsider", 404)])
def test_members_funders_and_outsiders_cannot_undo(client_for, coalition, persona, status):
    assert client_for(persona).post(UNDO.format(id=coalition.pk), {}).status_code == status


def test_delete_buttons_are_shown_to_editors_only(client_for, coalition, items):
    url = PAGE.format(id=coalition.pk)
    assert 'data-delete="actions-' in client_for("weaver").get(url).content.decode()
    assert "data-delete=" not in client_for("member").get(url).content.decode()


@pytest.mark.parametrize("kind", ["groups", "actions", "wins", "shifts"])
def test_each_kind_is_deleted_and_undone(client_for, coalition, items, kind):
    client = client_for("organizer")
    row = items[kind]
    response = client.post(
        DELETE.format(id=coalition.pk, kind=kind, pk=row.pk), {"version": row.version}
    )
    # Nothing about the row in the URL: the undo record stays in the session.
    assert response["Location"] == PAGE.format(id=coalition.pk)
    page = client.get(response["Location"]).content.decode()
    assert f"“{row}” is deleted." in page and ">Undo</button>" in page
    assert not MODELS[kind].objects.filter(pk=row.pk).exists()
    back = client.post(UNDO.format(id=coalition.pk), {"token": _undo_token(page)}, follow=True)
    assert f"“{row}” is back." in back.content.decode()
    restored = MODELS[kind].objects.get(pk=row.pk)
    assert (str(restored), restored.version) == (str(row), row.version)
    assert restored.history.first().history_user.username == "organizer"


def test_undoing_an_action_brings_back_its_people_comments_wins_and_evidence(
    client_for, coalition, people, personas
):
    action = ActionFactory(coalition=coalition, title="Rally", starts_on=datetime.date(2026, 5, 1))
    action.leaders.set(people[:2])
    action.participants.set(people[2:5])
    win = WinFactory(coalition=coalition, title="Rent freeze", won_on=datetime.date(2026, 6, 1))
    win.actions.set([action])
    shift = ClimateShiftFactory(
        coalition=coalition, title="Mayor listens", recorded_on=datetime.date(2026, 6, 2)
    )
    shift.actions.set([action])
    interaction = InteractionFactory(coalition=coalition, action=action)
    access = roles.require(personas["weaver"], coalition.pk, roles.Permission.WORKFLOW_VIEW)
    first = comment_services.comment_add(access=access, item=action, body="Who brings banners?")
    comment_services.comment_add(access=access, item=action, body="We do.", parent=first)
    client = client_for("weaver")
    client.post(
        DELETE.format(id=coalition.pk, kind="actions", pk=action.pk), {"version": action.version}
    )
    assert not Comment.objects.filter(action_id=action.pk).exists()
    assert Interaction.objects.get(pk=interaction.pk).action_id is None
    page = client.get(PAGE.format(id=coalition.pk)).content.decode()
    client.post(UNDO.format(id=coalition.pk), {"token": _undo_token(page)})
    action = Action.objects.get(pk=action.pk)
    assert set(action.leaders.all()) == set(people[:2])
    assert set(action.participants.all()) == set(people[2:5])
    assert list(action.wins.all()) == [win] and list(action.climate_shifts.all()) == [shift]
    assert Interaction.objects.get(pk=interaction.pk).action_id == action.pk
    comments = list(Comment.objects.filter(action=action).order_by("id"))
    assert [(c.body, c.parent_id) for c in comments] == [
        ("Who brings banners?", None),
        ("We do.", first.pk),
    ]


def test_undoing_a_group_brings_back_its_seats_subgroups_and_actions(client_for, coalition, people):
    group = WorkingGroupFactory(coalition=coalition, name="Research")
    child = WorkingGroupFactory(coalition=coalition, name="Eastside hub", parent=group)
    GroupMemberFactory(group=group, actor=people[0], is_lead=True)
    GroupMemberFactory(group=group, actor=people[1])
    action = ActionFactory(coalition=coalition, working_group=group)
    client = client_for("steward")
    client.post(
        DELETE.format(id=coalition.pk, kind="groups", pk=group.pk), {"version": group.version}
    )
    assert WorkingGroup.objects.get(pk=child.pk).parent_id is None
    assert not GroupMember.objects.filter(group_id=group.pk).exists()
    page = client.get(PAGE.format(id=coalition.pk)).content.decode()
    client.post(UNDO.format(id=coalition.pk), {"token": _undo_token(page)})
    assert WorkingGroup.objects.get(pk=child.pk).parent_id == group.pk
    assert Action.objects.get(pk=action.pk).working_group_id == group.pk
    seats = GroupMember.objects.filter(group_id=group.pk)
    assert {(s.actor_id, s.is_lead) for s in seats} == {(people[0].pk, True), (people[1].pk, False)}


def test_a_stale_delete_is_refused_naming_who_changed_it(client_for, coalition, items, personas):
    action = items["actions"]
    opened_at = action.version
    action_update(
        action=action, expected_version=opened_at, updated_by=personas["organizer"], place="Park"
    )
    response = client_for("weaver").post(
        DELETE.format(id=coalition.pk, kind="actions", pk=action.pk), {"version": opened_at}
    )
    assert response.status_code == 412
    assert "changed by organizer" in response.content.decode()
    assert Action.objects.filter(pk=action.pk).exists()


def test_a_delete_without_a_version_is_refused(client_for, coalition, items):
    win = items["wins"]
    response = client_for("weaver").post(DELETE.format(id=coalition.pk, kind="wins", pk=win.pk))
    assert response.status_code == 428 and Win.objects.filter(pk=win.pk).exists()


def test_an_unknown_kind_or_row_is_a_404(client_for, coalition, items):
    client = client_for("weaver")
    assert client.post(DELETE.format(id=coalition.pk, kind="parties", pk=1)).status_code == 404
    missing = DELETE.format(id=coalition.pk, kind="wins", pk=items["wins"].pk + 999)
    assert client.post(missing, {"version": 1}).status_code == 404


def test_an_undo_is_done_once_and_needs_its_token(client_for, coalition, items):
    client = client_for("weaver")
    win = items["wins"]
    client.post(DELETE.format(id=coalition.pk, kind="wins", pk=win.pk), {"version": win.version})
    token = _undo_token(client.get(PAGE.format(id=coalition.pk)).content.decode())
    wrong = client.post(UNDO.format(id=coalition.pk), {"token": "0" * 32}, follow=True)
    assert "no deletion to undo" in wrong.content.decode()
    assert not Win.objects.filter(pk=win.pk).exists()
    client.post(UNDO.format(id=coalition.pk), {"token": token})
    again = client.post(UNDO.format(id=coalition.pk), {"token": token}, follow=True)
    assert "no deletion to undo" in again.content.decode()
    assert Win.objects.filter(pk=win.pk).count() == 1


def test_an_undo_offer_is_for_who_deleted(client_for, coalition, items, client, personas):
    win = items["wins"]
    client_for("weaver").post(
        DELETE.format(id=coalition.pk, kind="wins", pk=win.pk), {"version": win.version}
    )
    client.force_login(personas["organizer"])
    assert ">Undo</button>" not in client.get(PAGE.format(id=coalition.pk)).content.decode()


def test_an_undo_is_refused_when_the_name_was_taken_since(client_for, coalition, items):
    client = client_for("weaver")
    group = items["groups"]
    client.post(
        DELETE.format(id=coalition.pk, kind="groups", pk=group.pk), {"version": group.version}
    )
    token = _undo_token(client.get(PAGE.format(id=coalition.pk)).content.decode())
    WorkingGroupFactory(coalition=coalition, name="Research")
    response = client.post(UNDO.format(id=coalition.pk), {"token": token})
    assert response.status_code == 409 and "cannot be brought back" in response.content.decode()
    assert WorkingGroup.objects.filter(name="Research").count() == 1


def test_the_edit_page_deletes_at_the_version_it_shows(client_for, coalition, items):
    client = client_for("weaver")
    win = items["wins"]
    html = client.get(f"/coalitions/{coalition.pk}/produce/wins/{win.pk}/").content.decode()
    form = html[html.index('id="delete-form"') - 200 :]
    assert f'action="{DELETE.format(id=coalition.pk, kind="wins", pk=win.pk)}"' in form
    assert f'name="version" value="{win.version}"' in form
    response = client.post(
        DELETE.format(id=coalition.pk, kind="wins", pk=win.pk), {"version": win.version}
    )
    assert response.status_code == 302 and not Win.objects.filter(pk=win.pk).exists()


def test_an_undo_offer_expires_and_leaves_the_session(client_for, coalition, items, monkeypatch):
    """What a deletion took with it (an action's comments) stays in the session for
    UNDO_MINUTES at most: after that the page offers nothing and the record is gone."""
    import time

    from weft import undo

    client = client_for("weaver")
    action = items["actions"]
    client.post(
        DELETE.format(id=coalition.pk, kind="actions", pk=action.pk), {"version": action.version}
    )
    token = _undo_token(client.get(PAGE.format(id=coalition.pk)).content.decode())
    later = time.time() + undo.UNDO_MINUTES * 60 + 1
    monkeypatch.setattr(undo.time, "time", lambda: later)
    page = client.get(PAGE.format(id=coalition.pk)).content.decode()
    assert ">Undo</button>" not in page
    assert not any(key.startswith("weft_undo_") for key in dict(client.session))
    refused = client.post(UNDO.format(id=coalition.pk), {"token": token}, follow=True)
    assert "no deletion to undo" in refused.content.decode()
    assert not Action.objects.filter(pk=action.pk).exists()
