"""GraphML and GEXF (Gephi's formats) read into a ParsedMap, with node and edge attributes.

XML comes from strangers: it is parsed with defusedxml, which refuses DTDs, entity
declarations and external references (the "billion laughs" and XXE tricks)."""

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
}
METRIC_PREFIX = "metric_"
GEXF_EDGE_TYPES = ("directed", "undirected", "mutual")
_IGNORED_NODE = {"x", "y", "z", "size", "r", "g", "b", "color", "id"}
# The node attributes read into an actor's fields as they are: (attribute, field, reader).
NODE_READERS = (
    ("kind", "kind", values.actor_kind),
    ("is_sensitive", "is_sensitive", values.boolean),
    ("is_directly_affected", "is_directly_affected", values.boolean),
)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


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


def _actor(parsed: ParsedMap, row: int, node_id: str, attributes: dict) -> None:
    fields, custom = _node_fields(attributes)
    label = values.text(fields.get("label")) or node_id
    actor = ActorRow(sheet=NODES, row=row, label=label[:200], kind=values.DEFAULT_ACTOR_KIND)
    actor.key = node_id[:200]
    actor.kind_given = values.text(fields.get("kind")) != ""
    actor.description = values.text(fields.get("description"))
    actor.tags = values.tags(fields.get("tags"))
    actor.custom_fields = custom
    ok = parsed.read_fields(actor, NODE_READERS, fields.get, sheet=NODES, row=row)
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
    """A node's attributes split into Weft's fields (by their Weft name) and custom fields;
    metric columns and drawing attributes are left out."""
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


def _tie(parsed: ParsedMap, row: int, source: str, target: str, attributes: dict, directed: str):
    fields = {name.casefold(): value for name, value in attributes.items()}
    tie = TieRow(
        sheet=EDGES,
        row=row,
        source=source,
        target=target,
        kind=values.DEFAULT_TIE_KIND,
        direction=directed,
        description=values.text(fields.get("description")),
    )
    ok = True
    for column, attribute, reader in (
        ("kind", "kind", values.tie_kind),
        ("direction", "direction", values.direction),
        ("strength", "strength", lambda v: values.whole_number(v, 1, 5, "strength")),
        ("is_sensitive", "is_sensitive", values.boolean),
        ("started_on", "started_on", values.date),
        ("ended_on", "ended_on", values.date),
    ):
        if column == "direction" and not values.text(fields.get(column)):
            continue
        try:
            setattr(tie, attribute, reader(fields.get(column)))
        except ValueError as error:
            parsed.problem(EDGES, row, column, str(error))
            ok = False
    if not source or not target:
        parsed.problem(EDGES, row, "source" if not source else "target", "the edge has no end")
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


def read_graphml(data: bytes) -> ParsedMap:
    root = _parse(data, "GraphML")
    if _local(root.tag) != "graphml":
        raise UnreadableFile("the file is not GraphML (no <graphml> root)")
    keys = {}
    for key in _children(root, "key"):
        keys[key.get("id")] = (key.get("attr.name") or key.get("id") or "", key.get("for", "all"))
    graphs = _children(root, "graph")
    if not graphs:
        raise UnreadableFile("the GraphML file has no <graph>")
    graph = graphs[0]
    default_direction = "directed" if graph.get("edgedefault") == "directed" else "undirected"
    parsed = ParsedMap(format="graphml")

    def attributes(element):
        return {
            keys.get(data_el.get("key"), (data_el.get("key"), ""))[0]: (data_el.text or "").strip()
            for data_el in _children(element, "data")
        }

    nodes = _children(graph, "node")
    if not nodes:
        parsed.problem(NODES, None, "", "the graph has no nodes")
    ids = []
    for row, node in enumerate(nodes, start=1):
        node_id = (node.get("id") or "").strip()
        ids.append((row, node_id))
        if node_id:
            _actor(parsed, row, node_id, attributes(node))
    _check_ids(parsed, ids)
    for row, edge in enumerate(_children(graph, "edge"), start=1):
        directed = edge.get("directed")
        direction = (
            default_direction
            if directed is None
            else ("directed" if directed == "true" else "undirected")
        )
        _tie(
            parsed,
            row,
            (edge.get("source") or "").strip(),
            (edge.get("target") or "").strip(),
            attributes(edge),
            direction,
        )
    return parsed


def read_gexf(data: bytes) -> ParsedMap:
    root = _parse(data, "GEXF")
    if _local(root.tag) != "gexf":
        raise UnreadableFile("the file is not GEXF (no <gexf> root)")
    graphs = _children(root, "graph")
    if not graphs:
        raise UnreadableFile("the GEXF file has no <graph>")
    graph = graphs[0]
    titles = _attribute_titles(graph)
    default_direction = "directed" if graph.get("defaultedgetype") == "directed" else "undirected"
    parsed = ParsedMap(format="gexf")

    def attributes(element, kind):
        found = {}
        for block in _children(element, "attvalues"):
            for value in _children(block, "attvalue"):
                key = value.get("for") or value.get("id")
                found[titles[kind].get(key, key)] = value.get("value", "")
        return found

    node_blocks = _children(graph, "nodes")
    nodes = [n for block in node_blocks for n in _children(block, "node")]
    if not nodes:
        parsed.problem(NODES, None, "", "the graph has no nodes")
    ids = []
    for row, node in enumerate(nodes, start=1):
        node_id = (node.get("id") or "").strip()
        ids.append((row, node_id))
        if node_id:
            found = attributes(node, "node")
            found.setdefault("label", node.get("label") or node_id)
            _actor(parsed, row, node_id, found)
    _check_ids(parsed, ids)
    edges = [e for block in _children(graph, "edges") for e in _children(block, "edge")]
    for row, edge in enumerate(edges, start=1):
        edge_type = edge.get("type")
        # An edge's own type, if GEXF knows it, else the graph's.
        direction = edge_type if edge_type in GEXF_EDGE_TYPES else default_direction
        _tie(
            parsed,
            row,
            (edge.get("source") or "").strip(),
            (edge.get("target") or "").strip(),
            attributes(edge, "edge"),
            direction,
        )
    return parsed


def _attribute_titles(graph) -> dict[str, dict[str, str]]:
    """The title of each declared attribute id, by class (node, edge)."""
    titles = {"node": {}, "edge": {}}
    for block in _children(graph, "attributes"):
        for attribute in _children(block, "attribute"):
            titles.setdefault(block.get("class", "node"), {})[attribute.get("id")] = (
                attribute.get("title") or attribute.get("id") or ""
            )
    return titles
