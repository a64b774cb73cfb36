"""An actor's records on its edit page (#17, item 2): custom fields, contact details (for the
roles that may see them: the others see nothing of them), skill levels and affiliations;
errors next to the field, nothing saved on error, stale saves refused naming who, undo of a
deletion; every role against every new page."""

import pytest

from allies.models import Actor, Affiliation, ContactDetail, Skill, SkillLevel
from coalitions.services import coalition_create
from tests.allies.factories import (
    ActorFactory,
    AffiliationFactory,
    ContactDetailFactory,
    SkillFactory,
)
from weft.vocabulary import ActorKind

SECRET = "ana.private@example.org"


def _edit(coalition, actor, rest=""):
    return f"/coalitions/{coalition.pk}/actors/{actor.pk}/edit/{rest}"


def _field_errors(html: str, field: str) -> str:
    part = html[html.index(f'id="field-{field}"') :]
    return part[: part.index("</div>")]


@pytest.fixture
def person(coalition):
    return ActorFactory(
        coalition=coalition,
        name="Ana Ruiz",
        kind=ActorKind.PERSON,
        custom_fields={"Borough": "East", "Links": ["a", "b"]},
    )


# ---------------------------------------------------------------------------------------------
# Custom fields


def test_an_organizer_edits_adds_and_removes_custom_fields(client_for, coalition, person, orgs):
    orgs[0].custom_fields = {"Founded": 1999}
    orgs[0].save()
    client = client_for("organizer")
    page = client.get(_edit(coalition, person)).content.decode()
    # The coalition's fields (another actor's included) are offered; a list is kept as is.
    assert ">Borough<" in page and ">Founded<" in page and "Kept as imported: Links" in page
    from allies.edit.forms import custom_field_name

    data = {
        f"custom-{custom_field_name('Borough')}": "West",
        f"custom-{custom_field_name('Founded')}": "2001",
        "custom-new_name": "Pronouns",
        "custom-new_value": "she/her",
        "custom-version": person.version,
    }
    response = client.post(_edit(coalition, person, "fields/"), data)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.custom_fields == {
        "Borough": "West",
        "Founded": "2001",
        "Links": ["a", "b"],
        "Pronouns": "she/her",
    }
    data = {**data, "custom-version": person.version, "custom-new_name": "", "custom-new_value": ""}
    data[f"custom-{custom_field_name('Borough')}"] = ""
    data[f"custom-{custom_field_name('Pronouns')}"] = "she/her"
    client.post(_edit(coalition, person, "fields/"), data)
    person.refresh_from_db()
    assert "Borough" not in person.custom_fields and person.custom_fields["Pronouns"] == "she/her"


def test_a_custom_field_without_a_name_or_stale_is_refused_and_nothing_saved(
    client_for, coalition, person, personas
):
    client = client_for("weaver")
    stale = {"custom-new_name": "", "custom-new_value": "orphan", "custom-version": person.version}
    response = client.post(_edit(coalition, person, "fields/"), stale)
    assert response.status_code == 400
    assert "Name the field" in _field_errors(response.content.decode(), "custom-new_name")
    person.description = "changed meanwhile"
    person._history_user = personas["steward"]
    person.save()
    stale["custom-new_name"] = "Mine"
    response = client.post(_edit(coalition, person, "fields/"), stale)
    assert response.status_code == 412 and "steward" in response.content.decode()
    person.refresh_from_db()
    assert "Mine" not in person.custom_fields


# ---------------------------------------------------------------------------------------------
# Contact details


def test_an_organizer_adds_edits_deletes_and_undoes_a_contact_detail(client_for, coalition, person):
    client = client_for("organizer")
    added = client.post(
        _edit(coalition, person, "contacts/"),
        {"contact-kind": "email", "contact-value": SECRET, "contact-label": "home"},
    )
    assert added.status_code == 302 and added.url.endswith("#contacts")
    assert SECRET not in added.url
    detail = ContactDetail.objects.get(actor=person)
    assert (detail.kind, detail.value, detail.label) == ("email", SECRET, "home")
    assert SECRET in client.get(_edit(coalition, person)).content.decode()
    change = _edit(coalition, person, f"contacts/{detail.pk}/")
    prefix = f"contact-{detail.pk}"
    response = client.post(
        change,
        {
            f"{prefix}-kind": "phone",
            f"{prefix}-value": "+34 600 000 000",
            f"{prefix}-version": detail.version,
        },
    )
    assert response.status_code == 302
    detail.refresh_from_db()
    assert (detail.kind, detail.value) == ("phone", "+34 600 000 000")
    deleted = client.post(change, {"action": "delete", "version": detail.version})
    assert deleted.status_code == 302 and not ContactDetail.objects.exists()
    page = client.get(_edit(coalition, person)).content.decode()
    assert "The contact detail is deleted." in page
    token = page.split('name="token" value="')[1].split('"')[0]
    client.post(_edit(coalition, person, "undo/"), {"token": token})
    assert ContactDetail.objects.get(pk=detail.pk).value == "+34 600 000 000"


def test_a_blank_contact_value_or_a_stale_save_is_refused_next_to_the_form(
    client_for, coalition, person, personas
):
    client = client_for("weaver")
    response = client.post(
        _edit(coalition, person, "contacts/"), {"contact-kind": "email", "contact-value": " "}
    )
    assert response.status_code == 400
    assert "required" in _field_errors(response.content.decode(), "contact-value")
    assert not ContactDetail.objects.exists()
    detail = ContactDetailFactory(actor=person, kind="email", value=SECRET)
    prefix = f"contact-{detail.pk}"
    stale = {f"{prefix}-kind": "email", f"{prefix}-value": "x@y.org", f"{prefix}-version": 1}
    detail.label = "work"
    detail._history_user = personas["organizer"]
    detail.save()
    response = client.post(_edit(coalition, person, f"contacts/{detail.pk}/"), stale)
    assert response.status_code == 412 and "organizer" in response.content.decode()
    detail.refresh_from_db()
    assert detail.value == SECRET


@pytest.mark.parametrize("persona", ["member"])
def test_a_member_sees_nothing_of_its_own_organisations_contacts_and_cannot_write_them(
    client_for, coalition, member_org, persona
):
    ContactDetailFactory(actor=member_org, kind="email", value=SECRET)
    ContactDetailFactory(actor=member_org, kind="phone", value="+1 555 0100")
    client = client_for(persona)
    page = client.get(_edit(coalition, member_org)).content.decode()
    assert SECRET not in page and "555" not in page
    assert "Contact" not in page and "contact" not in page  # not a heading, not a count
    response = client.post(
        _edit(coalition, member_org, "contacts/"),
        {"contact-kind": "email", "contact-value": "new@example.org"},
    )
    assert response.status_code == 403
    assert ContactDetail.objects.count() == 2


# ---------------------------------------------------------------------------------------------
# Skills


def test_a_weaver_records_skill_levels_a_new_skill_created_once(client_for, coalition, person):
    SkillFactory(coalition=coalition, name="Facilitation")
    client = client_for("weaver")
    for skill, level in (("facilitation", 2), ("Media work", 4)):
        response = client.post(
            _edit(coalition, person, "skills/"),
            {"skill-skill": skill, "skill-level": level, "skill-assessed_on": "2026-03-02"},
        )
        assert response.status_code == 302
    assert sorted(Skill.objects.values_list("name", flat=True)) == ["Facilitation", "Media work"]
    levels = {lvl.skill.name: lvl.level for lvl in SkillLevel.objects.filter(actor=person)}
    assert levels == {"Facilitation": 2, "Media work": 4}
    page = client.get(_edit(coalition, person)).content.decode()
    assert "Media work</td><td>4 of 5" in page


def test_a_bad_skill_level_is_refused_next_to_the_field_and_no_skill_is_created(
    client_for, coalition, person, orgs
):
    client = client_for("weaver")
    response = client.post(
        _edit(coalition, person, "skills/"),
        {"skill-skill": "Canvassing", "skill-level": "9", "skill-assessed_on": "2026-03-02"},
    )
    assert response.status_code == 400
    assert "valid choice" in _field_errors(response.content.decode(), "skill-level")
    # An organisation has no skills: no section, and a post is refused naming why.
    assert 'id="skills"' not in client.get(_edit(coalition, orgs[0])).content.decode()
    response = client.post(
        _edit(coalition, orgs[0], "skills/"),
        {"skill-skill": "Canvassing", "skill-level": "3", "skill-assessed_on": "2026-03-02"},
    )
    assert response.status_code == 400 and "must be a person" in response.content.decode()
    assert not Skill.objects.exists() and not SkillLevel.objects.exists()


# ---------------------------------------------------------------------------------------------
# Affiliations


def _affiliation(prefix, other, **extra):
    return {
        f"{prefix}-other": other.pk,
        f"{prefix}-role_title": "Treasurer",
        f"{prefix}-started_on": "2024-01-01",
        f"{prefix}-ended_on": "",
        **{f"{prefix}-{k}": v for k, v in extra.items()},
    }


def test_an_organizer_adds_changes_deletes_and_undoes_an_affiliation(
    client_for, coalition, person, orgs
):
    client = client_for("organizer")
    response = client.post(
        _edit(coalition, person, "affiliations/"),
        _affiliation("affiliation", orgs[0], is_lead="on"),
    )
    assert response.status_code == 302
    row = Affiliation.objects.get()
    assert (row.person, row.organisation, row.role_title, row.is_lead) == (
        person,
        orgs[0],
        "Treasurer",
        True,
    )
    # The organisation's page lists its people.
    assert "Ana Ruiz" in client.get(_edit(coalition, orgs[0])).content.decode()
    change = _edit(coalition, person, f"affiliations/{row.pk}/")
    prefix = f"affiliation-{row.pk}"
    data = _affiliation(prefix, orgs[0], ended_on="2025-06-30", version=row.version)
    assert client.post(change, data).status_code == 302
    row.refresh_from_db()
    assert str(row.ended_on) == "2025-06-30"
    client.post(change, {"action": "delete", "version": row.version})
    assert not Affiliation.objects.exists()
    page = client.get(_edit(coalition, person)).content.decode()
    token = page.split('name="token" value="')[1].split('"')[0]
    client.post(_edit(coalition, person, "undo/"), {"token": token})
    assert Affiliation.objects.get(pk=row.pk).role_title == "Treasurer"


def test_an_end_before_the_start_or_another_coalitions_organisation_is_refused(
    client_for, coalition, person, orgs, make_user
):
    client = client_for("weaver")
    response = client.post(
        _edit(coalition, person, "affiliations/"),
        _affiliation("affiliation", orgs[0], ended_on="2023-12-31"),
    )
    assert response.status_code == 400
    assert "on or after" in _field_errors(response.content.decode(), "affiliation-ended_on")
    elsewhere = coalition_create(name="Elsewhere", created_by=make_user("other"), cause="x")
    stranger = ActorFactory(coalition=elsewhere, name="Stranger Org")
    response = client.post(
        _edit(coalition, person, "affiliations/"), _affiliation("affiliation", stranger)
    )
    assert response.status_code == 400
    errors = _field_errors(response.content.decode(), "affiliation-other")
    assert "Choose an organisation, group or institution of this coalition" in errors
    assert "Stranger Org" not in response.content.decode()
    assert not Affiliation.objects.exists()


def test_a_stale_affiliation_save_names_who_changed_it(
    client_for, coalition, person, orgs, personas
):
    row = AffiliationFactory(person=person, organisation=orgs[0], role_title="Chair")
    data = _affiliation(f"affiliation-{row.pk}", orgs[0], version=row.version)
    row.role_title = "Co-chair"
    row._history_user = personas["steward"]
    row.save()
    response = client_for("organizer").post(
        _edit(coalition, person, f"affiliations/{row.pk}/"), data
    )
    assert response.status_code == 412 and "steward" in response.content.decode()
    row.refresh_from_db()
    assert row.role_title == "Co-chair"


def test_a_member_reads_its_organisations_people_edits_its_fields_and_nothing_else(
    client_for, coalition, member_org, person, orgs
):
    AffiliationFactory(person=person, organisation=member_org, role_title="Organiser")
    client = client_for("member")
    page = client.get(_edit(coalition, member_org)).content.decode()
    assert "Ana Ruiz" in page and "Organiser" in page
    assert 'id="affiliation-form"' not in page and "delete-affiliation" not in page
    from allies.edit.forms import custom_field_name

    fields = {
        f"custom-{custom_field_name('Borough')}": "North",
        "custom-new_name": "",
        "custom-new_value": "",
        "custom-version": member_org.version,
    }
    assert client.post(_edit(coalition, member_org, "fields/"), fields).status_code == 302
    member_org.refresh_from_db()
    assert member_org.custom_fields == {"Borough": "North"}
    # Another organisation: every section refused.
    other = orgs[0]
    fields["custom-version"] = other.version
    assert client.post(_edit(coalition, other, "fields/"), fields).status_code == 403
    assert Actor.objects.get(pk=other.pk).custom_fields == {}
    refused = client.post(
        _edit(coalition, member_org, "affiliations/"), _affiliation("affiliation", person)
    )
    assert refused.status_code == 403
    assert Affiliation.objects.count() == 1


# ---------------------------------------------------------------------------------------------
# Every role against every new page


ROLE_STATUS = {
    "steward": 302,
    "organizer": 302,
    "weaver": 302,
    "member": 403,
    "funder": 403,
    "outsider": 404,
}


@pytest.mark.parametrize("persona", sorted(ROLE_STATUS))
def test_every_role_against_every_records_page(
    client_for, client, coalition, person, orgs, persona
):
    detail = ContactDetailFactory(actor=person, kind="email", value=SECRET)
    row = AffiliationFactory(person=person, organisation=orgs[0])
    from allies.edit.forms import custom_field_name

    posts = {
        "fields/": {
            f"custom-{custom_field_name('Borough')}": "South",
            "custom-version": person.version,
        },
        "contacts/": {"contact-kind": "phone", "contact-value": "+1 555 0199"},
        f"contacts/{detail.pk}/": {"action": "delete", "version": detail.version},
        "skills/": {
            "skill-skill": "Canvassing",
            "skill-level": 3,
            "skill-assessed_on": "2026-01-01",
        },
        "affiliations/": _affiliation("affiliation", orgs[1]),
        f"affiliations/{row.pk}/": {"action": "delete", "version": row.version},
    }
    client_for(persona)
    expected = ROLE_STATUS[persona]
    assert client.get(_edit(coalition, person)).status_code == (
        200 if expected == 302 else expected
    )
    for rest, data in posts.items():
        assert client.post(_edit(coalition, person, rest), data).status_code == expected, rest
    undo = client.post(_edit(coalition, person, "undo/"), {"token": "x"})
    assert undo.status_code == expected
    if expected != 302:
        person.refresh_from_db()
        assert person.custom_fields["Borough"] == "East"
        assert ContactDetail.objects.count() == 1 and Affiliation.objects.count() == 1
        assert not SkillLevel.objects.exists()
    client.logout()
    signed_out = client.post(_edit(coalition, person, "contacts/"), posts["contacts/"])
    assert signed_out.status_code == 302 and "login" in signed_out.url


def test_a_sensitive_persons_records_are_no_page_for_a_weaver(client_for, coalition, hidden):
    client = client_for("weaver")
    assert client.get(_edit(coalition, hidden)).status_code == 404
    response = client.post(
        _edit(coalition, hidden, "contacts/"), {"contact-kind": "email", "contact-value": SECRET}
    )
    assert response.status_code == 404 and not ContactDetail.objects.exists()


def test_a_contact_value_never_reaches_a_url_or_the_log(client_for, coalition, person, caplog):
    caplog.set_level("DEBUG")
    client = client_for("organizer")
    refused = client.post(
        _edit(coalition, person, "contacts/"),
        {"contact-kind": "nonsense", "contact-value": SECRET},
    )
    assert refused.status_code == 400  # Django logs a bad request: its path only
    added = client.post(
        _edit(coalition, person, "contacts/"), {"contact-kind": "email", "contact-value": SECRET}
    )
    detail = ContactDetail.objects.get()
    deleted = client.post(
        _edit(coalition, person, f"contacts/{detail.pk}/"),
        {"action": "delete", "version": detail.version},
    )
    assert all(SECRET not in response.url for response in (added, deleted))
    assert caplog.records and SECRET not in caplog.text
