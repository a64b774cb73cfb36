"""Deleting a principle from the principles page, and undoing it (the principle comes back
with its endorsements, as they were); withdrawing an endorsement goes through the same
service as the API's (endorsement_update), with the same messages as before."""

import pytest

from coalitions.align.models import Endorsement, Principle
from coalitions.align.services.principles import principle_update
from tests.coalitions.factories import EndorsementFactory, PrincipleFactory


@pytest.fixture
def principle(coalition):
    return PrincipleFactory(coalition=coalition, title="Those most affected lead")


def page(coalition):
    return f"/coalitions/{coalition.pk}/principles/"


def undo_url(coalition):
    return f"/coalitions/{coalition.pk}/principles/undo/"


def _token(html: str) -> str:
    marker = 'name="token" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def _delete(client, coalition, principle, version=None):
    version = principle.version if version is None else version
    body = {"action": "delete", "principle": principle.pk, "version": version}
    return client.post(page(coalition), body)


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
def test_only_the_workflow_roles_delete_a_principle(
    client_for, coalition, principle, member_designee, persona, status
):
    assert _delete(client_for(persona), coalition, principle).status_code == status
    assert Principle.objects.filter(pk=principle.pk).exists() == (status != 302)


@pytest.mark.parametrize("persona,status", [("member", 403), ("funder", 403), ("outsider", 404)])
def test_members_funders_and_outsiders_cannot_undo(client_for, coalition, persona, status):
    assert client_for(persona).post(undo_url(coalition), {}).status_code == status


def test_the_delete_button_is_shown_to_editors_only(
    client_for, coalition, principle, member_designee
):
    assert "data-delete=" in client_for("weaver").get(page(coalition)).content.decode()
    assert "data-delete=" not in client_for("member").get(page(coalition)).content.decode()


def test_a_deleted_principle_comes_back_with_its_endorsements(
    client_for, coalition, principle, orgs
):
    kept = EndorsementFactory(principle=principle, organisation=orgs[0])
    EndorsementFactory(principle=principle, organisation=orgs[1])
    client = client_for("organizer")
    response = _delete(client, coalition, principle)
    assert response["Location"] == page(coalition)
    html = client.get(page(coalition)).content.decode()
    assert "The principle “Those most affected lead” is deleted." in html
    assert not Principle.objects.filter(pk=principle.pk).exists()
    assert not Endorsement.objects.exists()
    back = client.post(undo_url(coalition), {"token": _token(html)}, follow=True)
    html = back.content.decode()
    assert "The principle “Those most affected lead” is back." in html
    assert 'data-endorsements="2"' in html and "Org 0, Org 1" in html
    restored = Principle.objects.get(pk=principle.pk)
    assert (restored.title, restored.version) == (principle.title, principle.version)
    again = Endorsement.objects.get(pk=kept.pk)
    assert (again.organisation_id, again.endorsed_at) == (orgs[0].pk, kept.endorsed_at)


def test_a_stale_delete_is_refused_naming_who_changed_it(
    client_for, coalition, principle, personas
):
    opened_on = principle.version
    principle_update(
        principle=principle, expected_version=opened_on, updated_by=personas["steward"], text="x"
    )
    response = _delete(client_for("weaver"), coalition, principle, version=opened_on)
    assert response.status_code == 412 and "changed by steward" in response.content.decode()
    assert Principle.objects.filter(pk=principle.pk).exists()


def test_a_delete_without_a_version_is_refused(client_for, coalition, principle):
    body = {"action": "delete", "principle": principle.pk}
    response = client_for("weaver").post(page(coalition), body)
    assert response.status_code == 428 and Principle.objects.filter(pk=principle.pk).exists()


def test_an_undo_is_done_once(client_for, coalition, principle):
    client = client_for("weaver")
    _delete(client, coalition, principle)
    token = _token(client.get(page(coalition)).content.decode())
    client.post(undo_url(coalition), {"token": token})
    again = client.post(undo_url(coalition), {"token": token}, follow=True)
    assert "no deletion to undo" in again.content.decode()
    assert Principle.objects.filter(pk=principle.pk).count() == 1


def test_an_undo_is_refused_when_the_principle_was_restored_since(
    client_for, coalition, principle, personas
):
    client = client_for("weaver")
    _delete(client, coalition, principle)
    token = _token(client.get(page(coalition)).content.decode())
    record = Principle.history.filter(id=principle.pk, history_type="-").get()
    from weft.history import restore_row

    restore_row(record, user=personas["steward"], reason="restored from history")
    response = client.post(undo_url(coalition), {"token": token})
    assert response.status_code == 409 and "exists again" in response.content.decode()


def test_withdrawing_twice_says_the_organisation_no_longer_endorses(
    client_for, coalition, principle, member_designee, member_org
):
    endorsement = EndorsementFactory(principle=principle, organisation=member_org)
    client = client_for("member")
    body = {"action": "withdraw", "principle": principle.pk}
    done = client.post(page(coalition), body, follow=True)
    assert "Tenants Union&#x27;s endorsement withdrawn." in done.content.decode()
    endorsement.refresh_from_db()
    assert endorsement.withdrawn_at is not None
    assert endorsement.history.first().history_user.username == "member"
    again = client.post(page(coalition), body)
    assert again.status_code == 409
    assert "Tenants Union does not endorse this principle." in again.content.decode()
