"""The saved views page: rename (a taken name refused next to the field, a stale rename
refused) and delete at the version the page was opened on; only the roles that edit the map."""

from networks.map.models import SavedView
from tests.networks.factories import SavedViewFactory


def _page(coalition):
    return f"/coalitions/{coalition.pk}/map/views/"


def _rename(client, coalition, view, name, version=None):
    prefix = f"v{view.pk}-"
    return client.post(
        _page(coalition),
        {
            "view": view.pk,
            prefix + "name": name,
            prefix + "version": view.version if version is None else version,
        },
    )


def test_a_weaver_renames_a_view_and_a_taken_name_is_refused_next_to_the_field(
    client_for, coalition
):
    allies = SavedViewFactory(coalition=coalition, name="Allies")
    SavedViewFactory(coalition=coalition, name="Targets")
    client = client_for("weaver")
    assert "Allies" in client.get(_page(coalition)).content.decode()
    taken = _rename(client, coalition, allies, "Targets")
    assert taken.status_code == 400
    html = taken.content.decode()
    field = html[html.index(f'id="field-v{allies.pk}-name"') :]
    assert "has this name" in field[: field.index("</div>")]
    assert _rename(client, coalition, allies, "Our allies").status_code == 302
    allies.refresh_from_db()
    assert allies.name == "Our allies"
    # The page was opened on the first version: refused, not saved over the rename.
    stale = _rename(client, coalition, allies, "Mine", version=allies.version - 1)
    assert stale.status_code == 412
    allies.refresh_from_db()
    assert allies.name == "Our allies"


def test_a_view_is_deleted_at_its_version(client_for, coalition):
    view = SavedViewFactory(coalition=coalition, name="Old")
    client = client_for("organizer")
    data = {"view": view.pk, "action": "delete", "version": view.version + 1}
    client.post(_page(coalition), data)
    assert SavedView.objects.filter(pk=view.pk).exists()
    client.post(_page(coalition), {**data, "version": view.version})
    assert not SavedView.objects.filter(pk=view.pk).exists()


def test_members_and_funders_do_not_manage_views(client_for, coalition):
    view = SavedViewFactory(coalition=coalition, name="Shared")
    for persona in ("member", "funder"):
        client = client_for(persona)
        assert client.get(_page(coalition)).status_code == 403
        assert _rename(client, coalition, view, "Theirs").status_code == 403
    assert SavedView.objects.get(pk=view.pk).name == "Shared"
