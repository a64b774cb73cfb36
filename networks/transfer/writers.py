"""A map export (plain dicts, already filtered for the exporting role) written as Kumu's XLSX
layout, a zip of CSVs, GraphML or GEXF. Weft JSON is in weftjson.py.

The export dict: ``actors`` (``id``, ``label``, ``kind``, ``description``, ``tags``,
``custom_fields``, ``is_sensitive``, ``is_directly_affected``, ``assessment`` in force or
None, ``assessments``, ``metrics``), ``ties`` (``source`` and ``target`` actor ids, ``kind``,
``direction``, ``strength``, ``description``, ``is_sensitive``, ``started_on``, ``ended_on``)
and ``interactions``."""

import csv
import io
import zipfile
from xml.sax.saxutils import quoteattr

from networks.transfer import values
from networks.transfer.tables import CONNECTION_COLUMNS, CONNECTIONS, ELEMENT_COLUMNS, ELEMENTS

GEXF_NAMESPACE = "http://gexf.net/1.3"
GRAPHML_NAMESPACE = "http://graphml.graphdrawing.org/xmlns"


def _custom_columns(export: dict) -> list[str]:
    known = {c.casefold() for c in ELEMENT_COLUMNS}
    seen: dict[str, None] = {}
    for actor in export["actors"]:
        for name in actor.get("custom_fields") or {}:
            if name.casefold() not in known:
                seen.setdefault(name, None)
    return list(seen)


def _ends(export: dict) -> dict[str, str]:
    """How a connection names its actors: by label, as Kumu does, unless two actors share
    that label; then by ID (the reader resolves IDs first)."""
    counts: dict[str, int] = {}
    for actor in export["actors"]:
        counts[actor["label"]] = counts.get(actor["label"], 0) + 1
    return {
        a["id"]: (a["label"] if counts[a["label"]] == 1 and a["label"] != a["id"] else a["id"])
        for a in export["actors"]
    }


def element_rows(export: dict):
    custom = _custom_columns(export)
    yield [*ELEMENT_COLUMNS, *custom]
    for actor in export["actors"]:
        assessment = actor.get("assessment") or {}
        fields = actor.get("custom_fields") or {}
        yield [
            actor["id"],
            actor["label"],
            actor["kind"],
            actor.get("description", ""),
            "|".join(actor.get("tags") or []),
            assessment.get("stance", ""),
            assessment.get("ally_kind", ""),
            assessment.get("influence", ""),
            assessment.get("proximity", ""),
            assessment.get("commitment", ""),
            "yes" if actor.get("is_sensitive") else "no",
            "yes" if actor.get("is_directly_affected") else "no",
            *(fields.get(name, "") for name in custom),
        ]


def connection_rows(export: dict):
    ends = _ends(export)
    yield list(CONNECTION_COLUMNS)
    for tie in export["ties"]:
        yield [
            ends[tie["source"]],
            ends[tie["target"]],
            tie["kind"],
            tie["direction"],
            "" if tie.get("strength") is None else tie["strength"],
            tie.get("description", ""),
            "",
            "yes" if tie.get("is_sensitive") else "no",
            tie.get("started_on") or "",
            tie.get("ended_on") or "",
        ]


def write_xlsx(export: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    for title, rows in ((ELEMENTS, element_rows(export)), (CONNECTIONS, connection_rows(export))):
        sheet = workbook.create_sheet(title)
        for row in rows:
            cells = []
            for value in row:
                if isinstance(value, str) and value.startswith("="):
                    # Stored as text, never as a formula (openpyxl would make "=…" one).
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.data_type = "s"
                    cells.append(cell)
                else:
                    cells.append(value)
            sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv(rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([values.neutralise_formula(v) if isinstance(v, str) else v for v in row])
    # A BOM so that Excel opens the file as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode()


def write_csv_zip(export: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("elements.csv", _csv(element_rows(export)))
        archive.writestr("connections.csv", _csv(connection_rows(export)))
    return buffer.getvalue()


# Node attributes for the graph formats: (name, type); metric_* follow from the data.
NODE_ATTRIBUTES = (
    ("kind", "string"),
    ("description", "string"),
    ("tags", "string"),
    ("stance", "string"),
    ("ally_kind", "string"),
    ("influence", "integer"),
    ("proximity", "integer"),
    ("commitment", "integer"),
    ("is_sensitive", "boolean"),
    ("is_directly_affected", "boolean"),
)
EDGE_ATTRIBUTES = (
    ("kind", "string"),
    ("direction", "string"),
    ("strength", "integer"),
    ("description", "string"),
    ("is_sensitive", "boolean"),
    ("started_on", "string"),
    ("ended_on", "string"),
)


def _metric_attributes(export: dict) -> list[tuple[str, str]]:
    names: dict[str, str] = {}
    for actor in export["actors"]:
        for name, value in (actor.get("metrics") or {}).items():
            kind = (
                "double"
                if isinstance(value, float)
                else ("boolean" if isinstance(value, bool) else "integer")
            )
            names.setdefault(f"metric_{name}", kind)
    return list(names.items())


def _custom_attributes(export: dict) -> list[tuple[str, str]]:
    return [(name, "string") for name in _custom_columns(export)]


def _node_values(actor: dict) -> dict:
    assessment = actor.get("assessment") or {}
    found = {
        "kind": actor["kind"],
        "description": actor.get("description", ""),
        "tags": "|".join(actor.get("tags") or []),
        "is_sensitive": actor.get("is_sensitive", False),
        "is_directly_affected": actor.get("is_directly_affected", False),
        **{
            k: assessment[k]
            for k in ("stance", "ally_kind", "influence", "proximity", "commitment")
            if k in assessment
        },
        **{f"metric_{k}": v for k, v in (actor.get("metrics") or {}).items()},
    }
    for name, value in (actor.get("custom_fields") or {}).items():
        found.setdefault(name, value)
    return found


def _edge_values(tie: dict) -> dict:
    return {
        "kind": tie["kind"],
        "direction": tie["direction"],
        "strength": tie.get("strength"),
        "description": tie.get("description", ""),
        "is_sensitive": tie.get("is_sensitive", False),
        "started_on": tie.get("started_on") or None,
        "ended_on": tie.get("ended_on") or None,
    }


def _edge_default(export: dict) -> str:
    """Directed when any tie is. Edges carry no direction of their own, because NetworkX (and
    so many scripts) refuse a graph that mixes them; each tie's own direction is its
    ``direction`` attribute, which Weft reads back."""
    directed = any(tie["direction"] == "directed" for tie in export["ties"])
    return "directed" if directed else "undirected"


def _xml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def write_graphml(export: dict) -> bytes:
    node_attributes = [*NODE_ATTRIBUTES, *_metric_attributes(export), *_custom_attributes(export)]
    graphml_type = {"integer": "int", "double": "double", "boolean": "boolean", "string": "string"}
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<graphml xmlns="{GRAPHML_NAMESPACE}">',
        '<key id="label" for="node" attr.name="label" attr.type="string"/>',
    ]
    node_keys = {"label": "label"}
    for number, (name, kind) in enumerate(node_attributes):
        node_keys[name] = f"n{number}"
        lines.append(
            f'<key id="n{number}" for="node" attr.name={quoteattr(name)} '
            f'attr.type="{graphml_type[kind]}"/>'
        )
    edge_keys = {}
    for number, (name, kind) in enumerate(EDGE_ATTRIBUTES):
        edge_keys[name] = f"e{number}"
        lines.append(
            f'<key id="e{number}" for="edge" attr.name={quoteattr(name)} '
            f'attr.type="{graphml_type[kind]}"/>'
        )
    lines.append(f'<graph id="coalition" edgedefault="{_edge_default(export)}">')
    for actor in export["actors"]:
        lines.append(f"<node id={quoteattr(actor['id'])}>")
        lines.append(f'<data key="label">{_text(actor["label"])}</data>')
        for name, value in _node_values(actor).items():
            if value is not None and value != "" and name in node_keys:
                lines.append(f'<data key="{node_keys[name]}">{_text(_xml_value(value))}</data>')
        lines.append("</node>")
    for number, tie in enumerate(export["ties"]):
        lines.append(
            f'<edge id="t{number}" source={quoteattr(tie["source"])} '
            f"target={quoteattr(tie['target'])}>"
        )
        for name, value in _edge_values(tie).items():
            if value is not None and value != "":
                lines.append(f'<data key="{edge_keys[name]}">{_text(_xml_value(value))}</data>')
        lines.append("</edge>")
    lines += ["</graph>", "</graphml>", ""]
    return "\n".join(lines).encode()


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_gexf(export: dict) -> bytes:
    node_attributes = [*NODE_ATTRIBUTES, *_metric_attributes(export), *_custom_attributes(export)]
    gexf_type = {"integer": "integer", "double": "double", "boolean": "boolean", "string": "string"}
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<gexf xmlns="{GEXF_NAMESPACE}" version="1.3">',
        "<meta><creator>Weft</creator></meta>",
        f'<graph mode="static" defaultedgetype="{_edge_default(export)}">',
        '<attributes class="node">',
    ]
    node_ids = {}
    for number, (name, kind) in enumerate(node_attributes):
        node_ids[name] = str(number)
        lines.append(f'<attribute id="{number}" title={quoteattr(name)} type="{gexf_type[kind]}"/>')
    lines += ["</attributes>", '<attributes class="edge">']
    edge_ids = {}
    for number, (name, kind) in enumerate(EDGE_ATTRIBUTES):
        edge_ids[name] = str(number)
        lines.append(f'<attribute id="{number}" title={quoteattr(name)} type="{gexf_type[kind]}"/>')
    lines += ["</attributes>", "<nodes>"]
    for actor in export["actors"]:
        lines.append(f"<node id={quoteattr(actor['id'])} label={quoteattr(actor['label'])}>")
        lines.append("<attvalues>")
        for name, value in _node_values(actor).items():
            if value is not None and value != "" and name in node_ids:
                lines.append(
                    f'<attvalue for="{node_ids[name]}" value={quoteattr(_xml_value(value))}/>'
                )
        lines += ["</attvalues>", "</node>"]
    lines += ["</nodes>", "<edges>"]
    for number, tie in enumerate(export["ties"]):
        weight = tie.get("strength") or 1
        lines.append(
            f'<edge id="t{number}" source={quoteattr(tie["source"])} '
            f'target={quoteattr(tie["target"])} weight="{weight}">'
        )
        lines.append("<attvalues>")
        for name, value in _edge_values(tie).items():
            if value is not None and value != "":
                lines.append(
                    f'<attvalue for="{edge_ids[name]}" value={quoteattr(_xml_value(value))}/>'
                )
        lines += ["</attvalues>", "</edge>"]
    lines += ["</edges>", "</graph>", "</gexf>", ""]
    return "\n".join(lines).encode()
