"""The coalition's skills page (#17): list the skills with how many people have a level in
each, add one, rename or redescribe one (errors next to the field, nothing saved on error,
stale saves refused naming who), delete one with undo that brings back every person's
levels in it; every role against the page's GET and each POST."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from allies.models import Actor, Skill, SkillLevel
from allies.services.skills import skill_delete, skill_restore
from coalitions.roles import access_for
from coalitions.services import coalition_create
from tests.allies.factories import ActorFactory, SkillFactory, SkillLevelFactory
from weft.errors import ApplicationError
from weft.vocabulary import ActorKind

DAY = datetime.date(2026, 1, 5)


def _url(coalition, rest=""):
    return f"/coalitions/{coalition.pk}/skills/{rest}"


def _field_errors(html: str, field: str) -> str:
    part = html[html.index(f'id="field-{field}"') :]
    return part[: part.index("</div>")]


def _token(html: str) -> str:
    return html.split('name="token" value="')[1].split('"')[0]


def _edit(skill, **changes):
    """What the skill's form posts, as the page showed it, with ``changes``."""
    prefix = f"skill-{skill.pk}"
    seen = skill.history.order_by("-history_id").first().history_id
    data = {"name": skill.name, "description": skill.description, "seen": seen, **changes}
    return {f"{prefix}-{key}": value for key, value in data.items()}


@pytest.fixture
def facilitation(coalition):
    return SkillFactory(coalition=coalition, name="Facilitation", description="Running meetings")


@pytest.fixture
def people_with_levels(coalition, facilitation):
    """Two people with levels in Facilitation (one of them twice: levels are history)."""
    ana = ActorFactory(coalition=coalition, name="Ana Ruiz", kind=ActorKind.PERSON)
    ben = ActorFactory(coalition=coalition, name="Ben Okafor", kind=ActorKind.PERSON)
    levels = [
        SkillLevelFactory(
            actor=ana, skill=facilitation, level=2, assessed_on=datetime.date(2025, 1, 5)
        ),
        SkillLevelFactory(
            actor=ana,
            skill=facilitation,
            level=4,
            assessed_on=datetime.date(2026, 2, 1),
            note="ran the assembly",
        ),
        SkillLevelFactory(
            actor=ben, skill=facilitation, level=3, assessed_on=datetime.date(2026, 1, 9)
        ),
    ]
    return {"ana": ana, "ben": ben, "levels": levels}


def _levels(skill_id):
    return sorted(
        SkillLevel.objects.filter(skill_id=skill_id).values_list(
            "id", "actor__name", "level", "assessed_on", "note", "created_at"
        )
    )


# ---------------------------------------------------------------------------------------------
# The list


def test_the_page_lists_each_skill_with_how_many_people_have_a_level_in_it(
    client_for, coalition, facilitation, people_with_levels
):
    SkillFactory(coalition=coalition, name="media work")
    SkillFactory(coalition=coalition, name="Canvassing")
    page = client_for("organizer").get(_url(coalition)).content.decode()
    # Alphabetical whatever the case; two people, not three levels.
    assert page.index("Canvassing") < page.index("Facilitation") < page.index("media work")
    assert "Running meetings" in page
    assert "2 people have a level in it" in page
    assert "Nobody has a level in it yet" in page


def test_a_weaver_is_not_told_of_a_sensitive_persons_level(
    client_for, coalition, facilitation, people_with_levels, hidden
):
    SkillLevelFactory(actor=hidden, skill=facilitation, level=5)
    assert "3 people have" in client_for("organizer").get(_url(coalition)).content.decode()
    page = client_for("weaver").get(_url(coalition)).content.decode()
    assert "2 people have" in page and "Quiet Ally" not in page


def test_the_actor_pages_skills_section_links_to_the_page(client_for, coalition, people):
    page = client_for("weaver").get(f"/coalitions/{coalition.pk}/actors/{people[0].pk}/edit/")
    assert f'href="{_url(coalition)}" id="manage-skills"' in page.content.decode()


# ---------------------------------------------------------------------------------------------
# Add


def test_an_organizer_adds_a_skill_and_sees_it_listed(client_for, coalition):
    client = client_for("organizer")
    response = client.post(
        _url(coalition), {"skill-name": "  Public speaking ", "skill-description": "On stage"}
    )
    skill = Skill.objects.get(coalition=coalition)
    assert response.status_code == 302 and response.url.endswith(f"#skill-{skill.pk}")
    assert (skill.name, skill.description) == ("Public speaking", "On stage")
    page = client.get(_url(coalition)).content.decode()
    assert "Skill “Public speaking” added." in page and "On stage" in page


def test_a_blank_or_duplicate_name_is_refused_next_to_the_field_and_nothing_saved(
    client_for, coalition, facilitation
):
    client = client_for("weaver")
    response = client.post(_url(coalition), {"skill-name": "", "skill-description": "x"})
    assert response.status_code == 400
    assert "required" in _field_errors(response.content.decode(), "skill-name")
    response = client.post(_url(coalition), {"skill-name": "FACILITATION"})
    assert response.status_code == 400
    errors = _field_errors(response.content.decode(), "skill-name")
    assert "already has a skill of this name" in errors
    # The typed name is kept in the form, to be corrected.
    assert 'value="FACILITATION"' in response.content.decode()
    assert list(Skill.objects.values_list("name", flat=True)) == ["Facilitation"]


def test_a_name_too_long_is_refused(client_for, coalition):
    response = client_for("weaver").post(_url(coalition), {"skill-name": "x" * 121})
    assert response.status_code == 400
    assert "at most 120" in _field_errors(response.content.decode(), "skill-name")
    assert not Skill.objects.exists()


# ---------------------------------------------------------------------------------------------
# Rename, redescribe


def test_a_weaver_renames_and_redescribes_a_skill_its_levels_kept(
    client_for, coalition, facilitation, people_with_levels
):
    client = client_for("weaver")
    before = _levels(facilitation.pk)
    response = client.post(
        _url(coalition, f"{facilitation.pk}/"),
        _edit(facilitation, name="Meeting facilitation", description="Chairing, too"),
    )
    assert response.status_code == 302 and response.url.endswith(f"#skill-{facilitation.pk}")
    facilitation.refresh_from_db()
    assert (facilitation.name, facilitation.description) == (
        "Meeting facilitation",
        "Chairing, too",
    )
    assert _levels(facilitation.pk) == before
    person_page = client.get(
        f"/coalitions/{coalition.pk}/actors/{people_with_levels['ana'].pk}/edit/"
    )
    assert "Meeting facilitation</td><td>4 of 5" in person_page.content.decode()
    # Changing only the case of its own name is no duplicate.
    response = client.post(
        _url(coalition, f"{facilitation.pk}/"), _edit(facilitation, name="meeting facilitation")
    )
    assert response.status_code == 302
    assert Skill.objects.get(pk=facilitation.pk).name == "meeting facilitation"


def test_a_rename_to_another_skills_name_is_refused_naming_the_field(
    client_for, coalition, facilitation
):
    other = SkillFactory(coalition=coalition, name="Canvassing")
    client = client_for("organizer")
    response = client.post(
        _url(coalition, f"{other.pk}/"), _edit(other, name="facilitation", description="new")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "already has a skill of this name" in _field_errors(html, f"skill-{other.pk}-name")
    # The form that failed is open, the others closed.
    assert html.count("<details open>") == 1
    other.refresh_from_db()
    assert (other.name, other.description) == ("Canvassing", "")
    response = client.post(_url(coalition, f"{other.pk}/"), _edit(other, name=" "))
    assert response.status_code == 400
    assert "required" in _field_errors(response.content.decode(), f"skill-{other.pk}-name")
    assert Skill.objects.get(pk=other.pk).name == "Canvassing"


def test_a_stale_rename_is_refused_naming_who_changed_what(
    client_for, coalition, facilitation, personas
):
    opened = _edit(facilitation, name="Chairing")
    facilitation.description = "Running meetings and assemblies"
    facilitation._history_user = personas["steward"]
    facilitation.save()
    response = client_for("organizer").post(_url(coalition, f"{facilitation.pk}/"), opened)
    assert response.status_code == 412
    html = response.content.decode()
    assert "changed by steward" in html and "(description)" in html
    facilitation.refresh_from_db()
    assert facilitation.name == "Facilitation"


def test_another_coalitions_skill_is_no_page(client_for, coalition, make_user):
    elsewhere = coalition_create(name="Elsewhere", created_by=make_user("other"), cause="x")
    theirs = SkillFactory(coalition=elsewhere, name="Theirs")
    client = client_for("organizer")
    response = client.post(_url(coalition, f"{theirs.pk}/"), _edit(theirs, name="Mine"))
    assert response.status_code == 404
    response = client.post(_url(coalition, f"{theirs.pk}/"), {"action": "delete"})
    assert response.status_code == 404
    assert Skill.objects.get(pk=theirs.pk).name == "Theirs"


# ---------------------------------------------------------------------------------------------
# Delete and undo


def test_a_deleted_skill_comes_back_on_undo_with_every_persons_levels(
    client_for, coalition, facilitation, people_with_levels
):
    client = client_for("organizer")
    before = _levels(facilitation.pk)
    response = client.post(_url(coalition, f"{facilitation.pk}/"), {"action": "delete"})
    assert response.status_code == 302
    assert "Facilitation" not in response.url and "Ana" not in response.url
    assert not Skill.objects.filter(pk=facilitation.pk).exists()
    assert not SkillLevel.objects.exists()
    page = client.get(_url(coalition)).content.decode()
    assert "The skill “Facilitation” is deleted, with 3 recorded levels." in page
    undone = client.post(_url(coalition, "undo/"), {"token": _token(page)})
    assert undone.status_code == 302 and undone.url.endswith(f"#skill-{facilitation.pk}")
    skill = Skill.objects.get(pk=facilitation.pk)
    assert (skill.name, skill.description) == ("Facilitation", "Running meetings")
    assert _levels(facilitation.pk) == before
    page = client.get(_url(coalition)).content.decode()
    assert "the skill “Facilitation” is back" in page and 'id="undo-skill"' not in page
    assert "2 people have a level in it" in page
    # History tells who deleted and who brought it back.
    reasons = list(skill.history.order_by("history_id").values_list("history_change_reason"))
    assert reasons[-1] == ("deletion undone",)


def test_an_undo_twice_or_with_a_wrong_token_restores_nothing(client_for, coalition, facilitation):
    client = client_for("weaver")
    client.post(_url(coalition, f"{facilitation.pk}/"), {"action": "delete"})
    token = _token(client.get(_url(coalition)).content.decode())
    wrong = client.post(_url(coalition, "undo/"), {"token": "not-it"}, follow=True)
    assert "nothing to undo" in wrong.content.decode()
    assert not Skill.objects.exists()
    client.post(_url(coalition, "undo/"), {"token": token})
    again = client.post(_url(coalition, "undo/"), {"token": token}, follow=True)
    assert "nothing to undo" in again.content.decode()
    assert Skill.objects.count() == 1


def test_an_undo_is_refused_while_a_new_skill_has_the_name_then_done_after_a_rename(
    client_for, coalition, facilitation, people_with_levels
):
    client = client_for("organizer")
    client.post(_url(coalition, f"{facilitation.pk}/"), {"action": "delete"})
    token = _token(client.get(_url(coalition)).content.decode())
    client.post(_url(coalition), {"skill-name": "FACILITATION"})
    newcomer = Skill.objects.get()
    refused = client.post(_url(coalition, "undo/"), {"token": token}, follow=True)
    assert "A skill named “Facilitation” was added since" in refused.content.decode()
    assert list(Skill.objects.all()) == [newcomer] and not SkillLevel.objects.exists()
    client.post(_url(coalition, f"{newcomer.pk}/"), _edit(newcomer, name="Chairing"))
    client.post(_url(coalition, "undo/"), {"token": token})
    assert SkillLevel.objects.filter(skill_id=facilitation.pk).count() == 3


def test_an_undo_leaves_out_the_level_of_a_person_deleted_since(
    client_for, coalition, facilitation, people_with_levels, personas
):
    client = client_for("organizer")
    client.post(_url(coalition, f"{facilitation.pk}/"), {"action": "delete"})
    token = _token(client.get(_url(coalition)).content.decode())
    Actor.objects.filter(pk=people_with_levels["ben"].pk).delete()
    client.post(_url(coalition, "undo/"), {"token": token})
    assert [name for _, name, *_ in _levels(facilitation.pk)] == ["Ana Ruiz", "Ana Ruiz"]


def test_a_skill_deleted_through_the_api_service_is_restored_by_the_same_record(
    coalition, facilitation, people_with_levels, personas
):
    access = access_for(personas["weaver"], coalition.pk)
    assert skill_delete(access=access, skill=facilitation) == 3
    record = Skill.history.get(id=facilitation.pk, history_type="-")
    skill = skill_restore(access=access, skill_id=facilitation.pk, history_id=record.history_id)
    assert skill.levels.count() == 3
    with pytest.raises(ApplicationError, match="back already"):
        skill_restore(access=access, skill_id=facilitation.pk, history_id=record.history_id)


# ---------------------------------------------------------------------------------------------
# Every role against the page's GET and each POST


ROLE_STATUS = {
    "steward": 302,
    "organizer": 302,
    "weaver": 302,
    "member": 403,
    "funder": 403,
    "outsider": 404,
}


@pytest.mark.parametrize("persona", sorted(ROLE_STATUS))
def test_every_role_against_the_skills_page(
    client_for, client, coalition, facilitation, people_with_levels, persona
):
    canvassing = SkillFactory(coalition=coalition, name="Canvassing")
    posts = [
        ("", {"skill-name": "Media work"}),
        (f"{canvassing.pk}/", _edit(canvassing, name="Door knocking")),
        (f"{facilitation.pk}/", {"action": "delete"}),
    ]
    client_for(persona)
    expected = ROLE_STATUS[persona]
    assert client.get(_url(coalition)).status_code == (200 if expected == 302 else expected)
    for rest, data in posts:
        assert client.post(_url(coalition, rest), data).status_code == expected, rest
    if expected == 302:
        token = _token(client.get(_url(coalition)).content.decode())
        assert client.post(_url(coalition, "undo/"), {"token": token}).status_code == 302
        assert sorted(Skill.objects.values_list("name", flat=True)) == [
            "Door knocking",
            "Facilitation",
            "Media work",
        ]
        assert SkillLevel.objects.count() == 3
    else:
        assert client.post(_url(coalition, "undo/"), {"token": "x"}).status_code == expected
        assert sorted(Skill.objects.values_list("name", flat=True)) == [
            "Canvassing",
            "Facilitation",
        ]
        assert SkillLevel.objects.count() == 3
    client.logout()
    for rest in ("", f"{canvassing.pk}/", "undo/"):
        signed_out = client.post(_url(coalition, rest), {"skill-name": "x", "action": "delete"})
        assert signed_out.status_code == 302 and "login" in signed_out.url
    signed_out = client.get(_url(coalition))
    assert signed_out.status_code == 302 and "login" in signed_out.url


# ---------------------------------------------------------------------------------------------
# The page stays flat


def test_the_page_runs_as_many_queries_for_1000_skills_as_for_10(client_for, coalition, people):
    client = client_for("weaver")

    def grow(total: int) -> None:
        start = Skill.objects.filter(coalition=coalition).count()
        skills = Skill.objects.bulk_create(
            [
                Skill(coalition=coalition, name=f"Skill {n}", description="d")
                for n in range(start, total)
            ]
        )
        SkillLevel.objects.bulk_create(
            [
                SkillLevel(actor=person, skill=skill, level=3, assessed_on=DAY)
                for skill in skills
                for person in people[:3]
            ]
        )
        for skill in skills[:: max(1, len(skills) // 5)]:
            skill.save()  # some with history, some without

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(_url(coalition))
        assert response.status_code == 200
        return len(captured)

    grow(10)
    queries()  # once first: what a session caches on its first page is not counted
    at_10 = queries()
    grow(1000)
    at_1000 = queries()
    assert at_1000 == at_10, f"{at_10} queries at 10 skills, {at_1000} at 1,000"


def test_an_undo_keeps_a_level_whose_recorder_account_was_deleted_since(
    coalition, facilitation, people_with_levels, personas, make_user
):
    recorder = make_user("former")
    SkillLevel.objects.filter(pk=people_with_levels["levels"][0].pk).update(recorded_by=recorder)
    access = access_for(personas["organizer"], coalition.pk)
    skill_delete(access=access, skill=facilitation)
    recorder.delete()
    record = Skill.history.get(id=facilitation.pk, history_type="-")
    skill_restore(access=access, skill_id=facilitation.pk, history_id=record.history_id)
    restored = SkillLevel.objects.get(pk=people_with_levels["levels"][0].pk)
    assert restored.recorded_by is None and restored.level == 2
    assert SkillLevel.objects.filter(skill_id=facilitation.pk).count() == 3
