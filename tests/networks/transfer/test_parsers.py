"""The pure readers, writers and matcher: no database."""

import pytest

from networks.transfer import values
from networks.transfer.names import match_against, match_within, normalise_name
from networks.transfer.parsed import UnreadableFile
from networks.transfer.plan import ExistingActor, Snapshot, build_plan
from networks.transfer.readers import read_map
from networks.transfer.writers import write_csv_zip
from tests.networks.transfer.files import BILLION_LAUGHS, KUMU_ELEMENTS, csv_bytes, xlsx, zip_bomb


def messages(parsed_or_plan):
    return [(p.sheet, p.row, p.column, p.message) for p in parsed_or_plan.problems]


# --- names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("The Tenants' Union, Inc.", "tenants union"),
        ("Mieterverein München e.V.", "mieterverein munchen"),
        ("ACME Ltd.", "acme"),
        ("Friends & Neighbours GmbH", "friends and neighbours"),
        ("  Sierra   Club  ", "sierra club"),
        ("Inc", "inc"),  # nothing would be left: the name is kept
        ("Theatre Collective", "theatre collective"),  # "The" only as a whole word
    ],
)
def test_names_are_normalised_for_matching(name, expected):
    assert normalise_name(name) == expected


def test_matcher_finds_known_duplicates_and_leaves_distinct_names_apart():
    existing = {
        1: normalise_name("Tenants Union of Riverside"),
        2: normalise_name("Riverside Faith Leaders"),
        3: normalise_name("Sunrise Movement"),
    }
    incoming = [
        normalise_name("The Tenants Union of Riverside, Inc."),  # same after normalising
        normalise_name("Tenants Unoin of Riverside"),  # a typo
        normalise_name("Riverside Tenants Union of"),  # word order
        normalise_name("Sunset Boulevard Association"),  # different
        normalise_name("Riverside Chamber of Commerce"),  # shares a word only
    ]
    found = {m.left: (m.right, m.score) for m in match_against(incoming, existing)}
    assert found[0] == (1, 100.0)
    assert found[1][0] == 1 and 88 <= found[1][1] < 100
    assert found[2] == (1, 100.0)
    assert 3 not in found and 4 not in found


def test_matcher_lists_duplicates_within_one_list_once_per_pair():
    names = {
        10: normalise_name("Greenpeace e.V."),
        11: normalise_name("greenpeace"),
        12: normalise_name("Green Peace"),
        13: normalise_name("Oxfam"),
    }
    pairs = {(m.left, m.right) for m in match_within(names)}
    assert (10, 11) in pairs
    assert all(13 not in pair for pair in pairs)
    assert len(pairs) == len({frozenset(p) for p in pairs})


def test_names_told_apart_by_their_numbers_are_not_duplicates():
    names = {
        1: normalise_name("SEIU Local 12"),
        2: normalise_name("SEIU Local 13"),
        3: normalise_name("Local 12 SEIU, Inc."),
        4: normalise_name("SEIU Local"),
    }
    pairs = {frozenset((m.left, m.right)) for m in match_within(names)}
    assert pairs == {frozenset((1, 3))}


def test_the_matcher_does_not_compare_names_whose_numbers_differ(monkeypatch):
    """Counted, not timed: 3,000 names like "Tenants Union 00042" (the shape of a numbered
    list) are never compared with each other, instead of 4.5 million comparisons."""
    from networks.transfer import names as module

    calls = []
    ratio = module.fuzz.ratio

    def counting(*args, **kwargs):
        calls.append(args)
        return ratio(*args, **kwargs)

    monkeypatch.setattr(module.fuzz, "ratio", counting)
    names = {i: f"tenants union {i:05d}" for i in range(3_000)}
    names[3_000] = "tenants unoin 00042"  # a typo of one of them, same number
    found = match_within(names)
    assert [(m.left, m.right) for m in found] == [(42, 3_000)]
    assert len(calls) == 1


# --- Kumu spreadsheets ------------------------------------------------------------------------


def test_a_kumu_spreadsheet_made_by_hand_reads_as_expected():
    parsed = read_map("map.xlsx", xlsx())
    assert parsed.problems == []
    union, maria, department, faith = parsed.actors
    assert (union.label, union.kind, union.key) == (
        "Tenants Union of Riverside",
        "organisation",
        "k1",
    )
    assert union.tags == ["housing", "renters"]
    assert union.custom_fields == {"Website": "tu.example"}
    assert union.assessments[0].stance == "active_ally"
    assert maria.kind == "person" and maria.assessments == []
    assert department.kind == "institution"
    assert department.assessments[0].stance == "passive_opposition"
    assert faith.kind == "group" and faith.key == ""
    kinds = [(t.source, t.target, t.kind, t.direction, t.strength) for t in parsed.ties]
    assert kinds == [
        ("Maria Lopez", "Tenants Union of Riverside", "affiliation", "directed", 4),
        ("Tenants Union of Riverside", "Housing Department", "conflict", "undirected", None),
        ("k2", "Faith Leaders Network", "collaboration", "mutual", 2),
    ]


def test_every_row_problem_is_reported_at_once_with_sheet_row_and_column():
    elements = [
        ["Label", "Type", "ID", "Influence", "Stance"],
        ["Alpha", "Org", "a", "lots", "neutral"],  # influence not a number
        ["Beta", "Org", "a", "", ""],  # same ID as row 2
        ["", "Org", "c", "", ""],  # no label
        ["Delta", "Org", "d", "9", "neutral"],  # influence out of range
    ]
    connections = [
        ["From", "To", "Strength"],
        ["Beta", "Delta", "-7"],  # a weight must be positive
        ["Beta", "Nobody Anywhere", "2"],  # a label that exists nowhere
    ]
    parsed = read_map("bad.xlsx", xlsx(elements, connections))
    plan = build_plan(parsed, Snapshot())
    found = messages(plan)
    assert found[0][:3] == ("Elements", 2, "Influence") and "not a number" in found[0][3]
    assert found[1][:3] == ("Elements", 3, "ID") and "also on row 2" in found[1][3]
    assert found[2][:3] == ("Elements", 4, "Label")
    assert found[3][:3] == ("Elements", 5, "Influence") and "out of range" in found[3][3]
    assert found[4][:3] == ("Connections", 2, "Strength") and "positive" in found[4][3]
    assert found[5][:3] == ("Connections", 3, "To") and "'Nobody Anywhere'" in found[5][3]
    assert len(found) == 6


def test_a_sheet_without_a_label_column_is_named():
    parsed = read_map("x.xlsx", xlsx([["Organisation", "Type"], ["Alpha", "Org"]], None))
    assert messages(parsed) == [
        ("Elements", 1, "Label", "there is no Label column: every element needs a label")
    ]


def test_a_connections_sheet_without_from_or_to_is_named():
    parsed = read_map("x.xlsx", xlsx(KUMU_ELEMENTS, [["From", "Target"], ["a", "b"]]))
    assert messages(parsed) == [("Connections", 1, "To", "there is no To column")]


def test_an_empty_sheet_is_named():
    parsed = read_map("x.xlsx", xlsx([], None))
    assert [p[:3] for p in messages(parsed)] == [("Elements", None, "")]
    assert "empty" in parsed.problems[0].message
    only_header = read_map("x.xlsx", xlsx([["Label"]], None))
    assert "no elements" in only_header.problems[0].message


@pytest.mark.parametrize(
    ("encoding", "named"),
    [("cp1252", "Windows-1252"), ("utf-16", "UTF-16"), ("utf-16-le", "UTF-16")],
)
def test_a_csv_in_another_encoding_is_read_with_a_warning(encoding, named):
    data = csv_bytes([["Label", "Type"], ["Mieterverein München – Süd", "Org"]], encoding=encoding)
    parsed = read_map("elements.csv", data)
    assert [a.label for a in parsed.actors] == ["Mieterverein München – Süd"]
    assert parsed.problems == []
    assert [w.message for w in parsed.warnings] == [
        f"the file is not UTF-8: it was read as {named}; check that accented letters came out right"
    ]


def test_csv_is_read_by_the_standard_dialect_whatever_the_sniffer_guesses():
    # A quote inside a quoted cell is doubled (RFC 4180); the sniffer once guessed otherwise
    # from such a file and split its rows.
    data = (
        b"Label,Description,Type\n"
        b'"Tenants Union","They say ""rent freeze now"", loudly",Org\n'
        b'"Faith Leaders; Network","One ""quoted"" word",Group\n'
    )
    parsed = read_map("elements.csv", data)
    assert [(a.label, a.description) for a in parsed.actors] == [
        ("Tenants Union", 'They say "rent freeze now", loudly'),
        ("Faith Leaders; Network", 'One "quoted" word'),
    ]
    semicolons = b"Label;Type\nMieterverein;Org\n"
    assert [a.label for a in read_map("e.csv", semicolons).actors] == ["Mieterverein"]


def test_a_utf8_csv_with_a_bom_reads():
    data = "\ufeffLabel,Type\nMieterverein München,Org\n".encode()
    parsed = read_map("elements.csv", data)
    assert [a.label for a in parsed.actors] == ["Mieterverein München"]


def test_a_file_over_the_size_limit_is_refused_before_reading():
    with pytest.raises(UnreadableFile, match="over the limit of 1 MB"):
        read_map("big.csv", b"Label\n" + b"x\n" * 600_000, max_bytes=1024 * 1024)


def test_an_xlsx_zip_bomb_is_refused():
    with pytest.raises(UnreadableFile, match="zip bomb"):
        read_map("bomb.xlsx", zip_bomb())


def test_something_that_is_not_a_spreadsheet_is_refused():
    with pytest.raises(UnreadableFile, match="not a valid XLSX"):
        read_map("map.xlsx", b"PK\x03\x04 this is not a zip")


def test_xml_with_entity_tricks_is_refused():
    with pytest.raises(UnreadableFile, match="DTD or entities"):
        read_map("map.graphml", BILLION_LAUGHS)
    external = (
        b'<?xml version="1.0"?><!DOCTYPE gexf [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<gexf xmlns="http://gexf.net/1.3"><graph><nodes><node id="a" label="&x;"/></nodes>'
        b"</graph></gexf>"
    )
    with pytest.raises(UnreadableFile, match="DTD or entities"):
        read_map("map.gexf", external)


def test_broken_xml_names_the_line():
    with pytest.raises(UnreadableFile, match="line 2"):
        read_map("map.graphml", b'<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n<graph>')


def test_formula_cells_are_neutralised_in_csv_and_restored_on_import():
    export = {
        "actors": [
            {"id": "a", "label": '=HYPERLINK("http://evil")', "kind": "organisation"},
            {"id": "b", "label": "+1 Collective", "kind": "group", "description": "@home"},
            {"id": "c", "label": "-minus", "kind": "group", "description": "plain"},
        ],
        "ties": [],
    }
    data = write_csv_zip(export)
    import io
    import zipfile

    elements = zipfile.ZipFile(io.BytesIO(data)).read("elements.csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in elements and "'+1 Collective" in elements
    assert "'@home" in elements and "'-minus" in elements
    assert "\n=" not in elements and ",=" not in elements
    parsed = read_map("export.zip", data)
    assert [a.label for a in parsed.actors] == [
        '=HYPERLINK("http://evil")',
        "+1 Collective",
        "-minus",
    ]
    assert parsed.actors[1].description == "@home"


def test_values_read_kinds_case_insensitively_with_synonyms():
    assert values.actor_kind("ORGANIZATION") == "organisation"
    assert values.actor_kind("individual") == "person"
    assert values.actor_kind("Agency") == "institution"
    assert values.actor_kind("") == "organisation"
    with pytest.raises(ValueError, match="use one of"):
        values.actor_kind("Robot")


# --- plan -----------------------------------------------------------------------------------


def test_the_plan_updates_by_id_then_by_label_and_suggests_near_names():
    parsed = read_map("map.xlsx", xlsx())
    snapshot = Snapshot(
        actors=[
            ExistingActor(id=7, name="Somebody Else", external_key="k1"),
            ExistingActor(id=8, name="Faith Leaders Network"),
            ExistingActor(id=9, name="Housing Dept."),
            ExistingActor(id=10, name="Maria Lopes"),
        ]
    )
    plan = build_plan(parsed, snapshot)
    actions = [(a.row.label, a.action, a.actor_id, a.matched_by) for a in plan.actors]
    assert actions == [
        ("Tenants Union of Riverside", "update", 7, "id"),
        ("Maria Lopez", "create", None, ""),
        ("Housing Department", "create", None, ""),
        ("Faith Leaders Network", "update", 8, "label"),
    ]
    suggested = {d["label"]: d["existing_actor"] for d in plan.duplicates}
    assert suggested == {"Maria Lopez": 10}
    merged = build_plan(parsed, snapshot, decisions={"Elements:3": "merge"})
    assert merged.actors[1].action == "update" and merged.actors[1].actor_id == 10
    assert merged.summary()["actors_created"] == 1
