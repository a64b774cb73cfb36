"""The coalition's skills page, the way an organizer uses it: from a person's page to the
skills, add one, record a level in it, rename it, delete it, undo, reload and find it back
with the person's level."""

import datetime

import pytest

from allies.models import Skill, SkillLevel
from tests.allies.factories import ActorFactory
from tests.conftest import PASSWORD
from weft.vocabulary import ActorKind


@pytest.fixture
def ana(coalition):
    return ActorFactory(coalition=coalition, name="Ana Ruiz", kind=ActorKind.PERSON)


def test_an_organizer_adds_renames_deletes_and_undoes_a_skill(
    browser_page, sign_in, coalition, personas, ana
):
    page = browser_page
    sign_in(page, "organizer", PASSWORD)
    page.goto(f"{page.base}/coalitions/{coalition.pk}/actors/{ana.pk}/edit/")
    page.click("#manage-skills")
    page.wait_for_selector("h1:text-is('Skills')")

    # Add a skill; a duplicate of its name, typed in another case, is refused next to the field.
    page.fill("#id_skill-name", "Door knocking")
    page.fill("#id_skill-description", "Talking to neighbours at their door")
    page.click("#skill-form button[type=submit]")
    page.get_by_text("Skill “Door knocking” added.").wait_for()
    page.fill("#id_skill-name", "door KNOCKING")
    page.click("#skill-form button[type=submit]")
    page.get_by_text("the coalition already has a skill of this name.").wait_for()
    assert page.locator("#field-skill-name.has-error").count() == 1
    # The refusal is a 400, which the browser reports; nothing else went wrong.
    assert [e for e in page.js_errors if "status of 400" not in e] == []
    page.js_errors.clear()
    skill = Skill.objects.get(coalition=coalition)

    # Ana's level in it, recorded on her page.
    page.goto(f"{page.base}/coalitions/{coalition.pk}/actors/{ana.pk}/edit/")
    page.fill("#id_skill-skill", "Door knocking")
    page.select_option("#id_skill-level", "4")
    page.fill("#id_skill-assessed_on", "2026-03-02")
    page.click("#skill-form button[type=submit]")
    page.get_by_text("Ana Ruiz: Door knocking recorded.").wait_for()
    page.click("#manage-skills")
    row = page.locator(f"#skill-{skill.pk}")
    row.get_by_text("1 person has a level in it").wait_for()

    # Rename it.
    row.locator("summary").click()
    row.get_by_label("Name").fill("Canvassing")
    row.get_by_label("Description").fill("Door to door, with a script")
    row.get_by_role("button", name="Save").click()
    page.get_by_text("Skill “Canvassing” saved.").wait_for()
    assert page.inner_text(f"#skill-{skill.pk} .skill-name") == "Canvassing"

    # Delete it, then undo.
    page.locator(f"#skill-{skill.pk}").get_by_role("button", name="Delete").click()
    page.get_by_text("The skill “Canvassing” is deleted, with 1 recorded level.").wait_for()
    assert page.locator(f"#skill-{skill.pk}").count() == 0
    assert not SkillLevel.objects.exists()
    page.click("#undo-skill button[type=submit]")
    page.get_by_text("Deletion undone: the skill “Canvassing” is back.").wait_for()

    # Reload: it is there, with Ana's level.
    page.reload()
    row = page.locator(f"#skill-{skill.pk}")
    assert row.locator(".skill-name").inner_text() == "Canvassing"
    assert row.locator(".skill-description").inner_text() == "Door to door, with a script"
    row.get_by_text("1 person has a level in it").wait_for()
    assert page.locator("#undo-skill").count() == 0
    page.goto(f"{page.base}/coalitions/{coalition.pk}/actors/{ana.pk}/edit/")
    levels = page.inner_text("#skill-levels")
    assert "Canvassing" in levels and "4 of 5" in levels and "2026-03-02" in levels
    level = SkillLevel.objects.get()
    assert (level.skill_id, level.actor_id, level.assessed_on) == (
        skill.pk,
        ana.pk,
        datetime.date(2026, 3, 2),
    )
    assert page.js_errors == []
