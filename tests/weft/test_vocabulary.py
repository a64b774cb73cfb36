"""One vocabulary (weft/vocabulary.py): the models' choices are its words, and every page
hands the same table to the page scripts, which keep no copy of their own."""

import json
import re
from pathlib import Path

from allies.models import Actor, AllyAssessment
from coalitions.connect.models import Membership
from coalitions.models import Coalition
from networks.models import Interaction, Tie
from weft.vocabulary import (
    ActorKind,
    AllyKind,
    CoalitionPhase,
    Direction,
    InteractionKind,
    MemberPhase,
    Stance,
    TieKind,
    browser_vocabulary,
)

ROOT = Path(__file__).resolve().parents[2]


def test_the_models_choices_are_the_vocabularys_words():
    fields = {
        (Actor, "kind"): ActorKind,
        (AllyAssessment, "stance"): Stance,
        (AllyAssessment, "ally_kind"): AllyKind,
        (Tie, "kind"): TieKind,
        (Tie, "direction"): Direction,
        (Interaction, "kind"): InteractionKind,
        (Coalition, "phase"): CoalitionPhase,
        (Membership, "phase"): MemberPhase,
    }
    for (model, name), words in fields.items():
        assert list(model._meta.get_field(name).choices) == words.choices, (model, name)


def test_the_spectrum_runs_from_opposition_to_ally_with_a_colour_each():
    assert [s.value for s in Stance] == [
        "active_opposition",
        "passive_opposition",
        "neutral",
        "passive_ally",
        "active_ally",
    ]
    assert [Stance.position(s) for s in Stance] == [-2, -1, 0, 1, 2]
    assert all(re.fullmatch(r"#[0-9a-f]{6}", s.colour) for s in Stance)
    assert "active_ally" in Stance and "hostile" not in Stance


def test_every_page_carries_the_vocabulary_for_its_scripts(client_for, coalition):
    html = client_for("weaver").get(f"/coalitions/{coalition.pk}/").content.decode()
    found = re.search(r'<script id="weft-vocabulary" type="application/json">(.*?)</script>', html)
    assert found is not None
    assert json.loads(found.group(1)) == json.loads(json.dumps(browser_vocabulary()))
    stances = json.loads(found.group(1))["stances"]
    assert [(s["value"], s["label"], s["colour"]) for s in stances] == [
        (s.value, s.label, s.colour) for s in Stance
    ]


def test_no_page_script_keeps_its_own_copy_of_the_spectrum():
    for script in (ROOT / "static" / "js").rglob("*.js"):
        # Code only: a comment may show the table's shape.
        lines = script.read_text().splitlines()
        text = "\n".join(line for line in lines if not line.strip().startswith("//"))
        for stance in Stance:
            assert stance.colour not in text, (script, stance)
        assert "Passive opposition" not in text, script
