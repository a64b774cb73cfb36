"""Logging an interaction in the browser's pages: the form (kind, date, participants from the
coalition, notes), an actor's list, edit and delete; errors next to the field, nothing saved
on error, a stale save refused."""

import datetime

import pytest

from coalitions.services import coalition_create
from networks.models import Interaction
from tests.allies.factories import ActorFactory
from tests.networks.factories import InteractionFactory, InteractionParticipantFactory

DAY = datetime.date(2026, 3, 2)


def _new(coalition):
    return f"/coalitions/{coalition.pk}/interactions/new/"


def _log(client, coalition, participants, **extra):
    data = {
        "kind": "joint_action",
        "occurred_on": "2026-03-02",
        "participants": [a.pk for a in participants],
        "summary": "Marched together",
        **extra,
    }
    return client.post(_new(coalition), data)


def test_a_weaver_logs_an_interaction_and_sees_it_in_each_actors_list(client_for, coalition, orgs):
    client = client_for("weaver")
    form = client.get(_new(coalition) + f"?actor={orgs[0].pk}").content.decode()
    assert f'value="{orgs[0].pk}" selected' in form
    response = _log(client, coalition, orgs[:3])
    interaction = Interaction.objects.get()
    assert sorted(interaction.participants.values_list("name", flat=True)) == [
        "Org 0",
        "Org 1",
        "Org 2",
    ]
    assert (interaction.kind, interaction.occurred_on) == ("joint_action", DAY)
    listing = client.get(response.url).content.decode()
    assert "Marched together" in listing and "Org 1, Org 2" in listing.replace("Org 0, ", "")
    other = client.get(f"/coalitions/{coalition.pk}/actors/{orgs[2].pk}/interactions/")
    assert "Marched together" in other.content.decode()


def test_one_participant_is_refused_next_to_the_field_and_nothing_is_saved(
    client_for, coalition, orgs
):
    response = _log(client_for("weaver"), coalition, orgs[:1])
    html = response.content.decode()
    assert response.status_code == 400
    errors = html[html.index('id="field-participants"') :]
    assert "at least two actors" in errors[: errors.index("</div>")]
    assert not Interaction.objects.exists()


def test_a_participant_from_another_coalition_or_a_missing_date_is_refused(
    client_for, coalition, orgs, make_user
):
    elsewhere = coalition_create(name="Elsewhere", created_by=make_user("other"), cause="x")
    stranger = ActorFactory(coalition=elsewhere, name="Stranger")
    response = _log(client_for("weaver"), coalition, [orgs[0], stranger])
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    response = _log(client_for("weaver"), coalition, orgs[:2], occurred_on="")
    html = response.content.decode()
    assert 'id="field-occurred_on"' in html and "This field is required" in html
    assert not Interaction.objects.exists()


def _existing(coalition, orgs):
    interaction = InteractionFactory(coalition=coalition, occurred_on=DAY, summary="Coffee")
    for actor in orgs[:2]:
        InteractionParticipantFactory(interaction=interaction, actor=actor)
    return interaction


def test_an_interaction_is_edited_and_a_stale_save_is_refused(
    client_for, coalition, orgs, personas
):
    interaction = _existing(coalition, orgs)
    client = client_for("organizer")
    page = f"/coalitions/{coalition.pk}/interactions/{interaction.pk}/"
    form = client.get(page).content.decode()
    assert "Coffee" in form and 'value="2026-03-02"' in form  # the date input's own format
    data = {
        "kind": "one_to_one",
        "occurred_on": "2026-03-05",
        "participants": [orgs[0].pk, orgs[1].pk, orgs[2].pk],
        "summary": "Coffee and a plan",
        "version": interaction.version,
    }
    assert client.post(page, data).status_code == 302
    interaction.refresh_from_db()
    assert interaction.summary == "Coffee and a plan"
    assert interaction.participants.count() == 3
    # The form opened on the old version: refused, not saved over the change.
    stale = client.post(page, {**data, "summary": "Mine"})
    assert stale.status_code == 412
    assert "organizer" in stale.content.decode()
    interaction.refresh_from_db()
    assert interaction.summary == "Coffee and a plan"


def test_an_interaction_is_deleted_at_its_version(client_for, coalition, orgs):
    interaction = _existing(coalition, orgs)
    client = client_for("weaver")
    page = f"/coalitions/{coalition.pk}/interactions/{interaction.pk}/"
    stale = client.post(page, {"action": "delete", "version": interaction.version + 1})
    assert stale.status_code == 412 and Interaction.objects.exists()
    done = client.post(page, {"action": "delete", "version": interaction.version})
    assert done.status_code == 302 and not Interaction.objects.exists()


def test_a_sensitive_participant_the_weaver_cannot_see_stays_when_the_weaver_edits(
    client_for, coalition, orgs, hidden
):
    interaction = _existing(coalition, orgs)
    InteractionParticipantFactory(interaction=interaction, actor=hidden)
    client = client_for("weaver")
    page = f"/coalitions/{coalition.pk}/interactions/{interaction.pk}/"
    assert "Quiet Ally" not in client.get(page).content.decode()
    client.post(
        page,
        {
            "kind": "one_to_one",
            "occurred_on": "2026-03-02",
            "participants": [orgs[0].pk, orgs[1].pk],
            "summary": "Coffee",
            "version": interaction.version,
        },
    )
    assert set(interaction.participants.values_list("name", flat=True)) == {
        "Org 0",
        "Org 1",
        "Quiet Ally",
    }


@pytest.mark.parametrize("persona,status", [("member", 403), ("funder", 403), ("outsider", 404)])
def test_only_the_roles_that_edit_the_map_log_interactions(
    client_for, coalition, orgs, persona, status
):
    client = client_for(persona)
    assert client.get(_new(coalition)).status_code == status
    assert _log(client, coalition, orgs[:2]).status_code == status
    page = f"/coalitions/{coalition.pk}/actors/{orgs[0].pk}/interactions/"
    assert client.get(page).status_code == status
    assert not Interaction.objects.exists()


def test_the_connect_page_links_to_the_form(client_for, coalition):
    html = client_for("weaver").get(f"/coalitions/{coalition.pk}/connect/").content.decode()
    assert f'href="/coalitions/{coalition.pk}/interactions/new/?next=' in html
