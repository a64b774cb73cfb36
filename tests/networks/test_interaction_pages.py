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
    html = response.content.decode()
    errors = html[html.index('id="field-participants"') :]
    assert "must be an actor of this coalition" in errors[: errors.index("</div>")]
    assert "Stranger" not in html  # the other coalition's actor is not named
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
    assert done.url == f"/coalitions/{coalition.pk}/interactions/deleted/"


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
    assert client.get(page + f"with/{orgs[1].pk}/").status_code == status
    assert client.get(f"/coalitions/{coalition.pk}/interactions/deleted/").status_code == status
    undo = f"/coalitions/{coalition.pk}/interactions/deleted/undo/"
    assert client.post(undo, {"token": "x"}).status_code == status
    assert not Interaction.objects.exists()


def test_the_connect_page_links_to_the_form(client_for, coalition):
    html = client_for("weaver").get(f"/coalitions/{coalition.pk}/connect/").content.decode()
    assert f'href="/coalitions/{coalition.pk}/interactions/new/?next=' in html


# ---------------------------------------------------------------------------------------------
# Follow-ups, the pair's list, undoing a deletion (#17, item 3)


def test_a_follow_up_is_logged_and_shown_in_each_list(client_for, coalition, orgs):
    client = client_for("organizer")
    response = _log(
        client,
        coalition,
        orgs[:2],
        follow_up="Send them the draft statement",
        follow_up_on="2026-03-09",
    )
    assert response.status_code == 302
    interaction = Interaction.objects.get()
    assert interaction.follow_up == "Send them the draft statement"
    assert interaction.follow_up_on == datetime.date(2026, 3, 9)
    for page in (
        f"/coalitions/{coalition.pk}/actors/{orgs[0].pk}/interactions/",
        f"/coalitions/{coalition.pk}/actors/{orgs[1].pk}/interactions/with/{orgs[0].pk}/",
    ):
        html = client.get(page).content.decode()
        assert "Send them the draft statement" in html and "by 2026-03-09" in html
    form = client.get(f"/coalitions/{coalition.pk}/interactions/{interaction.pk}/").content
    assert b'value="2026-03-09"' in form


@pytest.mark.parametrize(
    "extra,field,words",
    [
        ({"follow_up": "Call back", "follow_up_on": "2026-03-01"}, "follow_up_on", "on or after"),
        ({"follow_up": "", "follow_up_on": "2026-03-09"}, "follow_up", "what is to be done"),
        ({"follow_up": "Call back", "follow_up_on": "next week"}, "follow_up_on", "valid date"),
    ],
)
def test_a_bad_follow_up_is_refused_next_to_its_field_and_nothing_is_saved(
    client_for, coalition, orgs, extra, field, words
):
    response = _log(client_for("weaver"), coalition, orgs[:2], **extra)
    assert response.status_code == 400
    html = response.content.decode()
    errors = html[html.index(f'id="field-{field}"') :]
    assert words in errors[: errors.index("</div>")]
    assert not Interaction.objects.exists()


def test_the_pairs_list_shows_only_what_both_took_part_in(client_for, coalition, orgs, hidden):
    both = _existing(coalition, orgs)  # orgs 0 and 1: "Coffee"
    alone = InteractionFactory(coalition=coalition, occurred_on=DAY, summary="Only zero and two")
    for actor in (orgs[0], orgs[2]):
        InteractionParticipantFactory(interaction=alone, actor=actor)
    client = client_for("weaver")
    page = f"/coalitions/{coalition.pk}/actors/{orgs[0].pk}/interactions/with/{orgs[1].pk}/"
    html = client.get(page).content.decode()
    assert "Interactions of Org 0 and Org 1" in html
    assert f'data-interaction="{both.pk}"' in html and "Only zero and two" not in html
    assert f"?actor={orgs[0].pk}&amp;with={orgs[1].pk}" in html  # log one between them
    # A sensitive actor is no pair a weaver may ask about.
    hidden_pair = f"/coalitions/{coalition.pk}/actors/{orgs[0].pk}/interactions/with/{hidden.pk}/"
    assert client.get(hidden_pair).status_code == 404
    assert client_for("organizer").get(hidden_pair).status_code == 200


def test_a_deleted_interaction_comes_back_with_its_participants_on_undo(
    client_for, coalition, orgs
):
    interaction = InteractionFactory(
        coalition=coalition, occurred_on=DAY, summary="Coffee", follow_up="Call"
    )
    for actor in orgs[:3]:
        InteractionParticipantFactory(interaction=interaction, actor=actor)
    client = client_for("weaver")
    pair = f"/coalitions/{coalition.pk}/actors/{orgs[0].pk}/interactions/with/{orgs[1].pk}/"
    page = f"/coalitions/{coalition.pk}/interactions/{interaction.pk}/"
    done = client.post(page, {"action": "delete", "version": interaction.version, "next": pair})
    deleted = client.get(done.url).content.decode()
    assert "The interaction of 2026-03-02 is deleted." in deleted
    assert f'href="{pair}"' in deleted
    token = deleted.split('name="token" value="')[1].split('"')[0]
    undo = f"/coalitions/{coalition.pk}/interactions/deleted/undo/"
    assert client.post(undo, {"token": "not-it"}).status_code == 302
    assert not Interaction.objects.exists()
    back = client.post(undo, {"token": token})
    assert back.url == pair
    restored = Interaction.objects.get(pk=interaction.pk)
    assert (restored.summary, restored.follow_up) == ("Coffee", "Call")
    assert sorted(restored.participants.values_list("name", flat=True)) == [
        "Org 0",
        "Org 1",
        "Org 2",
    ]
    assert "Deletion undone" in client.get(pair).content.decode()
    # Undone once: a second undo finds nothing to bring back.
    client.post(undo, {"token": token})
    assert Interaction.objects.filter(pk=interaction.pk).count() == 1


def test_undo_is_refused_when_fewer_than_two_participants_remain(
    client_for, coalition, orgs, personas
):
    from allies.services.actors import actor_delete
    from coalitions.roles import access_for

    interaction = _existing(coalition, orgs)
    client = client_for("weaver")
    page = f"/coalitions/{coalition.pk}/interactions/{interaction.pk}/"
    client.post(page, {"action": "delete", "version": interaction.version})
    deleted = client.get(f"/coalitions/{coalition.pk}/interactions/deleted/").content.decode()
    token = deleted.split('name="token" value="')[1].split('"')[0]
    gone = orgs[1]
    actor_delete(
        access=access_for(personas["organizer"], coalition.pk),
        actor=gone,
        expected_version=gone.version,
    )
    undo = f"/coalitions/{coalition.pk}/interactions/deleted/undo/"
    response = client.post(undo, {"token": token})
    assert "Fewer than two of its participants" in client.get(response.url).content.decode()
    assert not Interaction.objects.exists()


@pytest.mark.parametrize("persona", ["steward", "organizer", "weaver", "signed out"])
def test_the_editing_roles_open_the_new_pages_and_a_signed_out_visitor_is_sent_to_sign_in(
    client, client_for, coalition, orgs, persona
):
    if persona != "signed out":
        client_for(persona)
    pages = [
        f"/coalitions/{coalition.pk}/actors/{orgs[0].pk}/interactions/with/{orgs[1].pk}/",
        f"/coalitions/{coalition.pk}/interactions/deleted/",
    ]
    for page in pages:
        response = client.get(page)
        if persona == "signed out":
            assert response.status_code == 302 and "login" in response.url
        else:
            assert response.status_code == 200
    undo = client.post(f"/coalitions/{coalition.pk}/interactions/deleted/undo/", {"token": "x"})
    assert undo.status_code == 302
    if persona != "signed out":
        assert undo.url == f"/coalitions/{coalition.pk}/map/"
