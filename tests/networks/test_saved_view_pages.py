"""The saved views page: change a view's name, description and settings (a taken name or a
bad setting refused next to the field, a stale change refused naming who), delete it at the
version the page was opened on and undo the delete; only the roles that edit the map."""

import pytest

from networks.map.models import SavedView
from tests.networks.factories import SavedViewFactory


def _page(coalition):
    return f"/coalitions/{coalition.pk}/map/views/"


def _change(client, coalition, view, version=None, **fields):
    prefix = f"v{view.pk}-"
    data = {
        "name": view.name,
        "description": view.description,
        "layout": view.layout,
        "size_by": view.size_by,
        "colour_by": view.colour_by,
        "version": view.version if version is None else version,
        **fields,
    }
    return client.post(
        _page(coalition), {"view": view.pk, **{prefix + k: v for k, v in data.items()}}
    )


def _field_html(response, view, field):
    html = response.content.decode()
    start = html[html.index(f'id="field-v{view.pk}-{field}"') :]
    return start[: start.index("</div>")]


def test_a_weaver_renames_a_view_and_a_taken_name_is_refused_next_to_the_field(
    client_for, coalition
):
    allies = SavedViewFactory(coalition=coalition, name="Allies")
    SavedViewFactory(coalition=coalition, name="Targets")
    client = client_for("weaver")
    assert "Allies" in client.get(_page(coalition)).content.decode()
    taken = _change(client, coalition, allies, name="Targets")
    assert taken.status_code == 400
    assert "has this name" in _field_html(taken, allies, "name")
    assert _change(client, coalition, allies, name="Our allies").status_code == 302
    allies.refresh_from_db()
    assert allies.name == "Our allies"
    # The page was opened on the first version: refused, not saved over the rename.
    stale = _change(client, coalition, allies, name="Mine", version=allies.version - 1)
    assert stale.status_code == 412
    assert "was changed by weaver" in stale.content.decode()
    allies.refresh_from_db()
    assert allies.name == "Our allies"


def test_an_organizer_changes_a_views_description_and_settings(client_for, coalition):
    view = SavedViewFactory(coalition=coalition, name="Allies", filters={"stance": ["neutral"]})
    client = client_for("organizer")
    done = _change(
        client,
        coalition,
        view,
        description="Who to call before the council vote",
        layout="power",
        size_by="degree",
        colour_by="kind",
    )
    assert done.status_code == 302
    view.refresh_from_db()
    assert (view.description, view.layout, view.size_by, view.colour_by) == (
        "Who to call before the council vote",
        "power",
        "degree",
        "kind",
    )
    assert view.filters == {"stance": ["neutral"]}  # filters change from the map only
    assert "Who to call before the council vote" in client.get(_page(coalition)).content.decode()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("layout", "spiral"),
        ("size_by", "height"),
        ("colour_by", "custom:nothing"),
        ("name", ""),
        ("description", "x" * 2001),
    ],
)
def test_a_bad_setting_is_refused_next_to_its_field_and_nothing_is_saved(
    client_for, coalition, field, value
):
    view = SavedViewFactory(coalition=coalition, name="Allies")
    response = _change(client_for("organizer"), coalition, view, **{field: value})
    assert response.status_code == 400
    assert 'class="field-errors"' in _field_html(response, view, field)
    fresh = SavedView.objects.get(pk=view.pk)
    assert (fresh.version, fresh.name, fresh.layout) == (view.version, "Allies", view.layout)


def test_a_view_is_deleted_at_its_version_and_the_delete_undone(client_for, coalition):
    view = SavedViewFactory(
        coalition=coalition, name="Old", description="Kept", filters={"kind": ["person"]}
    )
    client = client_for("organizer")
    data = {"view": view.pk, "action": "delete", "version": view.version + 1}
    client.post(_page(coalition), data)
    assert SavedView.objects.filter(pk=view.pk).exists()
    client.post(_page(coalition), {**data, "version": view.version})
    assert not SavedView.objects.filter(pk=view.pk).exists()
    html = client.get(_page(coalition)).content.decode()
    assert f'data-deleted="{view.pk}"' in html and "deleted by organizer" in html
    back = client.post(_page(coalition), {"view": view.pk, "action": "undelete"}, follow=True)
    assert "Saved view “Old” is back." in back.content.decode()
    restored = SavedView.objects.get(pk=view.pk)
    assert (restored.name, restored.description, restored.filters) == (
        "Old",
        "Kept",
        {"kind": ["person"]},
    )
    assert f'data-deleted="{view.pk}"' not in back.content.decode()


def test_undoing_a_delete_is_refused_when_the_name_was_taken_since(client_for, coalition):
    view = SavedViewFactory(coalition=coalition, name="Old")
    client = client_for("organizer")
    client.post(_page(coalition), {"view": view.pk, "action": "delete", "version": view.version})
    client_for("weaver").post(
        f"/api/v1/coalitions/{coalition.pk}/saved-views/",
        {"name": "Old"},
        content_type="application/json",
    )
    client = client_for("organizer")
    refused = client.post(_page(coalition), {"view": view.pk, "action": "undelete"}, follow=True)
    assert "Another saved view was named “Old” by weaver since" in refused.content.decode()
    assert not SavedView.objects.filter(pk=view.pk).exists()
    nowhere = client.post(_page(coalition), {"view": "999999", "action": "undelete"}, follow=True)
    assert "No such deleted saved view." in nowhere.content.decode()
    junk = client.post(_page(coalition), {"view": "x", "action": "undelete"}, follow=True)
    assert "No such deleted saved view." in junk.content.decode()


def test_a_view_is_updated_to_the_map_through_the_api_at_its_version(client_for, coalition):
    """What the map's "Update this view" sends: filters, layout, size, colours, camera."""
    view = SavedViewFactory(coalition=coalition, name="Allies")
    client = client_for("organizer")
    path = f"/api/v1/coalitions/{coalition.pk}/saved-views/{view.pk}/"
    body = {
        "filters": {"stance": ["active_ally"]},
        "layout": "power",
        "size_by": "commitment",
        "colour_by": "tag",
        "camera": {"x": 0.5, "y": 0.5, "ratio": 2},
    }
    done = client.patch(
        path, body, content_type="application/json", HTTP_IF_MATCH=f'"{view.version}"'
    )
    assert done.status_code == 200, done.content
    stale = client.patch(
        path, body, content_type="application/json", HTTP_IF_MATCH=f'"{view.version}"'
    )
    assert stale.status_code == 412 and stale.json()["changed_by"] == "organizer"
    view.refresh_from_db()
    assert (view.filters, view.layout, view.colour_by) == (
        {"stance": ["active_ally"]},
        "power",
        "tag",
    )
    bad = client.patch(
        path,
        {"colour_by": "height"},
        content_type="application/json",
        HTTP_IF_MATCH=f'"{view.version}"',
    )
    assert bad.status_code == 400 and "colour_by" in bad.json()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("steward", 200),
        ("organizer", 200),
        ("weaver", 200),
        ("member", 403),
        ("funder", 403),
        ("outsider", 404),
    ],
)
def test_every_role_against_the_page_its_changes_and_undo(client_for, coalition, persona, status):
    view = SavedViewFactory(coalition=coalition, name="Shared")
    gone = SavedViewFactory(coalition=coalition, name="Gone")
    gone_id = gone.pk
    gone.delete()
    client = client_for(persona)
    assert client.get(_page(coalition)).status_code == status
    written = 302 if status == 200 else status
    assert _change(client, coalition, view, name="Theirs").status_code == written
    undo = client.post(_page(coalition), {"view": gone_id, "action": "undelete"})
    assert undo.status_code == written
    assert SavedView.objects.filter(pk=gone_id).exists() is (status == 200)
    assert (SavedView.objects.get(pk=view.pk).name == "Theirs") is (status == 200)


def test_signed_out_people_are_sent_to_sign_in(client, coalition):
    assert client.get(_page(coalition)).status_code == 302
