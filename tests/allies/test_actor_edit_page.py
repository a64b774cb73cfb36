"""An actor's details edited on a page: kind, name, description, tags (created on the fly),
sensitive, directly affected; a member its own organisation only; errors next to the field,
nothing saved on error, a stale save refused."""

from allies.models import Actor


def _page(coalition, actor):
    return f"/coalitions/{coalition.pk}/actors/{actor.pk}/edit/"


def _data(actor, **changes):
    return {
        "name": actor.name,
        "kind": actor.kind,
        "description": actor.description,
        "tags": "",
        "is_directly_affected": "",
        "version": actor.version,
        **changes,
    }


def test_an_organizer_edits_every_detail_and_tags_are_created(client_for, coalition, orgs):
    actor = orgs[0]
    client = client_for("organizer")
    response = client.post(
        _page(coalition, actor),
        _data(
            actor,
            name="Org Zero",
            kind="group",
            description="Tenants of the east side",
            tags="housing, east side ,housing",
            is_sensitive="on",
            is_directly_affected="on",
        ),
    )
    assert response.status_code == 302
    actor.refresh_from_db()
    assert (actor.name, actor.kind, actor.description) == (
        "Org Zero",
        "group",
        "Tenants of the east side",
    )
    assert actor.is_sensitive and actor.is_directly_affected
    assert sorted(actor.tags.values_list("name", flat=True)) == ["east side", "housing"]
    form = client.get(_page(coalition, actor)).content.decode()
    assert 'value="east side, housing"' in form
    assert '<option value="housing">' in form  # completion from the coalition's tags


def test_a_blank_name_is_refused_next_to_the_field_and_nothing_is_saved(
    client_for, coalition, orgs
):
    actor = orgs[0]
    response = client_for("weaver").post(
        _page(coalition, actor), _data(actor, name="  ", description="Changed")
    )
    assert response.status_code == 400
    html = response.content.decode()
    field = html[html.index('id="field-name"') :]
    assert "field-errors" in field[: field.index("</div>")]
    actor.refresh_from_db()
    assert actor.description == ""


def test_a_stale_save_names_who_changed_the_actor(client_for, coalition, orgs, personas):
    actor = orgs[0]
    stale = _data(actor, description="Mine")
    actor.name = "Renamed meanwhile"
    actor._history_user = personas["steward"]
    actor.save()
    response = client_for("organizer").post(_page(coalition, actor), stale)
    assert response.status_code == 412
    assert "steward" in response.content.decode()
    actor.refresh_from_db()
    assert (actor.name, actor.description) == ("Renamed meanwhile", "")


def test_a_member_edits_its_own_organisation_and_is_refused_another(
    client_for, coalition, orgs, member_org
):
    client = client_for("member")
    form = client.get(_page(coalition, member_org)).content.decode()
    assert "is_sensitive" not in form  # a member cannot mark an actor sensitive
    response = client.post(
        _page(coalition, member_org),
        _data(member_org, description="We organise renters", is_directly_affected="on"),
    )
    assert response.status_code == 302
    member_org.refresh_from_db()
    assert member_org.description == "We organise renters" and member_org.is_directly_affected
    assert client.get(_page(coalition, orgs[0])).status_code == 403
    refused = client.post(_page(coalition, orgs[0]), _data(orgs[0], description="Ours now"))
    assert refused.status_code == 403
    assert Actor.objects.get(pk=orgs[0].pk).description == ""


def test_a_weaver_cannot_reach_a_sensitive_actor_and_a_funder_no_actor(
    client_for, coalition, hidden, orgs
):
    assert client_for("weaver").get(_page(coalition, hidden)).status_code == 404
    assert client_for("funder").get(_page(coalition, orgs[0])).status_code == 403
    assert client_for("outsider").get(_page(coalition, orgs[0])).status_code == 404
