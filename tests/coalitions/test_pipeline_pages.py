"""The pipeline's memberships in the browser (issue #17, item 5): add an organisation as a
prospect from the board, edit its designee (with the history of who was designee when), what it
brings and gets, its phase notes and its commitments, remove it and undo the removal. Every role
against every page; bad input and stale saves refused next to the field, nothing saved."""

import datetime
from decimal import Decimal

import pytest

from coalitions.connect.models import Commitment, Membership, PhaseMove
from coalitions.connect.services import (
    commitment_create,
    membership_create,
    membership_update,
)
from coalitions.services import coalition_create
from tests.allies.factories import ActorFactory
from weft.versions import ANY_VERSION
from weft.vocabulary import ActorKind


def board_url(coalition):
    return f"/coalitions/{coalition.pk}/pipeline/"


def member_url(coalition, membership):
    return f"/coalitions/{coalition.pk}/pipeline/members/{membership.pk}/"


@pytest.fixture
def member(coalition, orgs, people, personas):
    """Org 0, in Connect, Person 0 its designee, 40 hours committed."""
    membership = membership_create(
        coalition=coalition,
        created_by=personas["weaver"],
        organisation=orgs[0],
        phase="connect",
        designee=people[0],
        brings="200 tenants",
        gets="Legal support",
    )
    commitment_create(
        membership=membership,
        kind="hours",
        amount=40,
        created_by=personas["weaver"],
        due_on=datetime.date(2026, 9, 1),
    )
    return membership


def edit_data(membership, **changes):
    data = {
        "designee": membership.designee_id or "",
        "brings": membership.brings,
        "gets": membership.gets,
        "phase_notes": membership.phase_notes,
        "version": membership.version,
    }
    data.update(changes)
    return data


# -- Who reaches what -------------------------------------------------------------------------
EDITORS = ["steward", "organizer", "weaver"]
REFUSED = [("member", 403), ("funder", 403), ("outsider", 404)]


@pytest.mark.parametrize("persona", EDITORS)
def test_the_roles_that_run_the_workflow_open_a_members_page(
    client_for, coalition, member, persona
):
    response = client_for(persona).get(member_url(coalition, member))
    assert response.status_code == 200
    assert "Org 0" in response.content.decode()


@pytest.mark.parametrize("persona,status", REFUSED)
def test_members_funders_and_outsiders_do_not_reach_a_members_page(
    client_for, coalition, member, persona, status
):
    assert client_for(persona).get(member_url(coalition, member)).status_code == status


def writes(coalition, member, orgs, people):
    """Every write of the new pages, as (url, data)."""
    commitment = member.commitments.get()
    base = member_url(coalition, member)
    return [
        (f"{board_url(coalition)}members/add/", {"organisation": orgs[1].pk}),
        (base, edit_data(member, brings="Changed")),
        (f"{base}commitments/", {"new-kind": "money", "new-amount": "500"}),
        (
            f"{base}commitments/{commitment.pk}/",
            {
                f"c{commitment.pk}-kind": "hours",
                f"c{commitment.pk}-amount": "1",
                f"c{commitment.pk}-version": commitment.version,
            },
        ),
        (f"{base}commitments/{commitment.pk}/remove/", {"version": commitment.version}),
        (f"{base}commitments/undo/", {}),
        (f"{base}remove/", {"version": member.version}),
        (f"{board_url(coalition)}undo/", {}),
    ]


@pytest.mark.parametrize("persona,status", REFUSED)
def test_members_funders_and_outsiders_cannot_write_anything_of_the_pipeline(
    client_for, coalition, member, orgs, people, persona, status
):
    client = client_for(persona)
    before = (Membership.objects.count(), Commitment.objects.count(), member.version)
    for url, data in writes(coalition, member, orgs, people):
        assert client.post(url, data).status_code == status, url
    member.refresh_from_db()
    assert (Membership.objects.count(), Commitment.objects.count(), member.version) == before


def test_signed_out_visitors_are_sent_to_sign_in_from_every_new_page(
    client, coalition, member, orgs, people
):
    for url, data in writes(coalition, member, orgs, people):
        response = client.post(url, data)
        assert response.status_code == 302 and response.url.startswith("/login/"), url
    assert Membership.objects.count() == 1


@pytest.mark.parametrize("persona", EDITORS)
def test_every_role_that_runs_the_workflow_adds_edits_and_removes(
    client_for, coalition, member, orgs, people, persona
):
    client = client_for(persona)
    for url, data in writes(coalition, member, orgs, people)[:4]:
        response = client.post(url, data)
        assert response.status_code == 302, (url, response.content.decode()[:2000])
    member.refresh_from_db()
    assert member.brings == "Changed"
    assert Membership.objects.filter(organisation=orgs[1], phase="prospect").exists()
    assert member.commitments.count() == 2


# -- Add a prospect from the board ------------------------------------------------------------
def test_the_board_offers_the_organisations_not_yet_on_the_pipeline(
    client_for, coalition, member, orgs, people
):
    response = client_for("weaver").get(board_url(coalition))
    choices = dict(response.context["prospect_form"].fields["organisation"].widget.choices)
    assert orgs[1].pk in choices and orgs[0].pk not in choices  # Org 0 is a member already
    assert people[0].pk not in choices  # a person is no member


def test_a_weaver_adds_an_organisation_as_a_prospect_and_sees_it_on_the_board(
    client_for, coalition, orgs, personas
):
    client = client_for("weaver")
    response = client.post(f"{board_url(coalition)}members/add/", {"organisation": orgs[2].pk})
    assert response.status_code == 302
    membership = Membership.objects.get(organisation=orgs[2])
    assert membership.phase == "prospect"
    move = PhaseMove.objects.get(membership=membership)
    assert (move.from_phase, move.to_phase, move.moved_by) == ("", "prospect", personas["weaver"])
    page = client.get(board_url(coalition))
    prospects = {c["phase"]: c for c in page.context["board"]["columns"]}["prospect"]
    assert [m.organisation.name for m in prospects["members"]] == ["Org 2"]
    assert "Org 2 is on the pipeline as a prospect." in page.content.decode()


@pytest.mark.parametrize(
    "which,message",
    [
        ("person", "must be an organisation, group or institution."),
        ("elsewhere", "Choose an actor of this coalition."),
        ("member", "is already a member of this coalition."),
        ("nobody", "Choose an actor of this coalition."),
    ],
)
def test_adding_a_person_an_actor_of_another_coalition_or_a_member_is_refused_at_the_field(
    client_for, coalition, member, people, make_user, which, message
):
    other = coalition_create(name="Elsewhere", created_by=make_user("else"), cause="Another")
    chosen = {
        "person": people[1].pk,
        "elsewhere": ActorFactory(coalition=other, kind=ActorKind.ORGANISATION).pk,
        "member": member.organisation_id,
        "nobody": 999_999,
    }[which]
    response = client_for("weaver").post(
        f"{board_url(coalition)}members/add/", {"organisation": chosen}
    )
    assert response.status_code == 400
    assert response.context["prospect_form"].errors["organisation"] == [message]
    assert Membership.objects.count() == 1


# -- Edit a membership ------------------------------------------------------------------------
def test_a_weaver_edits_the_designee_value_proposition_and_notes_and_sees_who_was_designee(
    client_for, coalition, member, people
):
    client = client_for("weaver")
    response = client.post(
        member_url(coalition, member),
        edit_data(
            member,
            designee=people[1].pk,
            brings="300 tenants",
            gets="A seat at the table",
            phase_notes="Board vote on joining in May",
        ),
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.designee, member.brings, member.gets, member.phase_notes) == (
        people[1],
        "300 tenants",
        "A seat at the table",
        "Board vote on joining in May",
    )
    page = client.get(member_url(coalition, member))
    terms = page.context["terms"]
    assert [(t["name"], t["until"] is None) for t in terms] == [
        ("Person 1", True),
        ("Person 0", False),
    ]
    html = page.content.decode()
    assert "Person 0: from" in html and "Person 1: from" in html and "(designee now)" in html
    board = client.get(board_url(coalition)).content.decode()
    assert "Board vote on joining in May" in board and "300 tenants" in board


@pytest.mark.parametrize(
    "designee,message",
    [("org", "must be a person."), ("elsewhere", "Choose an actor of this coalition.")],
)
def test_a_designee_who_is_no_person_of_the_coalition_is_refused_and_nothing_saved(
    client_for, coalition, member, orgs, make_user, designee, message
):
    other = coalition_create(name="Elsewhere", created_by=make_user("else"), cause="Another")
    chosen = orgs[3].pk if designee == "org" else ActorFactory(coalition=other, kind="person").pk
    response = client_for("weaver").post(
        member_url(coalition, member), edit_data(member, designee=chosen, brings="Not saved")
    )
    assert response.status_code == 400
    assert response.context["form"].errors["designee"] == [message]
    member.refresh_from_db()
    assert member.brings == "200 tenants" and member.designee.name == "Person 0"


def test_a_stale_save_is_refused_naming_who_changed_what_and_nothing_is_saved(
    client_for, coalition, member, personas
):
    opened = edit_data(member, gets="My change")
    membership_update(
        membership=member,
        expected_version=ANY_VERSION,
        updated_by=personas["organizer"],
        brings="Their change",
    )
    response = client_for("weaver").post(member_url(coalition, member), opened)
    assert response.status_code == 412
    errors = " ".join(response.context["form"].non_field_errors())
    assert "changed by organizer" in errors and "They changed: brings." in errors
    member.refresh_from_db()
    assert (member.brings, member.gets) == ("Their change", "Legal support")


# -- Commitments ------------------------------------------------------------------------------
def test_a_weaver_adds_a_commitment_and_a_bad_amount_is_refused_at_the_field(
    client_for, coalition, member
):
    client = client_for("weaver")
    url = f"{member_url(coalition, member)}commitments/"
    refused = client.post(url, {"new-kind": "money", "new-amount": "0"})
    assert refused.status_code == 400
    assert refused.context["new_commitment"].errors["amount"] == [
        "The amount must be more than zero."
    ]
    assert member.commitments.count() == 1
    added = client.post(
        url,
        {
            "new-kind": "money",
            "new-amount": "500",
            "new-description": "Printing",
            "new-due_on": "2026-12-01",
        },
    )
    assert added.status_code == 302
    money = member.commitments.get(kind="money")
    assert (money.amount, money.description, money.kept) == (Decimal("500"), "Printing", None)
    assert "500 money (Printing)" in client.get(board_url(coalition)).content.decode()


def test_a_weaver_records_a_commitment_kept_and_a_stale_change_is_refused(
    client_for, coalition, member, personas
):
    commitment = member.commitments.get()
    url = f"{member_url(coalition, member)}commitments/{commitment.pk}/"
    prefix = f"c{commitment.pk}"
    opened = {
        f"{prefix}-kind": "hours",
        f"{prefix}-amount": "40",
        f"{prefix}-kept": "yes",
        f"{prefix}-due_on": "2026-09-01",
    }
    client = client_for("weaver")
    saved = client.post(url, {**opened, f"{prefix}-version": commitment.version})
    assert saved.status_code == 302
    commitment.refresh_from_db()
    assert commitment.kept is True
    stale = client.post(url, {**opened, f"{prefix}-kept": "no", f"{prefix}-version": 1})
    assert stale.status_code == 412
    shown = next(c for c in stale.context["commitments"] if c.pk == commitment.pk)
    errors = " ".join(shown.form.non_field_errors())
    assert "changed by weaver" in errors and "They changed: kept." in errors
    commitment.refresh_from_db()
    assert commitment.kept is True


# -- Remove and undo --------------------------------------------------------------------------
def undo_on(client, page: str, undo_url: str):
    """Press the Undo button the page offers: post its one-time token (none if not offered)."""
    html = client.get(page).content.decode()
    marker = 'name="token" value="'
    token = html[html.index(marker) + len(marker) :].split('"', 1)[0] if marker in html else ""
    return client.post(undo_url, {"token": token})


def test_a_weaver_removes_a_member_and_undoes_it_getting_it_back_exactly(
    client_for, coalition, member
):
    client = client_for("weaver")
    before = Membership.objects.values().get(pk=member.pk)
    commitments = list(Commitment.objects.filter(membership=member).values())
    moves = list(PhaseMove.objects.filter(membership=member).values())
    removed = client.post(f"{member_url(coalition, member)}remove/", {"version": member.version})
    assert removed.status_code == 302
    assert not Membership.objects.filter(pk=member.pk).exists()
    assert not Commitment.objects.exists() and not PhaseMove.objects.exists()
    board = client.get(board_url(coalition))
    html = board.content.decode()
    assert "Org 0 was removed from the pipeline." in html and "Undo the removal" in html
    assert board.context["board"]["total"] == 0
    wrong = client.post(f"{board_url(coalition)}undo/", {"token": "0" * 32})
    assert wrong.status_code == 302 and not Membership.objects.filter(pk=member.pk).exists()
    undone = undo_on(client, board_url(coalition), f"{board_url(coalition)}undo/")
    assert undone.status_code == 302
    assert Membership.objects.values().get(pk=member.pk) == before
    assert list(Commitment.objects.filter(membership=member).values()) == commitments
    assert list(PhaseMove.objects.filter(membership=member).values()) == moves
    board = client.get(board_url(coalition)).content.decode()
    assert "Org 0 is back on the pipeline." in board and "Undo the removal" not in board
    # A second undo has nothing left to undo.
    client.post(f"{board_url(coalition)}undo/")
    assert "There is no removal to undo" in client.get(board_url(coalition)).content.decode()


def test_a_stale_removal_is_refused_and_the_member_stays(client_for, coalition, member, personas):
    opened = member.version
    membership_update(
        membership=member, expected_version=ANY_VERSION, updated_by=personas["organizer"], gets="x"
    )
    response = client_for("weaver").post(
        f"{member_url(coalition, member)}remove/", {"version": opened}
    )
    assert response.status_code == 412
    refusal = " ".join(response.context["removal_refused"])
    assert "changed by organizer" in refusal and "They changed: gets." in refusal
    assert Membership.objects.filter(pk=member.pk).exists()


def test_undo_is_refused_when_the_organisation_is_back_on_the_pipeline_since(
    client_for, coalition, member, personas
):
    client = client_for("weaver")
    client.post(f"{member_url(coalition, member)}remove/", {"version": member.version})
    membership_create(
        coalition=coalition, created_by=personas["organizer"], organisation=member.organisation
    )
    undo_on(client, board_url(coalition), f"{board_url(coalition)}undo/")
    html = client.get(board_url(coalition)).content.decode()
    assert "Org 0 is on the pipeline again since" in html
    assert Membership.objects.get(organisation=member.organisation).pk != member.pk


def test_the_undo_is_offered_only_to_the_person_who_removed(client_for, coalition, member, client):
    client_for("weaver").post(
        f"{member_url(coalition, member)}remove/", {"version": member.version}
    )
    client.logout()
    organizer = client_for("organizer")
    assert "Undo the removal" not in organizer.get(board_url(coalition)).content.decode()
    undo_on(organizer, board_url(coalition), f"{board_url(coalition)}undo/")
    assert not Membership.objects.filter(pk=member.pk).exists()


# -- The services under the pages -------------------------------------------------------------
def test_undoing_a_removal_after_the_designee_was_deleted_brings_it_back_without_one(
    coalition, member, personas
):
    from allies.services.actors import actor_delete
    from coalitions.connect.services import membership_delete, membership_restore
    from coalitions.roles import access_for

    access = access_for(personas["weaver"], coalition.pk)
    removal = membership_delete(
        membership=member, expected_version=member.version, deleted_by=personas["weaver"]
    )
    actor_delete(access=access, actor=member.designee, expected_version=member.designee.version)
    restored = membership_restore(access=access, membership_id=member.pk, history_id=removal)
    assert restored.designee is None and restored.brings == "200 tenants"
    assert restored.commitments.count() == 1 and restored.moves.count() == 1


def test_only_the_roles_that_run_the_workflow_may_undo_a_removal(coalition, member, personas):
    from django.core.exceptions import PermissionDenied

    from coalitions.connect.services import membership_delete, membership_restore
    from coalitions.roles import access_for

    removal = membership_delete(
        membership=member, expected_version=member.version, deleted_by=personas["weaver"]
    )
    for persona in ("member", "funder"):
        with pytest.raises(PermissionDenied):
            membership_restore(
                access=access_for(personas[persona], coalition.pk),
                membership_id=member.pk,
                history_id=removal,
            )
    assert not Membership.objects.filter(pk=member.pk).exists()


def test_the_api_writes_the_phase_notes_through_the_same_service(client_for, coalition, member):
    response = client_for("weaver").patch(
        f"/api/v1/coalitions/{coalition.pk}/memberships/{member.pk}/",
        {"phase_notes": "Waiting for their AGM"},
        content_type="application/json",
        HTTP_IF_MATCH=f'"{member.version}"',
    )
    assert response.status_code == 200, response.content
    assert response.json()["phase_notes"] == "Waiting for their AGM"
    member.refresh_from_db()
    assert member.phase_notes == "Waiting for their AGM"


def test_a_weaver_removes_a_commitment_and_undoes_it(client_for, coalition, member):
    client = client_for("weaver")
    commitment = member.commitments.get()
    before = Commitment.objects.values().get(pk=commitment.pk)
    base = member_url(coalition, member)
    stale = client.post(
        f"{base}commitments/{commitment.pk}/remove/", {"version": commitment.version + 1}
    )
    assert stale.status_code == 302 and Commitment.objects.filter(pk=commitment.pk).exists()
    removed = client.post(
        f"{base}commitments/{commitment.pk}/remove/", {"version": commitment.version}
    )
    assert removed.status_code == 302
    assert not Commitment.objects.filter(pk=commitment.pk).exists()
    page = client.get(base).content.decode()
    assert "The commitment of 40 hours was removed." in page and "Undo the removal" in page
    undo_on(client, base, f"{base}commitments/undo/")
    assert Commitment.objects.values().get(pk=commitment.pk) == before
    page = client.get(base).content.decode()
    assert "The commitment of 40 hours is back." in page and "Undo the removal" not in page
