"""Merging two actors: everything moves to the kept one, conflicts are shown first, and an
undo puts every row back where it was."""

import datetime

import pytest

from allies.models import Actor, Affiliation, AllyAssessment, ContactDetail
from coalitions import roles
from coalitions.connect.models import Membership
from networks.models import InteractionParticipant, Tie
from networks.transfer.merge import actor_merge, actor_merge_preview, actor_merge_undo
from networks.transfer.models import ActorMerge
from tests.allies.factories import (
    ActorFactory,
    AffiliationFactory,
    AllyAssessmentFactory,
    ContactDetailFactory,
    TagFactory,
)
from tests.api_helpers import post
from tests.coalitions.factories import MembershipFactory
from tests.networks.factories import InteractionFactory, TieFactory
from weft.vocabulary import ActorKind

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 4, 1)


@pytest.fixture
def pair(coalition, personas):
    kept = ActorFactory(
        coalition=coalition,
        name="Tenants Union",
        kind=ActorKind.ORGANISATION,
        custom_fields={"Website": "tu.example"},
    )
    merged = ActorFactory(
        coalition=coalition,
        name="The Tenants' Union, Inc.",
        kind=ActorKind.ORGANISATION,
        description="Renters organising",
        external_key="k1",
        custom_fields={"Website": "tenants.example", "Founded": "1999"},
    )
    other = ActorFactory(coalition=coalition, name="Food Bank", kind=ActorKind.GROUP)
    person = ActorFactory(coalition=coalition, name="Rosa Diaz", kind=ActorKind.PERSON)
    rows = {
        "tie_to_other": TieFactory(coalition=coalition, source=merged, target=other),
        "tie_between": TieFactory(coalition=coalition, source=kept, target=merged),
        "assessment": AllyAssessmentFactory(
            actor=merged,
            stance="active_ally",
            ally_kind="natural",
            influence=3,
            proximity=3,
            commitment=4,
            assessed_on=DAY,
        ),
        "contact": ContactDetailFactory(actor=merged, kind="email", value="tu@example.org"),
        "affiliation": AffiliationFactory(person=person, organisation=merged),
        "kept_membership": MembershipFactory(coalition=coalition, organisation=kept),
        "merged_membership": MembershipFactory(coalition=coalition, organisation=merged),
    }
    tag = TagFactory(coalition=coalition, name="housing")
    merged.tags.add(tag)
    both = InteractionFactory(coalition=coalition, kind="one_to_one", occurred_on=DAY)
    alone = InteractionFactory(coalition=coalition, kind="co_attended_event", occurred_on=DAY)
    InteractionParticipant.objects.bulk_create(
        [
            InteractionParticipant(interaction=both, actor=kept),
            InteractionParticipant(interaction=both, actor=merged),
            InteractionParticipant(interaction=alone, actor=merged),
        ]
    )
    rows.update(both=both, alone=alone, tag=tag, other=other, person=person)
    return kept, merged, rows


def organizer_access(personas, coalition):
    return roles.access_for(personas["organizer"], coalition.pk)


def test_the_preview_shows_moves_and_conflicts_and_writes_nothing(personas, coalition, pair):
    kept, merged, rows = pair
    preview = actor_merge_preview(
        access=organizer_access(personas, coalition), kept_id=kept.pk, merged_id=merged.pk
    )
    assert preview["moved"]["networks.Tie"] == 1
    assert preview["moved"]["allies.AllyAssessment"] == 1
    dropped = {d["model"] for d in preview["dropped"]}
    # The tie between the two would join the kept actor to itself; the shared meeting and
    # the second membership already exist for the kept actor.
    assert dropped == {"networks.Tie", "networks.InteractionParticipant", "coalitions.Membership"}
    fields = {c["field"]: (c["kept"], c["dropped"]) for c in preview["field_conflicts"]}
    assert fields["name"] == ("Tenants Union", "The Tenants' Union, Inc.")
    assert fields["custom_fields.Website"] == ("tu.example", "tenants.example")
    assert Actor.objects.filter(pk=merged.pk).exists()
    assert Tie.objects.get(pk=rows["tie_to_other"].pk).source_id == merged.pk


def test_a_merge_moves_everything_to_the_kept_actor(personas, coalition, pair):
    kept, merged, rows = pair
    merge = actor_merge(
        access=organizer_access(personas, coalition), kept_id=kept.pk, merged_id=merged.pk
    )
    assert not Actor.objects.filter(pk=merged.pk).exists()
    assert merged.pk in Actor.history.filter(history_type="-").values_list("id", flat=True)
    assert Tie.objects.get(pk=rows["tie_to_other"].pk).source_id == kept.pk
    assert not Tie.objects.filter(pk=rows["tie_between"].pk).exists()
    assert AllyAssessment.objects.get(pk=rows["assessment"].pk).actor_id == kept.pk
    assert ContactDetail.objects.get(pk=rows["contact"].pk).actor_id == kept.pk
    assert Affiliation.objects.get(pk=rows["affiliation"].pk).organisation_id == kept.pk
    assert Membership.objects.filter(organisation=kept).count() == 1
    assert list(rows["alone"].participants.all()) == [kept]
    assert list(rows["both"].participants.all()) == [kept]
    kept.refresh_from_db()
    assert list(kept.tags.all()) == [rows["tag"]]
    assert kept.name == "Tenants Union" and kept.description == "Renters organising"
    assert kept.external_key == "k1"
    assert kept.custom_fields == {"Website": "tu.example", "Founded": "1999"}
    assert merge.merged_name == "The Tenants' Union, Inc."


def test_an_undo_puts_every_row_back(personas, coalition, pair):
    kept, merged, rows = pair
    access = organizer_access(personas, coalition)
    merge = actor_merge(access=access, kept_id=kept.pk, merged_id=merged.pk)
    actor_merge_undo(access=access, merge_id=merge.pk)
    back = Actor.objects.get(pk=merged.pk)
    assert (back.name, back.external_key, back.description) == (
        "The Tenants' Union, Inc.",
        "k1",
        "Renters organising",
    )
    assert back.custom_fields == {"Website": "tenants.example", "Founded": "1999"}
    assert Tie.objects.get(pk=rows["tie_to_other"].pk).source_id == merged.pk
    between = Tie.objects.get(pk=rows["tie_between"].pk)
    assert (between.source_id, between.target_id) == (kept.pk, merged.pk)
    assert AllyAssessment.objects.get(pk=rows["assessment"].pk).actor_id == merged.pk
    assert ContactDetail.objects.get(pk=rows["contact"].pk).actor_id == merged.pk
    assert Affiliation.objects.get(pk=rows["affiliation"].pk).organisation_id == merged.pk
    assert Membership.objects.get(pk=rows["merged_membership"].pk).organisation_id == merged.pk
    assert set(rows["both"].participants.all()) == {kept, merged}
    assert list(back.tags.all()) == [rows["tag"]]
    kept.refresh_from_db()
    assert kept.external_key == "" and kept.description == ""
    assert kept.custom_fields == {"Website": "tu.example"}
    assert ActorMerge.objects.get(pk=merge.pk).undone_at is not None
    with pytest.raises(Exception, match="undone already"):
        actor_merge_undo(access=access, merge_id=merge.pk)


def test_merging_goes_through_the_api_for_organizers_only(client_for, coalition, pair):
    kept, merged, _ = pair
    path = f"/api/v1/coalitions/{coalition.pk}/merges/"
    body = {"keep": kept.pk, "merge": merged.pk}
    assert post(client_for("weaver"), path, body).status_code == 403
    assert post(client_for("member"), path, body).status_code == 403
    preview = post(client_for("organizer"), path + "preview/", body)
    assert preview.status_code == 200 and preview.json()["moved"]["networks.Tie"] == 1
    response = post(client_for("organizer"), path, body)
    assert response.status_code == 201
    undo = post(client_for("steward"), f"{path}{response.json()['id']}/undo/", {})
    assert undo.status_code == 200 and undo.json()["undone_at"] is not None


def test_an_actor_cannot_be_merged_into_itself_or_across_coalitions(client_for, coalition, pair):
    kept, _, _ = pair
    path = f"/api/v1/coalitions/{coalition.pk}/merges/"
    itself = post(client_for("organizer"), path, {"keep": kept.pk, "merge": kept.pk})
    assert itself.status_code == 400 and itself.json()["field"] == "merge"
    nowhere = post(client_for("organizer"), path, {"keep": kept.pk, "merge": 10**9})
    assert nowhere.status_code == 404 and nowhere.json()["field"] == "merge"


def test_each_moved_row_keeps_its_history_and_a_stale_edit_of_it_is_refused(
    client_for, personas, coalition, pair
):
    """A moved tie gets a history record (who, why) and a new version, so an edit made from
    before the merge is a 412, not a silent overwrite; the undo is recorded the same way."""
    kept, merged, rows = pair
    tie = rows["tie_to_other"]
    access = organizer_access(personas, coalition)
    merge = actor_merge(access=access, kept_id=kept.pk, merged_id=merged.pk)

    moved = Tie.objects.get(pk=tie.pk)
    assert moved.version == tie.version + 1
    record = moved.history.order_by("-history_id").first()
    assert record.source_id == kept.pk and record.history_type == "~"
    assert record.history_user == personas["organizer"]
    assert record.history_change_reason == f"moved from actor {merged.pk} by a merge"
    assessment = AllyAssessment.objects.get(pk=rows["assessment"].pk)
    assert assessment.history.order_by("-history_id").first().actor_id == kept.pk

    stale = client_for("organizer").patch(
        f"/api/v1/coalitions/{coalition.pk}/ties/{tie.pk}/",
        {"strength": 2},
        content_type="application/json",
        HTTP_IF_MATCH=f'"{tie.version}"',
    )
    assert stale.status_code == 412

    actor_merge_undo(access=access, merge_id=merge.pk)
    back = Tie.objects.get(pk=tie.pk)
    assert back.source_id == merged.pk and back.version == tie.version + 2
    record = back.history.order_by("-history_id").first()
    assert record.source_id == merged.pk
    assert record.history_change_reason == f"back to actor {merged.pk}: merge undone"
