"""Kumu's and Gephi's files as those tools write them (what their users have), read without
refusal: free-text types, text strengths, weights, ``|``-separated ends, connection columns,
self-loops, parallel edges; and matching that prefers an exact name to a fuzzy one."""

import pytest

from networks.transfer.plan import ExistingActor, Snapshot, build_plan
from networks.transfer.readers import read_map
from networks.transfer.writers import connection_rows, write_gexf, write_graphml
from tests.networks.transfer.files import csv_bytes, xlsx

ELEMENTS = [
    ["Label", "Type", "Image"],
    ["Texas", "State", "http://img.example/tx.png"],
    ["Founders Fund", "Investor", ""],
    ["Peter", "Person", ""],
    ["Max", "person", ""],
]


def test_kumu_connections_with_a_label_column_types_and_text_strengths():
    connections = [
        ["From", "To", "Label", "Type", "Strength", "Amount Owed (billions)"],
        ["Peter", "Founders Fund", "co-founded", "Employee/Founder", "Strong", "12"],
        ["Max", "Founders Fund|Texas", "", "Funding", "0.3", ""],
        ["Texas", "Peter", "", "", "6", "1.5"],
    ]
    parsed = read_map("kumu.xlsx", xlsx(ELEMENTS, connections))
    assert parsed.problems == []
    texas, fund, peter, max_ = parsed.actors
    assert (texas.kind, texas.type_label) == ("other", "State")
    assert texas.custom_fields == {"Image": "http://img.example/tx.png"}
    assert (fund.kind, fund.type_label) == ("other", "Investor")
    assert (peter.kind, peter.type_label) == ("person", "")  # the kind itself
    assert (max_.kind, max_.type_label) == ("person", "")
    founded, funds_fund, funds_texas, owed = parsed.ties
    assert (founded.kind, founded.type_label) == ("other", "Employee/Founder")
    assert founded.custom_fields == {
        "Label": "co-founded",
        "Amount Owed (billions)": 12,
        "Strength": "Strong",
    }
    assert (founded.strength, founded.declared_weight) == (4, None)
    # One connection per name of a |-separated cell.
    assert [(t.source, t.target) for t in (funds_fund, funds_texas)] == [
        ("Max", "Founders Fund"),
        ("Max", "Texas"),
    ]
    # Numbers other than 1–5 are weights, kept, and mapped into 1–5 by the file's range.
    assert (funds_fund.declared_weight, funds_fund.strength) == (0.3, 1)
    assert (owed.declared_weight, owed.strength) == (6.0, 5)
    assert owed.custom_fields == {"Amount Owed (billions)": 1.5}
    # Each unknown type is named once, as a warning.
    warned = [(w.sheet, w.row, w.message.split(" is ")[0]) for w in parsed.warnings]
    assert warned == [
        ("Elements", 2, "the element type 'State'"),
        ("Elements", 3, "the element type 'Investor'"),
        ("Connections", 2, "the connection type 'Employee/Founder'"),
    ]


def test_a_kumu_connections_csv_with_a_label_column_is_read_as_connections():
    rows = [["From", "To", "Label", "Type"], ["Peter", "Max", "friends", "Friend"]]
    parsed = read_map("connections.csv", csv_bytes(rows))
    assert parsed.problems == [] and parsed.actors == []
    assert [(t.source, t.target, t.custom_fields) for t in parsed.ties] == [
        ("Peter", "Max", {"Label": "friends"})
    ]


def test_connection_fields_are_exported_back_in_kumus_columns():
    export = {
        "actors": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}],
        "ties": [
            {
                "source": "a",
                "target": "b",
                "kind": "other",
                "type_label": "Employee/Founder",
                "direction": "directed",
                "strength": 4,
                "declared_weight": None,
                "custom_fields": {"Label": "co-founded", "Strength": "Strong"},
            }
        ],
    }
    header, row = connection_rows(export)
    cells = dict(zip(header, row, strict=True))
    assert cells["Type"] == "Employee/Founder" and cells["Strength"] == "Strong"
    assert cells["Label"] == "co-founded"


GEXF = b"""<?xml version="1.0" encoding="UTF-8"?>
<gexf xmlns="http://gexf.net/1.3" xmlns:viz="http://gexf.net/1.3/viz" version="1.3">
<graph defaultedgetype="undirected">
<attributes class="node"><attribute id="0" title="Founded" type="integer"/>
<attribute id="1" title="Budget" type="double"/><attribute id="2" title="Active" type="boolean"/>
</attributes>
<attributes class="edge"><attribute id="0" title="since" type="integer"/></attributes>
<nodes>
<node id="a" label="Alpha"><attvalues><attvalue for="0" value="1999"/>
<attvalue for="1" value="2.5"/><attvalue for="2" value="true"/></attvalues>
<viz:position x="10.5" y="-3"/><viz:color r="255" g="0" b="16"/><viz:size value="7"/></node>
<node id="b" label="Beta"/>
<node id="c" label="Gamma"/>
</nodes>
<edges>
<edge id="0" source="a" target="b" weight="0.5">
<attvalues><attvalue for="0" value="2001"/></attvalues></edge>
<edge id="1" source="a" target="b" weight="2"/>
<edge id="2" source="a" target="a" weight="9"/>
<edge id="3" source="b" target="c" type="directed" weight="6"/>
</edges>
</graph>
</gexf>"""


def test_gephi_weights_attributes_drawing_loops_and_parallel_edges():
    parsed = read_map("gephi.gexf", GEXF)
    assert parsed.problems == []
    alpha = parsed.actors[0]
    assert alpha.custom_fields == {
        "Founded": 1999,
        "Budget": 2.5,
        "Active": True,
        "color": "#ff0010",
        "size": 7.0,
    }
    assert alpha.position == [10.5, -3.0]
    weights = [(t.declared_weight, t.strength) for t in parsed.ties]
    # The file's range is 0.5 to 9 (the loop counts in the range, not in the map).
    assert weights == [(0.5, 1), (2.0, 2), (9.0, 5), (6.0, 4)]
    assert parsed.ties[0].custom_fields == {"since": 2001}
    assert parsed.ties[3].direction == "directed"
    plan = build_plan(parsed, Snapshot())
    assert plan.problems == []
    # Two edges between Alpha and Beta are two ties; the loop is skipped with a warning.
    assert len(plan.ties) == 3
    assert [(w.sheet, w.row, w.column) for w in plan.warnings] == [("edges", 3, "To")]


def test_a_reimported_gephi_file_updates_its_parallel_edges_in_order():
    parsed = read_map("gephi.gexf", GEXF)
    snapshot = Snapshot(
        actors=[
            ExistingActor(1, "Alpha", "a"),
            ExistingActor(2, "Beta", "b"),
            ExistingActor(3, "Gamma", "c"),
        ],
        ties={(1, 2, "collaboration"): [11, 12], (2, 3, "collaboration"): [13]},
    )
    plan = build_plan(parsed, snapshot)
    assert [(t.action, t.tie_id) for t in plan.ties] == [
        ("update", 11),
        ("update", 12),
        ("update", 13),
    ]


def _export(direction_of_second: str) -> dict:
    return {
        "actors": [
            {"id": "a", "label": "A", "kind": "group"},
            {"id": "b", "label": "B", "kind": "group"},
        ],
        "ties": [
            {"source": "a", "target": "b", "kind": "trust", "direction": "directed"},
            {"source": "b", "target": "a", "kind": "conflict", "direction": direction_of_second},
        ],
    }


def test_a_mixed_graph_is_exported_with_each_edges_direction():
    gexf = write_gexf(_export("undirected")).decode()
    assert 'type="directed"' in gexf and 'type="undirected"' in gexf
    graphml = write_graphml(_export("undirected")).decode()
    assert 'directed="true"' in graphml and 'directed="false"' in graphml
    back = read_map("map.graphml", graphml.encode())
    assert [t.direction for t in back.ties] == ["directed", "undirected"]
    # A graph of one kind leaves it to the default (NetworkX refuses per-edge directions
    # that differ from the graph's).
    assert "directed=" not in write_graphml(_export("directed")).decode().split("<graph")[1]


@pytest.mark.parametrize(
    ("existing", "expected"),
    [
        # Both spellings on the map: each row updates its own.
        (["Riverside Tenants Union", "Riverside Tenants' Union"], [("update", 1), ("update", 2)]),
        # One on the map: the exact spelling updates it, the other is created (and suggested).
        (["Riverside Tenants' Union"], [("create", None), ("update", 1)]),
    ],
)
def test_an_exact_name_wins_and_similar_actors_never_refuse_a_file(existing, expected):
    rows = [["Label"], ["Riverside Tenants Union"], ["Riverside Tenants' Union"]]
    parsed = read_map("e.csv", csv_bytes(rows))
    snapshot = Snapshot(actors=[ExistingActor(i, name) for i, name in enumerate(existing, 1)])
    plan = build_plan(parsed, snapshot)
    assert plan.problems == []
    assert [(a.action, a.actor_id) for a in plan.actors] == expected


def test_a_row_with_an_unknown_id_matches_an_actor_of_its_name_that_has_no_id():
    parsed = read_map("e.csv", csv_bytes([["ID", "Label"], ["elem-1", "Tenants Union"]]))
    plan = build_plan(
        parsed,
        Snapshot(
            actors=[
                ExistingActor(1, "Tenants Union", "other-key"),
                ExistingActor(2, "Tenants Union"),
            ]
        ),
    )
    assert [(a.action, a.actor_id, a.matched_by) for a in plan.actors] == [("update", 2, "label")]
