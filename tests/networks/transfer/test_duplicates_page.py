"""The duplicates page: the likely pairs with their facts and why they look alike, a preview
of what a merge moves, the merge and its undo (through the services the API calls), each
refused clearly when it must be; organizers and stewards only."""

import pytest

from allies.models import Actor
from networks.models import Tie
from networks.transfer.models import ActorMerge
from tests.allies.factories import ActorFactory
from tests.networks.factories import TieFactory
from weft.vocabulary import ActorKind

pytestmark = pytest.mark.django_db


def _page(coalition):
    return f"/coalitions/{coalition.pk}/duplicates/"


@pytest.fixture
def twins(coalition):
    kept = ActorFactory(coalition=coalition, name="Renters Alliance", kind=ActorKind.ORGANISATION)
    merged = ActorFactory(
        coalition=coalition, name="The Renters Alliance, Inc.", kind=ActorKind.ORGANISATION
    )
    friend = ActorFactory(coalition=coalition, name="Food Bank", kind=ActorKind.GROUP)
    tie = TieFactory(coalition=coalition, source=merged, target=friend)
    return kept, merged, tie


def _merge(client, coalition, kept, merged, **overrides):
    data = {
        "keep": kept.pk,
        "merge": merged.pk,
        "keep_version": kept.version,
        "merge_version": merged.version,
        **overrides,
    }
    return client.post(f"{_page(coalition)}merge/", data, follow=True)


def test_the_page_lists_the_pair_with_its_facts_and_why(client_for, coalition, twins):
    kept, merged, _ = twins
    html = client_for("organizer").get(_page(coalition)).content.decode()
    row = html[html.index(f'data-pair="{kept.pk}-{merged.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "Renters Alliance" in row and "The Renters Alliance, Inc." in row
    assert "1 tie" in row and "Same name once case" in row
    assert f"?keep={merged.pk}&amp;merge={kept.pk}" in row


def test_the_preview_shows_both_side_by_side_and_what_moves_and_writes_nothing(
    client_for, coalition, twins
):
    kept, merged, tie = twins
    response = client_for("organizer").get(_page(coalition), {"keep": kept.pk, "merge": merged.pk})
    html = response.content.decode()
    preview = html[html.index('id="merge-preview"') :]
    assert "Merge “The Renters Alliance, Inc.” into “Renters Alliance”?" in preview
    assert "1 tie" in preview[preview.index('id="preview-moved"') :]
    assert 'name="merge_version"' in preview
    assert Tie.objects.get(pk=tie.pk).source_id == merged.pk


@pytest.mark.parametrize(
    ("query", "status", "says"),
    [
        ({"keep": "x", "merge": "1"}, 400, "Name two actors by id."),
        ({"keep": "same", "merge": "same"}, 400, "cannot be merged into itself"),
        ({"keep": "kept", "merge": "999999"}, 404, "No such actor in this coalition."),
    ],
)
def test_a_bad_preview_is_refused_on_the_page(client_for, coalition, twins, query, status, says):
    kept, _, _ = twins
    query = {k: str(kept.pk) if v in ("same", "kept") else v for k, v in query.items()}
    response = client_for("organizer").get(_page(coalition), query)
    assert response.status_code == status
    assert says in response.content.decode()


def test_merge_then_undo_from_the_page(client_for, coalition, twins):
    kept, merged, tie = twins
    client = client_for("steward")
    done = _merge(client, coalition, kept, merged)
    assert "“The Renters Alliance, Inc.” merged into “Renters Alliance”" in done.content.decode()
    assert not Actor.objects.filter(pk=merged.pk).exists()
    assert Tie.objects.get(pk=tie.pk).source_id == kept.pk
    merge = ActorMerge.objects.get()
    undone = client.post(f"{_page(coalition)}merges/{merge.pk}/undo/", follow=True)
    assert "Merge undone" in undone.content.decode()
    assert Actor.objects.filter(pk=merged.pk).exists()
    assert Tie.objects.get(pk=tie.pk).source_id == merged.pk
    again = client.post(f"{_page(coalition)}merges/{merge.pk}/undo/", follow=True)
    assert "undone already" in again.content.decode()


def test_a_merge_of_an_actor_changed_since_the_preview_is_refused_naming_who(
    client_for, coalition, twins, personas
):
    kept, merged, _ = twins
    client = client_for("organizer")
    stale = _merge(client, coalition, kept, merged, merge_version=merged.version - 1)
    html = stale.content.decode()
    assert "was changed by" in html and "not saved" in html
    assert stale.redirect_chain[-1][0].endswith(f"?keep={kept.pk}&merge={merged.pk}")
    assert Actor.objects.filter(pk=merged.pk).exists() and not ActorMerge.objects.exists()


def test_an_undo_after_the_kept_actor_was_edited_is_refused_saying_what(
    client_for, coalition, twins
):
    kept, merged, tie = twins
    client = client_for("organizer")
    _merge(client, coalition, kept, merged)
    merge = ActorMerge.objects.get()
    kept.refresh_from_db()
    edit = client.patch(
        f"/api/v1/coalitions/{coalition.pk}/actors/{kept.pk}/",
        {"description": "Merged and edited"},
        content_type="application/json",
        HTTP_IF_MATCH=f'"{kept.version}"',
    )
    assert edit.status_code == 200, edit.content
    refused = client.post(f"{_page(coalition)}merges/{merge.pk}/undo/", follow=True)
    html = refused.content.decode()
    assert "“Renters Alliance” was changed by organizer since the merge (description)" in html
    assert not Actor.objects.filter(pk=merged.pk).exists()
    assert Tie.objects.get(pk=tie.pk).source_id == kept.pk
    assert ActorMerge.objects.get().undone_at is None


def test_an_undo_after_a_moved_tie_was_deleted_is_refused_and_nothing_changes(
    client_for, coalition, twins
):
    kept, merged, tie = twins
    client = client_for("organizer")
    _merge(client, coalition, kept, merged)
    Tie.objects.filter(pk=tie.pk).delete()
    merge = ActorMerge.objects.get()
    refused = client.post(f"{_page(coalition)}merges/{merge.pk}/undo/", follow=True)
    assert "1 tie that moved to “Renters Alliance” with the merge was deleted" in (
        refused.content.decode()
    )
    assert not Actor.objects.filter(pk=merged.pk).exists()
    assert ActorMerge.objects.get().undone_at is None


def test_the_map_links_the_page_for_the_roles_that_merge(client_for, coalition):
    for persona, linked in (("steward", True), ("organizer", True), ("weaver", False)):
        html = client_for(persona).get(f"/coalitions/{coalition.pk}/map/").content.decode()
        assert ('id="duplicates-link"' in html) is linked, persona


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("steward", 200),
        ("organizer", 200),
        ("weaver", 403),
        ("member", 403),
        ("funder", 403),
        ("outsider", 404),
    ],
)
def test_every_role_against_the_page_merge_and_undo(client_for, coalition, twins, persona, status):
    kept, merged, _ = twins
    client = client_for(persona)
    assert client.get(_page(coalition)).status_code == status
    merge_status = 302 if status == 200 else status
    posted = client.post(
        f"{_page(coalition)}merge/",
        {
            "keep": kept.pk,
            "merge": merged.pk,
            "keep_version": kept.version,
            "merge_version": merged.version,
        },
    )
    assert posted.status_code == merge_status
    assert Actor.objects.filter(pk=merged.pk).exists() is (status != 200)
    merge = ActorMerge.objects.first()
    if merge is not None:
        undo = client.post(f"{_page(coalition)}merges/{merge.pk}/undo/")
        assert undo.status_code == 302
    else:
        # Someone who may merge made one; this role may not undo it.
        steward_merge = ActorMerge.objects.create(
            coalition=coalition, kept=kept, merged_actor_id=merged.pk, merged_name="x", moves={}
        )
        undo = client.post(f"{_page(coalition)}merges/{steward_merge.pk}/undo/")
        assert undo.status_code == status
        assert ActorMerge.objects.get(pk=steward_merge.pk).undone_at is None


def test_signed_out_people_are_sent_to_sign_in(client, coalition):
    assert client.get(_page(coalition)).status_code == 302
    assert client.post(f"{_page(coalition)}merge/", {}).status_code == 302


def test_the_page_runs_as_many_queries_for_60_pairs_as_for_3(client_for, coalition):
    """The pairs are one query, their actors' facts three more, whatever the list's length."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add_pairs(start: int, count: int) -> None:
        actors = Actor.objects.bulk_create(
            Actor(coalition=coalition, name=f"{prefix} {word}", kind=ActorKind.ORGANISATION)
            for word in [f"Group {n}" for n in range(start, start + count)]
            for prefix in ("Neighbours of", "The Neighbours of")
        )
        TieFactory(coalition=coalition, source=actors[0], target=actors[1])

    client = client_for("organizer")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(_page(coalition))
        assert response.status_code == 200
        return len(captured)

    add_pairs(0, 3)
    queries()
    at_3 = queries()
    add_pairs(3, 57)
    at_60 = queries()
    assert at_60 == at_3
    assert "Pairs 1–20 of 60" in client.get(_page(coalition)).content.decode()


def test_an_undo_is_refused_when_another_actor_took_the_merged_actors_key(
    client_for, coalition, twins
):
    kept, merged, _ = twins
    Actor.objects.filter(pk=merged.pk).update(external_key="crm-7")
    merged.refresh_from_db()
    client = client_for("organizer")
    _merge(client, coalition, kept, merged)
    # The key went to the kept actor with the merge; someone moves it to a third actor.
    Actor.objects.filter(pk=kept.pk).update(external_key="")
    ActorFactory(coalition=coalition, name="Housing Desk", external_key="crm-7")
    merge = ActorMerge.objects.get()
    refused = client.post(f"{_page(coalition)}merges/{merge.pk}/undo/", follow=True)
    assert "“Housing Desk” has the external key “crm-7”" in refused.content.decode()
    assert ActorMerge.objects.get().undone_at is None
