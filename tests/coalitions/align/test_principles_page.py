"""The principles page: the roles that run the workflow add and edit principles (a stale
form is refused, not saved over a newer change); a member organisation's designee endorses
once and may withdraw; the list shows who endorses and how many."""

import pytest

from coalitions.align.models import Endorsement, Principle
from coalitions.align.services.principles import principle_update
from tests.coalitions.factories import EndorsementFactory, MembershipFactory, PrincipleFactory


@pytest.fixture
def principle(coalition):
    return PrincipleFactory(coalition=coalition, title="Those most affected lead")


def page(coalition):
    return f"/coalitions/{coalition.pk}/principles/"


@pytest.mark.parametrize("persona", ["steward", "organizer", "weaver"])
def test_the_workflow_roles_add_and_edit_principles(client_for, coalition, persona):
    client = client_for(persona)
    response = client.post(page(coalition), {"action": "add", "title": "Act together", "text": "x"})
    assert response.status_code == 302
    added = Principle.objects.get(title="Act together")
    assert added.position == 1 and added.history.first().history_user.username == persona
    response = client.post(
        page(coalition),
        {
            "action": "edit",
            "principle": added.pk,
            "version": added.version,
            "title": "Act as one",
            "text": "Together",
        },
    )
    assert response.status_code == 302
    added.refresh_from_db()
    assert (added.title, added.text, added.version) == ("Act as one", "Together", 2)


def test_a_stale_edit_form_is_refused_with_who_changed_it(
    client_for, coalition, principle, personas
):
    opened_on = principle.version
    principle_update(
        principle=principle,
        expected_version=opened_on,
        updated_by=personas["organizer"],
        title="Those most affected lead, always",
    )
    response = client_for("weaver").post(
        page(coalition),
        {"action": "edit", "principle": principle.pk, "version": opened_on, "title": "Mine"},
    )
    assert response.status_code == 412  # a stale write, as on the API
    html = response.content.decode()
    assert "changed by organizer" in html and "your change was not saved" in html
    principle.refresh_from_db()
    assert principle.title == "Those most affected lead, always"


def test_an_edit_without_a_version_is_refused(client_for, coalition, principle):
    response = client_for("weaver").post(
        page(coalition), {"action": "edit", "principle": principle.pk, "title": "Mine"}
    )
    assert response.status_code == 428
    principle.refresh_from_db()
    assert principle.title == "Those most affected lead"


def test_a_blank_title_is_refused(client_for, coalition):
    response = client_for("weaver").post(page(coalition), {"action": "add", "title": "  "})
    assert response.status_code == 400 and not Principle.objects.exists()


@pytest.mark.parametrize("persona", ["member", "funder"])
def test_members_and_funders_do_not_add_principles(client_for, coalition, member_designee, persona):
    response = client_for(persona).post(page(coalition), {"action": "add", "title": "Mine"})
    assert response.status_code == 403 and not Principle.objects.exists()


def test_the_designee_endorses_once_and_the_count_shows(
    client_for, coalition, principle, member_designee, member_org, orgs
):
    EndorsementFactory(principle=principle, organisation=orgs[0], endorsed_at=principle.created_at)
    client = client_for("member")
    html = client.get(page(coalition)).content.decode()
    assert 'data-endorsements="1"' in html and "Endorse for Tenants Union" in html
    assert "Add a principle" not in html  # members do not edit
    body = {"action": "endorse", "principle": principle.pk}
    assert client.post(page(coalition), body).status_code == 302
    endorsement = Endorsement.objects.get(organisation=member_org)
    assert endorsement.endorsed_by.username == "member"
    again = client.post(page(coalition), body)
    assert again.status_code == 409 and "already endorses" in again.content.decode()
    html = client.get(page(coalition)).content.decode()
    assert 'data-endorsements="2"' in html and "Org 0, Tenants Union" in html
    withdraw = client.post(page(coalition), {"action": "withdraw", "principle": principle.pk})
    assert withdraw.status_code == 302
    endorsement.refresh_from_db()
    assert endorsement.withdrawn_at is not None  # recorded, not deleted
    assert 'data-endorsements="1"' in client.get(page(coalition)).content.decode()


def test_a_member_who_is_not_the_designee_cannot_endorse(
    client_for, coalition, principle, member_org
):
    MembershipFactory(coalition=coalition, organisation=member_org, phase="align")
    client = client_for("member")
    assert "not linked to its designee" in client.get(page(coalition)).content.decode()
    response = client.post(page(coalition), {"action": "endorse", "principle": principle.pk})
    assert response.status_code == 403 and not Endorsement.objects.exists()


def test_a_principle_of_another_coalition_is_a_404(client_for, coalition, make_user):
    from coalitions.services import coalition_create

    elsewhere = coalition_create(name="Elsewhere", created_by=make_user("someone"))
    theirs = PrincipleFactory(coalition=elsewhere, title="Theirs")
    response = client_for("weaver").post(
        page(coalition), {"action": "edit", "principle": theirs.pk, "version": 1, "title": "X"}
    )
    assert response.status_code == 404


def test_a_sensitive_endorser_is_named_only_to_organizers(client_for, coalition, principle, hidden):
    hidden.kind = "organisation"
    hidden.save()
    EndorsementFactory(principle=principle, organisation=hidden, endorsed_at=principle.created_at)
    assert "Quiet Ally" not in client_for("weaver").get(page(coalition)).content.decode()
    assert "Quiet Ally" in client_for("organizer").get(page(coalition)).content.decode()
