"""Interactions' follow-ups and the undo of a deletion, through the services and the API
(one write path with the pages, #17 item 3); the records the actor page writes, through
their services (#17 item 2)."""

import datetime
import json

import pytest
from django.http import Http404

from allies.models import Affiliation, ContactDetail, Skill
from allies.services.affiliations import affiliation_delete, affiliation_restore
from allies.services.contacts import contact_detail_delete, contact_detail_restore
from allies.services.skills import skill_level_record
from coalitions.roles import PermissionDeniedForRole, access_for
from coalitions.services import coalition_create
from networks.models import Interaction
from networks.services import interaction_create, interaction_delete, interaction_restore
from tests.allies.factories import ActorFactory, AffiliationFactory, ContactDetailFactory
from weft.errors import ApplicationError
from weft.vocabulary import ActorKind

DAY = datetime.date(2026, 3, 2)


def _api(client, coalition, body):
    return client.post(
        f"/api/v1/coalitions/{coalition.pk}/interactions/",
        json.dumps(body),
        content_type="application/json",
    )


def test_the_api_takes_a_follow_up_and_refuses_one_due_before_the_interaction(
    client_for, coalition, orgs
):
    client = client_for("weaver")
    body = {
        "kind": "one_to_one",
        "occurred_on": "2026-03-02",
        "participants": [orgs[0].pk, orgs[1].pk],
        "follow_up": "Send the minutes",
        "follow_up_on": "2026-03-01",
    }
    refused = _api(client, coalition, body)
    assert refused.status_code == 400 and "follow_up_on" in refused.json()
    assert not Interaction.objects.exists()
    made = _api(client, coalition, {**body, "follow_up_on": "2026-03-09"})
    assert made.status_code == 201
    assert (made.json()["follow_up"], made.json()["follow_up_on"]) == (
        "Send the minutes",
        "2026-03-09",
    )


def test_the_api_refuses_a_participant_of_another_coalition_in_plain_words(
    client_for, coalition, orgs, make_user
):
    elsewhere = coalition_create(name="Elsewhere", created_by=make_user("other"), cause="x")
    stranger = ActorFactory(coalition=elsewhere, name="Stranger")
    body = {"kind": "one_to_one", "occurred_on": "2026-03-02"}
    response = _api(
        client_for("organizer"), coalition, {**body, "participants": [orgs[0].pk, stranger.pk]}
    )
    assert response.status_code == 400
    assert "must be an actor of this coalition" in json.dumps(response.json())
    assert "Stranger" not in response.content.decode()


def test_the_service_refuses_another_coalitions_participant(coalition, orgs, personas, make_user):
    elsewhere = coalition_create(name="Elsewhere", created_by=make_user("other"), cause="x")
    stranger = ActorFactory(coalition=elsewhere)
    access = access_for(personas["weaver"], coalition.pk)
    with pytest.raises(ApplicationError) as refused:
        interaction_create(
            access=access, kind="one_to_one", occurred_on=DAY, participants=[orgs[0], stranger]
        )
    assert refused.value.field == "participants"
    assert not Interaction.objects.exists()


def test_a_deletion_is_undone_once_and_not_across_coalitions(coalition, orgs, personas, make_user):
    access = access_for(personas["weaver"], coalition.pk)
    interaction = interaction_create(
        access=access,
        kind="one_to_one",
        occurred_on=DAY,
        participants=orgs[:2],
        follow_up="Call",
        follow_up_on=DAY,
    )
    deletion = interaction_delete(
        access=access, interaction=interaction, expected_version=interaction.version
    )
    other = coalition_create(name="Elsewhere", created_by=make_user("other"), cause="x")
    with pytest.raises(Http404):
        interaction_restore(
            access=access_for(other.roles.get().user, other.pk),
            interaction_id=deletion.interaction_id,
            history_id=deletion.history_id,
            participant_ids=deletion.participant_ids,
        )
    back = interaction_restore(
        access=access,
        interaction_id=deletion.interaction_id,
        history_id=deletion.history_id,
        participant_ids=deletion.participant_ids,
    )
    assert back.follow_up == "Call" and back.participants.count() == 2
    with pytest.raises(ApplicationError) as again:
        interaction_restore(
            access=access,
            interaction_id=deletion.interaction_id,
            history_id=deletion.history_id,
            participant_ids=deletion.participant_ids,
        )
    assert again.value.status == 409


def test_a_member_may_not_undo_a_deletion(coalition, orgs, personas):
    weaver = access_for(personas["weaver"], coalition.pk)
    interaction = interaction_create(
        access=weaver, kind="one_to_one", occurred_on=DAY, participants=orgs[:2]
    )
    deletion = interaction_delete(access=weaver, interaction=interaction, expected_version=1)
    with pytest.raises(PermissionDeniedForRole):
        interaction_restore(
            access=access_for(personas["member"], coalition.pk),
            interaction_id=deletion.interaction_id,
            history_id=deletion.history_id,
            participant_ids=deletion.participant_ids,
        )
    assert not Interaction.objects.exists()


def test_a_skill_level_by_name_refused_leaves_no_new_skill(coalition, orgs, personas):
    access = access_for(personas["organizer"], coalition.pk)
    with pytest.raises(ApplicationError) as refused:
        skill_level_record(
            access=access, actor=orgs[0], skill_name="Canvassing", level=3, assessed_on=DAY
        )
    assert refused.value.field == "actor"
    assert not Skill.objects.exists()


def test_contact_and_affiliation_deletions_are_undone_for_their_coalition_only(
    coalition, orgs, personas
):
    person = ActorFactory(coalition=coalition, kind=ActorKind.PERSON)
    access = access_for(personas["weaver"], coalition.pk)
    detail = ContactDetailFactory(actor=person, kind="email", value="a@b.org")
    contact_detail_delete(access=access, detail=detail, expected_version=detail.version)
    record = ContactDetail.history.filter(id=detail.pk, history_type="-").get()
    with pytest.raises(PermissionDeniedForRole):  # a member may not write contacts
        contact_detail_restore(
            access=access_for(personas["member"], coalition.pk),
            detail_id=detail.pk,
            history_id=record.history_id,
        )
    contact_detail_restore(access=access, detail_id=detail.pk, history_id=record.history_id)
    assert ContactDetail.objects.get(pk=detail.pk).value == "a@b.org"

    row = AffiliationFactory(person=person, organisation=orgs[0])
    affiliation_delete(access=access, affiliation=row, expected_version=row.version)
    record = Affiliation.history.filter(id=row.pk, history_type="-").get()
    affiliation_restore(access=access, affiliation_id=row.pk, history_id=record.history_id)
    assert Affiliation.objects.filter(pk=row.pk).exists()
