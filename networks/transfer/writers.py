"""A map export (plain dicts, already filtered for the exporting role) written as Kumu's XLSX
layout, a zip of CSVs, GraphML or GEXF. Weft JSON is in weftjson.py. Each format's
``<format>_chunks`` yields the file a chunk at a time (weft.streaming), so that an export is
sent as it is written; ``write_<format>`` joins them.

The export dict: ``actors`` (``id``, ``label``, ``kind``, ``description``, ``tags``,
``custom_fields``, ``is_sensitive``, ``is_directly_affected``, ``assessment`` in force or
None, ``assessments``, ``metrics``, ``type_label``, ``position``), ``ties`` (``source`` and
``target`` actor ids, ``kind``, ``type_label``, ``direction``, ``strength``,
``declared_weight``, ``custom_fields``, ``description``, ``is_sensitive``, ``started_on``,
``ended_on``) and ``interactions``.

Every format carries the latest metrics (``metric_<name>`` columns or attributes, which an
import leaves out: they are computed). Custom fields keep their types: numbers are numbers in
XLSX and typed attributes in GraphML and GEXF. A type label is written as the Type when it
still matches the kind (so that Kumu reads its own words back), else the kind."""

import csv
import tempfile
import time
import zipfile
from collections.abc import Iterator
from xml.sax.saxutils import quoteattr

from networks.transfer import values
from networks.transfer.tables import (
    ASSESSMENT_COLUMNS,
    CONNECTION_COLUMNS,
    CONNECTIONS,
    ELEMENT_COLUMNS,
    ELEMENTS,
)
from weft.streaming import CHUNK_BYTES, Pipe, in_chunks

GEXF_NAMESPACE = "http://gexf.net/1.3"
GRAPHML_NAMESPACE = "http://graphml.graphdrawing.org/xmlns"
# A CSV's rows are compressed this much text at a time: a row with long notes runs to a
# kilobyte, so rows are gathered by their length, not counted.
CSV_TEXT_AT_ONCE = 16 * 1024


def _custom_columns(export: dict, what: str = "actors", columns=ELEMENT_COLUMNS) -> list[str]:
    known = {c.casefold() for c in columns}
    seen: dict[str, None] = {}
    for item in export[what]:
        for name in item.get("custom_fields") or {}:
            if name.casefold() not in known:
                seen.setdefault(name, None)
    return list(seen)


def _metric_names(export: dict) -> list[str]:
    seen: dict[str, None] = {}
    for actor in export["actors"]:
        for name in actor.get("metrics") or {}:
            seen.setdefault(name, None)
    return list(seen)


def type_text(item: dict, read) -> str:
    """The Type to write: the type label while it still reads as the kind, else the kind."""
    label = item.get("type_label") or ""
    if label and read(label)[0] == item["kind"]:
        return label
    return item["kind"]


def _cell_value(value):
    if isinstance(value, list | dict):
        return "|".join(values.text(v) for v in value) if isinstance(value, list) else str(value)
    return value


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
    metrics = _metric_names(export)
    yield [*ELEMENT_COLUMNS, *custom, *(f"metric_{name}" for name in metrics)]
    for actor in export["actors"]:
        assessment = actor.get("assessment") or {}
        fields = actor.get("custom_fields") or {}
        figures = actor.get("metrics") or {}
        yield [
            actor["id"],
            actor["label"],
            type_text(actor, values.actor_type),
            actor.get("description", ""),
            "|".join(actor.get("tags") or []),
            assessment.get("stance", ""),
            *(
                assessment[column.casefold().replace(" ", "_")]
                if assessment
                else _cell_value(fields.get(column, ""))
                for column in ASSESSMENT_COLUMNS
            ),
            "yes" if actor.get("is_sensitive") else "no",
            "yes" if actor.get("is_directly_affected") else "no",
            *(_cell_value(fields.get(name, "")) for name in custom),
            *("" if figures.get(name) is None else figures[name] for name in metrics),
        ]


def connection_rows(export: dict):
    ends = _ends(export)
    custom = _custom_columns(export, "ties", CONNECTION_COLUMNS)
    yield [*CONNECTION_COLUMNS, *custom]
    for tie in export["ties"]:
        fields = tie.get("custom_fields") or {}
        yield [
            ends[tie["source"]],
            ends[tie["target"]],
            type_text(tie, values.tie_type),
            tie["direction"],
            _strength_cell(tie),
            "" if tie.get("declared_weight") is None else tie["declared_weight"],
            tie.get("description", ""),
            "yes" if tie.get("is_sensitive") else "no",
            tie.get("started_on") or "",
            tie.get("ended_on") or "",
            *(_cell_value(fields.get(name, "")) for name in custom),
        ]


def _strength_cell(tie: dict):
    """The strength, or the word it was read from ("Strong") while the two still agree."""
    word = (tie.get("custom_fields") or {}).get("Strength")
    if word and values.strength_or_weight(word)[0] == tie.get("strength") is not None:
        return word
    return "" if tie.get("strength") is None else tie["strength"]


def xlsx_chunks(export: dict) -> Iterator[bytes]:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    for title, rows in ((ELEMENTS, element_rows(export)), (CONNECTIONS, connection_rows(export))):
        sheet = workbook.create_sheet(title)
        for row in rows:
            cells = []
            for value in row:
                if isinstance(value, float) and float(f"{value:.15g}") != value:
                    # Excel keeps 15 digits; a longer number is written as its exact text,
                    # which an import reads back as the same number.
                    cells.append(repr(value))
                    continue
                if isinstance(value, str) and value.startswith("="):
                    # Stored as text, never as a formula (openpyxl would make "=…" one).
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.data_type = "s"
                    cells.append(cell)
                else:
                    cells.append(value)
            sheet.append(cells)
    # An XLSX is a zip whose directory openpyxl writes last: it is saved to a temporary
    # file (its sheets already wait on disk, write-only mode) and sent from there.
    with tempfile.TemporaryFile() as file:
        workbook.save(file)
        file.seek(0)
        while chunk := file.read(CHUNK_BYTES):
            yield chunk


def write_xlsx(export: dict) -> bytes:
    return b"".join(xlsx_chunks(export))


class _Lines(list):
    """What csv.writer writes each row to: the row's text, kept as its own string."""

    write = list.append


def _csv_text(rows) -> Iterator[str]:
    """The rows as CSV text, some ``CSV_TEXT_AT_ONCE`` characters at a time."""
    # A BOM so that Excel opens the file as UTF-8.
    yield "\ufeff"
    lines = _Lines()
    writer = csv.writer(lines)
    length = 0
    for row in rows:
        writer.writerow([values.neutralise_formula(v) if isinstance(v, str) else v for v in row])
        length += len(lines[-1])
        if length >= CSV_TEXT_AT_ONCE:
            yield "".join(lines)
            lines.clear()
            length = 0
    yield "".join(lines)


def csv_zip_chunks(export: dict) -> Iterator[bytes]:
    """A zip of elements.csv and connections.csv, compressed as the rows are written."""
    pipe = Pipe()
    with zipfile.ZipFile(pipe, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in (
            ("elements.csv", element_rows(export)),
            ("connections.csv", connection_rows(export)),
        ):
            # As ZipFile.writestr names a member: dated now, readable by its owner.
            member = zipfile.ZipInfo(name, date_time=time.localtime(time.time())[:6])
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o600 << 16
            with archive.open(member, "w") as written:
                for text in _csv_text(rows):
                    written.write(text.encode())
                    if len(pipe) >= CHUNK_BYTES:
                        yield pipe.take()
    # The rest of the last member, its sizes and the archive's directory.
    yield pipe.take()


def write_csv_zip(export: dict) -> bytes:
    return b"".join(csv_zip_chunks(export))


# Node attributes for the graph formats: (name, type); metric_* and custom fields follow from
# the data, with their types.
NODE_ATTRIBUTES = (
    ("kind", "string"),
    ("type_label", "string"),
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
    ("type_label", "string"),
    ("direction", "string"),
    ("strength", "integer"),
    ("declared_weight", "double"),
    ("description", "string"),
    ("is_sensitive", "boolean"),
    ("started_on", "string"),
    ("ended_on", "string"),
)
# Custom fields drawn rather than written as attributes (GEXF's viz, Gephi's GraphML keys).
DRAWN = ("color", "size")


def _type_of(value) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "double"
    return "string"


def _types(found: dict[str, str], name: str, value) -> None:
    """Widen an attribute's type to hold ``value``: integers and doubles make a double,
    anything else mixed makes a string."""
    kind = _type_of(value)
    before = found.get(name)
    if before is None or before == kind:
        found[name] = kind
    elif {before, kind} == {"integer", "double"}:
        found[name] = "double"
    else:
        found[name] = "string"


def _metric_attributes(export: dict) -> list[tuple[str, str]]:
    names: dict[str, str] = {}
    for actor in export["actors"]:
        for name, value in (actor.get("metrics") or {}).items():
            if value is not None:
                _types(names, f"metric_{name}", value)
    return list(names.items())


def _custom_attributes(export: dict, what: str, fixed) -> list[tuple[str, str]]:
    known = {name for name, _ in fixed} | set(DRAWN)
    names: dict[str, str] = {}
    for item in export[what]:
        for name, value in (item.get("custom_fields") or {}).items():
            if name not in known and value is not None and value != "":
                _types(names, name, _cell_value(value))
    return list(names.items())


def _node_attributes(export: dict) -> list[tuple[str, str]]:
    fixed = [*NODE_ATTRIBUTES, *_metric_attributes(export)]
    return [*fixed, *_custom_attributes(export, "actors", fixed)]


def _edge_attributes(export: dict) -> list[tuple[str, str]]:
    return [*EDGE_ATTRIBUTES, *_custom_attributes(export, "ties", EDGE_ATTRIBUTES)]


def _node_values(actor: dict) -> dict:
    assessment = actor.get("assessment") or {}
    found = {
        "kind": actor["kind"],
        "type_label": actor.get("type_label") or "",
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
        found.setdefault(name, _cell_value(value))
    return found


def _edge_values(tie: dict) -> dict:
    found = {
        "kind": tie["kind"],
        "type_label": tie.get("type_label") or "",
        "direction": tie["direction"],
        "strength": tie.get("strength"),
        "declared_weight": tie.get("declared_weight"),
        "description": tie.get("description", ""),
        "is_sensitive": tie.get("is_sensitive", False),
        "started_on": tie.get("started_on") or None,
        "ended_on": tie.get("ended_on") or None,
    }
    for name, value in (tie.get("custom_fields") or {}).items():
        found.setdefault(name, _cell_value(value))
    return found


def _weight(tie: dict):
    """The weight drawn for Gephi: the declared weight, else the strength, else none."""
    if tie.get("declared_weight") is not None:
        return tie["declared_weight"]
    return tie.get("strength")


def _edge_default(export: dict) -> str:
    """Directed when any tie is (each edge also says its own direction, below)."""
    directed = any(tie["direction"] == "directed" for tie in export["ties"])
    return "directed" if directed else "undirected"


def _mixed(export: dict) -> bool:
    """Whether the graph holds directed and undirected ties both: then each edge says its own
    direction. A graph of one kind leaves it to the default, so that readers that refuse
    mixed graphs (NetworkX) open it."""
    directions = {tie["direction"] for tie in export["ties"]}
    return {"directed", "undirected"} <= directions


def _xml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _rgb(colour) -> tuple[int, int, int] | None:
    text = values.text(colour).lstrip("#")
    if len(text) != 6:
        return None
    try:
        return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)
    except ValueError:
        return None


def _drawing(actor: dict) -> dict:
    """The node's position, size and colour (r, g, b), when it has them."""
    fields = actor.get("custom_fields") or {}
    found = {}
    if actor.get("position"):
        found["x"], found["y"] = actor["position"]
    if isinstance(fields.get("size"), int | float) and not isinstance(fields["size"], bool):
        found["size"] = fields["size"]
    rgb = _rgb(fields.get("color"))
    if rgb:
        found["r"], found["g"], found["b"] = rgb
    return found


GRAPHML_TYPES = {"integer": "int", "double": "double", "boolean": "boolean", "string": "string"}
GRAPHML_DRAWING = (("x", "double"), ("y", "double"), ("size", "double"))
GRAPHML_COLOUR = (("r", "int"), ("g", "int"), ("b", "int"))


def _graphml_keys(lines: list[str], kind: str, attributes) -> dict[str, str]:
    keys = {}
    for number, (name, value_type) in enumerate(attributes):
        keys[name] = f"{kind[0]}{number}"
        lines.append(
            f'<key id="{kind[0]}{number}" for="{kind}" attr.name={quoteattr(name)} '
            f'attr.type="{GRAPHML_TYPES[value_type]}"/>'
        )
    return keys


def _graphml_data(lines: list[str], found: dict, keys: dict[str, str]) -> None:
    for name, value in found.items():
        if value is not None and value != "" and name in keys:
            lines.append(f'<data key="{keys[name]}">{_text(_xml_value(value))}</data>')


def graphml_chunks(export: dict) -> Iterator[bytes]:
    """GraphML as Gephi writes it: typed keys, the weight as a ``weight`` key, the drawing as
    x, y, size, r, g, b. Each edge of a graph mixing directed and undirected ties says its
    own direction (``directed``); a graph of one kind only leaves it to ``edgedefault``, so
    that readers that refuse mixed graphs (NetworkX) still open it."""
    yield from in_chunks(f"{line}\n" for line in _graphml_lines(export))


def write_graphml(export: dict) -> bytes:
    return b"".join(graphml_chunks(export))


def _graphml_lines(export: dict) -> Iterator[str]:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<graphml xmlns="{GRAPHML_NAMESPACE}">',
        '<key id="label" for="node" attr.name="label" attr.type="string"/>',
    ]
    for name, kind in (*GRAPHML_DRAWING, *GRAPHML_COLOUR):
        lines.append(f'<key id="{name}" for="node" attr.name="{name}" attr.type="{kind}"/>')
    lines.append('<key id="weight" for="edge" attr.name="weight" attr.type="double"/>')
    node_keys = {"label": "label", **_graphml_keys(lines, "node", _node_attributes(export))}
    edge_keys = _graphml_keys(lines, "edge", _edge_attributes(export))
    default = _edge_default(export)
    mixed = _mixed(export)
    lines.append(f'<graph id="coalition" edgedefault="{default}">')
    yield from lines
    for actor in export["actors"]:
        lines = [f"<node id={quoteattr(actor['id'])}>"]
        lines.append(f'<data key="label">{_text(actor["label"])}</data>')
        _graphml_data(lines, _node_values(actor), node_keys)
        for name, value in _drawing(actor).items():
            lines.append(f'<data key="{name}">{_xml_value(value)}</data>')
        lines.append("</node>")
        yield from lines
    for number, tie in enumerate(export["ties"]):
        directed = (
            f' directed="{"true" if tie["direction"] == "directed" else "false"}"' if mixed else ""
        )
        lines = [
            f'<edge id="t{number}" source={quoteattr(tie["source"])} '
            f"target={quoteattr(tie['target'])}{directed}>"
        ]
        if _weight(tie) is not None:
            lines.append(f'<data key="weight">{_weight(tie)}</data>')
        _graphml_data(lines, _edge_values(tie), edge_keys)
        lines.append("</edge>")
        yield from lines
    yield from ("</graph>", "</graphml>")


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _gexf_attributes(lines: list[str], kind: str, attributes) -> dict[str, str]:
    lines.append(f'<attributes class="{kind}">')
    ids = {}
    for number, (name, value_type) in enumerate(attributes):
        ids[name] = str(number)
        lines.append(f'<attribute id="{number}" title={quoteattr(name)} type="{value_type}"/>')
    lines.append("</attributes>")
    return ids


def _attvalues(lines: list[str], found: dict, ids: dict[str, str]) -> None:
    lines.append("<attvalues>")
    for name, value in found.items():
        if value is not None and value != "" and name in ids:
            lines.append(f'<attvalue for="{ids[name]}" value={quoteattr(_xml_value(value))}/>')
    lines.append("</attvalues>")


def _viz(lines: list[str], actor: dict) -> None:
    drawing = _drawing(actor)
    if {"r", "g", "b"} <= drawing.keys():
        lines.append(f'<viz:color r="{drawing["r"]}" g="{drawing["g"]}" b="{drawing["b"]}"/>')
    if "x" in drawing:
        lines.append(f'<viz:position x="{drawing["x"]}" y="{drawing["y"]}" z="0.0"/>')
    if "size" in drawing:
        lines.append(f'<viz:size value="{drawing["size"]}"/>')


def gexf_chunks(export: dict) -> Iterator[bytes]:
    """GEXF 1.3 as Gephi writes it: typed attributes, each edge's weight and its own type
    (directed, undirected or mutual: always in a mixed graph, see _mixed), each node's viz
    position, colour and size."""
    yield from in_chunks(f"{line}\n" for line in _gexf_lines(export))


def write_gexf(export: dict) -> bytes:
    return b"".join(gexf_chunks(export))


def _gexf_lines(export: dict) -> Iterator[str]:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<gexf xmlns="{GEXF_NAMESPACE}" xmlns:viz="{GEXF_NAMESPACE}/viz" version="1.3">',
        "<meta><creator>Weft</creator></meta>",
        f'<graph mode="static" defaultedgetype="{_edge_default(export)}">',
    ]
    node_ids = _gexf_attributes(lines, "node", _node_attributes(export))
    edge_ids = _gexf_attributes(lines, "edge", _edge_attributes(export))
    lines.append("<nodes>")
    yield from lines
    for actor in export["actors"]:
        lines = [f"<node id={quoteattr(actor['id'])} label={quoteattr(actor['label'])}>"]
        _attvalues(lines, _node_values(actor), node_ids)
        _viz(lines, actor)
        lines.append("</node>")
        yield from lines
    yield from ("</nodes>", "<edges>")
    mixed = _mixed(export)
    for number, tie in enumerate(export["ties"]):
        weight = _weight(tie)
        own_type = mixed or tie["direction"] == "mutual"
        lines = [
            f'<edge id="t{number}" source={quoteattr(tie["source"])} '
            f"target={quoteattr(tie['target'])}"
            + (f' type="{tie["direction"]}"' if own_type else "")
            + (f' weight="{weight}">' if weight is not None else ">")
        ]
        _attvalues(lines, _edge_values(tie), edge_ids)
        lines.append("</edge>")
        yield from lines
    yield from ("</edges>", "</graph>", "</gexf>")
