"""Editing Produce from the page: working groups (nestable) with members and leads,
actions (date, place, leaders, turnout, outcome), wins and climate shifts against the actions
behind them. A stale form is refused with who changed it; nothing is overwritten."""

import datetime

import pytest

from coalitions.produce.models import Action, ClimateShift, GroupMember, Win, WorkingGroup
from coalitions.produce.services import working_group_update
from tests.coalitions.factories import ActionFactory, WinFactory, WorkingGroupFactory

NEW = "/coalitions/{id}/produce/{kind}/new/"
EDIT = "/coalitions/{id}/produce/{kind}/{pk}/"


@pytest.fixture
def group(coalition):
    return WorkingGroupFactory(coalition=coalition, name="Research")


@pytest.fixture
def action(coalition):
    return ActionFactory(coalition=coalition, title="Rally", starts_on=datetime.date(2026, 5, 1))


@pytest.mark.parametrize("kind", ["groups", "actions", "wins", "shifts"])
@pytest.mark.parametrize(
    "persona,status",
    [
        ("steward", 200),
        ("organizer", 200),
        ("weaver", 200),
        ("member", 403),
        ("funder", 403),
        ("outsider", 404),
    ],
)
def test_only_the_workflow_roles_reach_the_produce_forms(
    client_for, coalition, kind, persona, status
):
    assert client_for(persona).get(NEW.format(id=coalition.pk, kind=kind)).status_code == status


@pytest.mark.parametrize("persona,status", [("member", 403), ("funder", 403), ("outsider", 404)])
def test_members_funders_and_outsiders_write_nothing(client_for, coalition, group, persona, status):
    client = client_for(persona)
    new = client.post(NEW.format(id=coalition.pk, kind="groups"), {"name": "X", "kind": "hub"})
    edit = client.post(
        EDIT.format(id=coalition.pk, kind="groups", pk=group.pk),
        {"name": "Renamed", "kind": "hub", "version": group.version},
    )
    seats = client.post(f"/coalitions/{coalition.pk}/produce/groups/{group.pk}/seats/", {})
    assert (new.status_code, edit.status_code, seats.status_code) == (status,) * 3
    assert list(WorkingGroup.objects.values_list("name", flat=True)) == ["Research"]


def test_an_unknown_kind_is_a_404(client_for, coalition):
    assert client_for("weaver").get(NEW.format(id=coalition.pk, kind="parties")).status_code == 404


def test_a_weaver_nests_a_group_and_seats_a_lead(client_for, coalition, group, people):
    client = client_for("weaver")
    response = client.post(
        NEW.format(id=coalition.pk, kind="groups"),
        {"name": "Eastside hub", "kind": "hub", "parent": group.pk, "purpose": "Towers"},
    )
    assert response.status_code == 302
    hub = WorkingGroup.objects.get(name="Eastside hub")
    assert (hub.parent, hub.kind, hub.history.first().history_user.username) == (
        group,
        "hub",
        "weaver",
    )
    seats = f"/coalitions/{coalition.pk}/produce/groups/{hub.pk}/seats/"
    assert client.post(seats, {"actor": people[0].pk, "is_lead": "on"}).status_code == 302
    assert client.post(seats, {"actor": people[1].pk, "joined_on": "2026-01-05"}).status_code == 302
    assert {(s.actor_id, s.is_lead) for s in GroupMember.objects.filter(group=hub)} == {
        (people[0].pk, True),
        (people[1].pk, False),
    }
    # Changing a seat: the same actor again updates it.
    client.post(seats, {"actor": people[1].pk, "is_lead": "on"})
    assert GroupMember.objects.get(group=hub, actor=people[1]).is_lead
    bad = client.post(
        seats, {"actor": people[2].pk, "joined_on": "2026-02-01", "left_on": "2026-01-01"}
    )
    assert bad.status_code == 400 and "on or after the start" in bad.content.decode()
    seat = GroupMember.objects.get(group=hub, actor=people[0])
    assert client.post(seats, {"action": "remove", "seat": seat.pk}).status_code == 302
    assert not GroupMember.objects.filter(pk=seat.pk).exists()
    page = client.get(f"/coalitions/{coalition.pk}/produce/").content.decode()
    assert "(inside Research)" in page and "Person 1 (lead)" in page


def test_a_group_cannot_sit_inside_itself_or_its_children(client_for, coalition, group):
    child = WorkingGroupFactory(coalition=coalition, name="Child", parent=group)
    response = client_for("weaver").post(
        EDIT.format(id=coalition.pk, kind="groups", pk=group.pk),
        {"name": "Research", "kind": "working_group", "parent": child.pk, "version": group.version},
    )
    assert response.status_code == 400 and "sit inside itself" in response.content.decode()
    group.refresh_from_db()
    assert group.parent is None


def test_a_duplicate_group_name_is_refused(client_for, coalition, group):
    response = client_for("weaver").post(
        NEW.format(id=coalition.pk, kind="groups"), {"name": "research", "kind": "hub"}
    )
    assert response.status_code == 400 and "has this name" in response.content.decode()


def test_a_stale_group_form_is_refused_with_who_changed_it(client_for, coalition, group, personas):
    opened_on = group.version
    working_group_update(
        group=group,
        expected_version=opened_on,
        updated_by=personas["organizer"],
        name="Research and data",
        kind="working_group",
    )
    response = client_for("weaver").post(
        EDIT.format(id=coalition.pk, kind="groups", pk=group.pk),
        {"name": "Mine", "kind": "hub", "version": opened_on},
    )
    assert response.status_code == 412  # a stale write, as on the API
    html = response.content.decode()
    assert "changed by organizer" in html and "your change was not saved" in html
    assert html.count("your change was not saved") == 1  # said once, above the form
    assert WorkingGroup.objects.get(pk=group.pk).name == "Research and data"


def test_a_weaver_records_an_action_with_leaders_and_turnout(client_for, coalition, group, people):
    client = client_for("weaver")
    response = client.post(
        NEW.format(id=coalition.pk, kind="actions"),
        {
            "title": "March on City Hall",
            "is_convergence": "on",
            "starts_on": "2026-06-01",
            "place": "City Hall steps",
            "working_group": group.pk,
            "leaders": [people[0].pk, people[1].pk],
            "planned_turnout": 500,
        },
    )
    assert response.status_code == 302
    action = Action.objects.get(title="March on City Hall")
    assert set(action.leaders.all()) == {people[0], people[1]}
    assert (action.is_convergence, action.place, action.planned_turnout) == (
        True,
        "City Hall steps",
        500,
    )
    edit = EDIT.format(id=coalition.pk, kind="actions", pk=action.pk)
    form = client.get(edit).content.decode()
    assert 'value="March on City Hall"' in form and f'value="{action.version}"' in form
    response = client.post(
        edit,
        {
            "title": "March on City Hall",
            "starts_on": "2026-06-01",
            "leaders": [people[1].pk],
            "planned_turnout": 500,
            "actual_turnout": 740,
            "outcome": "The vote was tabled",
            "version": action.version,
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.actual_turnout, action.outcome, action.is_convergence) == (
        740,
        "The vote was tabled",
        False,
    )
    assert list(action.leaders.all()) == [people[1]]


def test_a_negative_turnout_is_refused(client_for, coalition):
    response = client_for("weaver").post(
        NEW.format(id=coalition.pk, kind="actions"),
        {"title": "Rally", "starts_on": "2026-06-01", "actual_turnout": -5},
    )
    assert response.status_code == 400 and not Action.objects.exists()


def test_an_action_led_by_a_hidden_actor_is_not_editable_by_a_weaver(
    client_for, coalition, action, hidden
):
    action.leaders.add(hidden)
    path = EDIT.format(id=coalition.pk, kind="actions", pk=action.pk)
    assert client_for("weaver").get(path).status_code == 404
    assert client_for("organizer").get(path).status_code == 200


def test_wins_and_shifts_are_recorded_against_actions(client_for, coalition, action):
    client = client_for("organizer")
    response = client.post(
        NEW.format(id=coalition.pk, kind="wins"),
        {"title": "Just-cause ordinance passed", "won_on": "2026-07-01", "actions": [action.pk]},
    )
    assert response.status_code == 302
    win = Win.objects.get()
    assert list(win.actions.all()) == [action]
    response = client.post(
        NEW.format(id=coalition.pk, kind="shifts"),
        {
            "title": "Rent control is thinkable",
            "recorded_on": "2026-07-10",
            "direction": "favourable",
            "actions": [action.pk],
        },
    )
    assert response.status_code == 302
    shift = ClimateShift.objects.get()
    assert (shift.direction, list(shift.actions.all())) == ("favourable", [action])
    response = client.post(
        EDIT.format(id=coalition.pk, kind="shifts", pk=shift.pk),
        {
            "title": "Rent control is thinkable",
            "recorded_on": "2026-07-10",
            "direction": "mixed",
            "version": shift.version,
        },
    )
    assert response.status_code == 302
    shift.refresh_from_db()
    assert shift.direction == "mixed" and not shift.actions.exists()
    page = client.get(f"/coalitions/{coalition.pk}/produce/").content.decode()
    assert "Just-cause ordinance passed" in page and "after Rally" in page


def test_a_weaver_editing_a_win_keeps_its_link_to_a_hidden_action(
    client_for, coalition, action, hidden, personas
):
    secret = ActionFactory(
        coalition=coalition, title="Quiet meeting", starts_on=datetime.date(2026, 4, 1)
    )
    secret.leaders.add(hidden)
    win = WinFactory(coalition=coalition, title="Win", won_on=datetime.date(2026, 7, 1))
    win.actions.set([action, secret])
    client = client_for("weaver")
    path = EDIT.format(id=coalition.pk, kind="wins", pk=win.pk)
    assert "Quiet meeting" not in client.get(path).content.decode()
    response = client.post(path, {"title": "Win", "won_on": "2026-07-01", "version": win.version})
    assert response.status_code == 302
    assert list(win.actions.all()) == [secret]  # the weaver unticked only what they saw
