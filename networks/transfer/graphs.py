"""GraphML and GEXF (Gephi's formats) read into a ParsedMap, with node and edge attributes.

XML comes from strangers: it is parsed with defusedxml, which refuses DTDs, entity
declarations and external references (the "billion laughs" and XXE tricks)."""

from dataclasses import dataclass

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeTree

from networks.transfer import values
from networks.transfer.parsed import ActorRow, AssessmentRow, ParsedMap, TieRow, UnreadableFile
from networks.transfer.tables import ASSESSMENT_DEFAULTS

NODES = "nodes"
EDGES = "edges"

# Attribute names Weft writes and reads; others on a node are kept as custom fields. Metric
# columns (written for Gephi) are computed, not imported.
NODE_FIELDS = {
    "label": "label",
    "name": "label",
    "kind": "kind",
    "type": "kind",
    "description": "description",
    "tags": "tags",
    "stance": "stance",
    "ally_kind": "ally_kind",
    "influence": "influence",
    "proximity": "proximity",
    "commitment": "commitment",
    "is_sensitive": "is_sensitive",
    "sensitive": "is_sensitive",
    "is_directly_affected": "is_directly_affected",
    "directly_affected": "is_directly_affected",
    "type_label": "type_label",
}
METRIC_PREFIX = "metric_"
GEXF_EDGE_TYPES = ("directed", "undirected", "mutual")
# Drawing attributes (read as the position, colour and size) and ids, not custom fields.
_IGNORED_NODE = {"x", "y", "z", "size", "r", "g", "b", "color", "id"}
# The node attributes read into an actor's fields as they are: (attribute, field, reader).
NODE_READERS = (
    ("is_sensitive", "is_sensitive", values.boolean),
    ("is_directly_affected", "is_directly_affected", values.boolean),
)


# Local names of the tags seen (a file has a handful of tags, repeated 100,000 times).
_LOCAL_NAMES: dict[str, str] = {}


def _local(tag: str) -> str:
    try:
        return _LOCAL_NAMES[tag]
    except KeyError:
        name = _LOCAL_NAMES[tag] = tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
        return name


def _parse(data: bytes, what: str):
    try:
        return SafeTree.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise UnreadableFile(
            f"the {what} file declares a DTD or entities, which are refused for safety"
        ) from None
    except SafeTree.ParseError as error:
        line, column = error.position
        raise UnreadableFile(
            f"the {what} file is not well-formed XML (line {line}, column {column})", row=line
        ) from None


def _children(element, name: str):
    return [child for child in element if _local(child.tag) == name]


def typed_value(value: str, kind: str):
    """An attribute's value as its declared type says (GEXF: integer, long, double, float,
    boolean; GraphML: int, long, float, double, boolean); text when it does not parse."""
    kind = (kind or "string").casefold()
    raw = (value or "").strip()
    try:
        if kind in ("integer", "int", "long", "short", "byte"):
            return int(float(raw)) if raw else raw
        if kind in ("double", "float", "bigdecimal"):
            return float(raw) if raw else raw
    except ValueError:
        return raw
    if kind == "boolean" and raw.casefold() in ("true", "false", "1", "0"):
        return raw.casefold() in ("true", "1")
    return value


def _actor(parsed: ParsedMap, row: int, node_id: str, attributes: dict, viz: dict) -> None:
    fields, custom = _node_fields(attributes)
    label = values.text(fields.get("label")) or node_id
    actor = ActorRow(sheet=NODES, row=row, label=label[:200], kind=values.DEFAULT_ACTOR_KIND)
    actor.key = node_id[:200]
    given = fields.get("kind")
    actor.kind_given = values.text(given) != ""
    actor.kind, actor.type_label, known = values.actor_type(given)
    if not known:
        parsed.unknown_type(NODES, row, "type", actor.type_label, "node type")
    actor.type_label = values.text(fields.get("type_label"))[:120] or actor.type_label
    actor.description = values.text(fields.get("description"))
    actor.tags = values.tags(fields.get("tags"))
    actor.custom_fields = custom
    actor.position = viz.get("position")
    for name in ("color", "size"):
        if name in viz:
            actor.custom_fields[name] = viz[name]
    ok = parsed.read_fields(actor, _given(NODE_READERS, fields), fields.get, sheet=NODES, row=row)
    try:
        assessment = _assessment(fields)
    except ValueError as error:
        parsed.problem(NODES, row, "stance", str(error))
        ok = False
    else:
        if assessment is not None:
            actor.assessments = [assessment]
    if ok:
        parsed.actors.append(actor)
    else:
        parsed.refuse(actor.key, actor.label)


def _node_fields(attributes: dict) -> tuple[dict, dict]:
    """A node's attributes split into Weft's fields (by their Weft name) and custom fields
    (with their types); metric columns and drawing attributes are left out."""
    fields = {}
    custom = {}
    for name, value in attributes.items():
        key = NODE_FIELDS.get(name.casefold())
        if key:
            fields[key] = value
        elif not name.startswith(METRIC_PREFIX) and name.casefold() not in _IGNORED_NODE:
            custom[name] = value
    return fields, custom


def _assessment(fields: dict) -> AssessmentRow | None:
    """The node's assessment, if it gives a stance; its missing scores take the defaults."""
    stance = values.enum(fields.get("stance"), values.STANCES, "stance")
    if not stance:
        return None
    read = dict(ASSESSMENT_DEFAULTS)
    read["ally_kind"] = (
        values.enum(fields.get("ally_kind"), values.ALLY_KINDS, "ally kind") or read["ally_kind"]
    )
    for score in ("influence", "proximity", "commitment"):
        number = values.whole_number(fields.get(score), 1, 5, score)
        if number is not None:
            read[score] = number
    return AssessmentRow(stance=stance, **read)


# Edge attributes Weft writes and reads into a tie's fields; any other is a custom field.
EDGE_FIELDS = {
    "kind",
    "type",
    "type_label",
    "direction",
    "strength",
    "declared_weight",
    "weight",
    "description",
    "is_sensitive",
    "started_on",
    "ended_on",
}
EDGE_READERS = (
    ("strength", "strength", lambda v: values.whole_number(v, 1, 5, "strength")),
    ("is_sensitive", "is_sensitive", values.boolean),
    ("started_on", "started_on", values.date),
    ("ended_on", "ended_on", values.date),
)


def _given(readers: tuple, fields: dict) -> tuple:
    """The readers of the columns an element gives. A column it does not give is left at the
    row's default, which is what each of these readers makes of a blank (None, False)."""
    return tuple(reader for reader in readers if fields.get(reader[0]) is not None)


def _kept(value) -> bool:
    """Whether an attribute's value is worth a custom field: ``values.text(value) != ""``,
    without its conversions for the numbers and booleans that can never be blank."""
    if isinstance(value, str):
        return value.strip() != ""
    return values.text(value) != ""


@dataclass
class _Edge:
    row: int
    source: str
    target: str
    attributes: dict
    direction: str
    weight: str | None  # GEXF's weight attribute (GraphML's is a data key named weight)


_NO_TYPE = values.tie_type(None)


def _tie_type(given) -> tuple[str, str, bool]:
    # Most edges of a Gephi file give no type: read the blank once.
    return _NO_TYPE if given is None else values.tie_type(given)


def _tie(parsed: ParsedMap, edge: _Edge, weft_file: bool):
    """A tie of an edge. In a file Weft wrote (its edges carry ``strength``), the weight is
    the strength drawn for Gephi and the declared weight is its own attribute; in any other
    file the weight is the declared weight, its strength mapped from the file's range."""
    fields = {name.casefold(): value for name, value in edge.attributes.items()}
    tie = TieRow(
        sheet=EDGES,
        row=edge.row,
        source=edge.source,
        target=edge.target,
        kind=values.DEFAULT_TIE_KIND,
        direction=edge.direction,
        description=values.text(fields.get("description")),
    )
    tie.custom_fields = {
        name: value
        for name, value in edge.attributes.items()
        if name.casefold() not in EDGE_FIELDS and _kept(value)
    }
    given = fields.get("kind", fields.get("type"))
    tie.kind, tie.type_label, known = _tie_type(given)
    if not known:
        parsed.unknown_type(EDGES, edge.row, "kind", tie.type_label, "edge type")
    tie.type_label = values.text(fields.get("type_label"))[:120] or tie.type_label
    ok = parsed.read_fields(
        tie, _given(EDGE_READERS, fields), fields.get, sheet=EDGES, row=edge.row
    )
    weight = fields.get("declared_weight") if weft_file else fields.get("weight", edge.weight)
    try:
        tie.declared_weight = values.weight(weight)
        if values.text(fields.get("direction")):
            tie.direction = values.direction(fields.get("direction"))
    except ValueError as error:
        parsed.problem(EDGES, edge.row, "weight", str(error))
        ok = False
    if not edge.source or not edge.target:
        column = "source" if not edge.source else "target"
        parsed.problem(EDGES, edge.row, column, "the edge has no end")
        ok = False
    tie.invalid = not ok
    parsed.ties.append(tie)


def _check_ids(parsed: ParsedMap, node_ids: list[tuple[int, str]]) -> None:
    seen: dict[str, int] = {}
    for row, node_id in node_ids:
        if not node_id:
            parsed.problem(NODES, row, "id", "the node has no id")
        elif node_id in seen:
            parsed.problem(NODES, row, "id", f"the id {node_id!r} is also on node {seen[node_id]}")
        else:
            seen[node_id] = row


def _colour(red, green, blue) -> str | None:
    try:
        channels = [max(0, min(255, round(float(c)))) for c in (red, green, blue)]
    except (TypeError, ValueError):
        return None
    return "#{:02x}{:02x}{:02x}".format(*channels)


def _graphml_viz(attributes: dict) -> dict:
    """Gephi's GraphML drawing keys (x, y, size, r, g, b) as a position, size and colour."""
    viz = {}
    found = {name.casefold(): value for name, value in attributes.items()}
    try:
        if "x" in found and "y" in found:
            viz["position"] = [float(found["x"]), float(found["y"])]
        if "size" in found:
            viz["size"] = float(found["size"])
    except (TypeError, ValueError):
        pass
    if {"r", "g", "b"} <= found.keys():
        colour = _colour(found["r"], found["g"], found["b"])
        if colour:
            viz["color"] = colour
    if "color" in found and "color" not in viz:
        viz["color"] = values.text(found["color"])
    return viz


def read_graphml(data: bytes) -> ParsedMap:
    root = _parse(data, "GraphML")
    if _local(root.tag) != "graphml":
        raise UnreadableFile("the file is not GraphML (no <graphml> root)")
    keys = {}
    for key in _children(root, "key"):
        keys[key.get("id")] = (
            key.get("attr.name") or key.get("id") or "",
            key.get("attr.type") or "string",
            key.get("for", "all"),
        )
    graphs = _children(root, "graph")
    if not graphs:
        raise UnreadableFile("the GraphML file has no <graph>")
    graph = graphs[0]
    default_direction = "directed" if graph.get("edgedefault") == "directed" else "undirected"
    parsed = ParsedMap(format="graphml")
    weft_file = any(name == "strength" and kind == "edge" for name, _, kind in keys.values())

    def attributes(element):
        found = {}
        for data_el in _children(element, "data"):
            name, kind, _ = keys.get(data_el.get("key"), (data_el.get("key"), "string", ""))
            found[name] = typed_value(data_el.text or "", kind)
        return found

    nodes = _children(graph, "node")
    if not nodes:
        parsed.problem(NODES, None, "", "the graph has no nodes")
    ids = []
    for row, node in enumerate(nodes, start=1):
        node_id = (node.get("id") or "").strip()
        ids.append((row, node_id))
        if node_id:
            found = attributes(node)
            _actor(parsed, row, node_id, found, _graphml_viz(found))
    _check_ids(parsed, ids)
    for row, edge in enumerate(_children(graph, "edge"), start=1):
        directed = edge.get("directed")
        direction = (
            default_direction
            if directed is None
            else ("directed" if directed == "true" else "undirected")
        )
        found = attributes(edge)
        _tie(
            parsed,
            _Edge(
                row=row,
                source=(edge.get("source") or "").strip(),
                target=(edge.get("target") or "").strip(),
                attributes=found,
                direction=direction,
                weight=None,
            ),
            weft_file,
        )
    parsed.scale_weights()
    return parsed


def _gexf_viz(node) -> dict:
    viz = {}
    for child in node:
        name = _local(child.tag)
        try:
            if name == "position":
                viz["position"] = [float(child.get("x", 0)), float(child.get("y", 0))]
            elif name == "size":
                viz["size"] = float(child.get("value"))
        except (TypeError, ValueError):
            continue
        if name == "color":
            if child.get("hex"):
                viz["color"] = child.get("hex")
            else:
                colour = _colour(child.get("r"), child.get("g"), child.get("b"))
                if colour:
                    viz["color"] = colour
    return viz


def _first_graph(data: bytes, what: str, root_tag: str):
    root = _parse(data, what)
    if _local(root.tag) != root_tag:
        raise UnreadableFile(f"the file is not {what} (no <{root_tag}> root)")
    graphs = _children(root, "graph")
    if not graphs:
        raise UnreadableFile(f"the {what} file has no <graph>")
    return graphs[0]


def read_gexf(data: bytes) -> ParsedMap:
    graph = _first_graph(data, "GEXF", "gexf")
    declared = _attribute_declarations(graph)
    default_direction = graph.get("defaultedgetype")
    default_direction = default_direction if default_direction in GEXF_EDGE_TYPES else "undirected"
    parsed = ParsedMap(format="gexf")
    weft_file = any(title == "strength" for title, _ in declared["edge"].values())

    node_blocks = _children(graph, "nodes")
    nodes = [n for block in node_blocks for n in _children(block, "node")]
    if not nodes:
        parsed.problem(NODES, None, "", "the graph has no nodes")
    ids = []
    for row, node in enumerate(nodes, start=1):
        node_id = (node.get("id") or "").strip()
        ids.append((row, node_id))
        if node_id:
            found = _gexf_attributes(node, declared["node"])
            found.setdefault("label", node.get("label") or node_id)
            _actor(parsed, row, node_id, found, _gexf_viz(node))
    _check_ids(parsed, ids)
    edges = [e for block in _children(graph, "edges") for e in _children(block, "edge")]
    for row, edge in enumerate(edges, start=1):
        found = _gexf_attributes(edge, declared["edge"])
        if edge.get("label"):
            found.setdefault("Label", edge.get("label"))
        _tie(parsed, _gexf_edge(row, edge, found, default_direction), weft_file)
    if not weft_file and any(edge.get("weight") is not None for edge in edges):
        _default_weights(parsed)
    parsed.scale_weights()
    return parsed


def _gexf_attributes(element, titles: dict[str, tuple[str, str]]) -> dict:
    """An element's attribute values by their declared title, typed as declared."""
    found = {}
    for block in element:
        if _local(block.tag) != "attvalues":
            continue
        for value in block:
            if _local(value.tag) != "attvalue":
                continue
            key = value.get("for") or value.get("id")
            title, value_type = titles.get(key, (key, "string"))
            found[title] = typed_value(value.get("value", ""), value_type)
    return found


def _default_weights(parsed: ParsedMap) -> None:
    """GEXF's default weight is 1: in a weighted file an edge without one weighs 1."""
    for tie in parsed.ties:
        if tie.declared_weight is None:
            tie.declared_weight = 1.0


def _gexf_edge(row: int, edge, found: dict, default_direction: str) -> _Edge:
    edge_type = edge.get("type")
    return _Edge(
        row=row,
        source=(edge.get("source") or "").strip(),
        target=(edge.get("target") or "").strip(),
        attributes=found,
        # An edge's own type, if GEXF knows it, else the graph's.
        direction=edge_type if edge_type in GEXF_EDGE_TYPES else default_direction,
        weight=edge.get("weight"),
    )


def _attribute_declarations(graph) -> dict[str, dict[str, tuple[str, str]]]:
    """The (title, type) of each declared attribute id, by class (node, edge)."""
    declared: dict[str, dict[str, tuple[str, str]]] = {"node": {}, "edge": {}}
    for block in _children(graph, "attributes"):
        for attribute in _children(block, "attribute"):
            declared.setdefault(block.get("class", "node"), {})[attribute.get("id")] = (
                attribute.get("title") or attribute.get("id") or "",
                attribute.get("type") or "string",
            )
    return declared
