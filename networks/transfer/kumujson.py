"""Kumu's JSON blueprint (a project as Kumu exports it): its elements and connections with
every attribute, and the positions of its first map, read into a ParsedMap.

A blueprint's elements and connections carry ``_id`` ("elem-…", "conn-…") and an
``attributes`` object whose keys are the attribute names in lower case; the project's
``attributes`` list gives each name as written ("2010 Population") and its format. The
element's ``_id`` is kept as the actor's external key, so importing a newer blueprint of the
same project updates what the first one created."""

from networks.transfer import values
from networks.transfer.parsed import ActorRow, ParsedMap, TieRow

ELEMENTS, CONNECTIONS = "elements", "connections"
# Attributes read into Weft's own fields, not kept as custom fields.
_ELEMENT_FIELDS = {"label", "element type", "description", "tags"}
_CONNECTION_FIELDS = {"connection type", "description", "strength", "direction"}
DIRECTIONS = {"directed": "directed", "undirected": "undirected", "mutual": "mutual"}


def is_blueprint(document) -> bool:
    return (
        isinstance(document, dict)
        and isinstance(document.get("elements"), list)
        and isinstance(document.get("connections", []), list)
        and "format" not in document
    )


def _names(document: dict) -> dict[str, str]:
    """Each attribute's name as the project writes it, by its lower-case key."""
    names = {}
    for attribute in document.get("attributes") or []:
        if isinstance(attribute, dict) and isinstance(attribute.get("name"), str):
            names[attribute["name"].casefold()] = attribute["name"]
    return names


def _value(value):
    """A Kumu attribute value kept as a custom field: numbers and booleans as they are, a
    list (an attribute with several values) as ``|``-separated text, like a spreadsheet's."""
    if isinstance(value, list):
        return "|".join(values.text(v) for v in value if values.text(v))
    if isinstance(value, dict):
        return values.text(value.get("value", ""))
    return values.typed(value)


def _custom(attributes: dict, names: dict[str, str], known: set[str]) -> dict:
    found = {}
    for key, value in attributes.items():
        if key.casefold() in known or value is None or values.text(_value(value)) == "":
            continue
        found[names.get(key.casefold(), key)] = _value(value)
    return found


def read_blueprint(document: dict) -> ParsedMap:
    parsed = ParsedMap(format="kumu-json")
    names = _names(document)
    positions = _first_map_positions(document)
    elements = document.get(ELEMENTS) or []
    if not elements:
        parsed.problem(ELEMENTS, None, "", "the blueprint has no elements")
    seen: set[str] = set()
    for row, item in enumerate(elements, start=1):
        _element(parsed, row, item, names, positions, seen)
    for row, item in enumerate(document.get(CONNECTIONS) or [], start=1):
        _connection(parsed, row, item, names)
    parsed.scale_weights()
    if document.get("loops"):
        parsed.warn(
            "loops", None, "", f"the blueprint's {len(document['loops'])} loops are not imported"
        )
    return parsed


def _first_map_positions(document: dict) -> dict[str, list[float]]:
    maps = document.get("maps") or []
    if not maps or not isinstance(maps[0], dict):
        return {}
    found = {}
    for node in maps[0].get("elements") or []:
        position = node.get("position") if isinstance(node, dict) else None
        if isinstance(position, dict):
            try:
                found[str(node.get("element"))] = [float(position["x"]), float(position["y"])]
            except (KeyError, TypeError, ValueError):
                continue
    return found


def _element(parsed: ParsedMap, row: int, item, names, positions, seen: set[str]) -> None:
    if not isinstance(item, dict):
        parsed.problem(ELEMENTS, row, "", "an element must be an object")
        return
    key = values.text(item.get("_id"))[:200]
    attributes = item.get("attributes") if isinstance(item.get("attributes"), dict) else {}
    label = values.text(attributes.get("label"))[:200]
    if not label:
        label = key
        parsed.warn(ELEMENTS, row, "label", "an element without a label is named by its id")
    if not label:
        parsed.problem(ELEMENTS, row, "label", "the element has neither a label nor an id")
        return
    if key in seen:
        parsed.problem(ELEMENTS, row, "_id", f"the id {key!r} is on another element too")
        return
    seen.add(key)
    actor = ActorRow(sheet=ELEMENTS, row=row, label=label, kind=values.DEFAULT_ACTOR_KIND)
    actor.key = key
    given = attributes.get("element type")
    actor.kind, actor.type_label, known = values.actor_type(_value(given))
    actor.kind_given = values.text(_value(given)) != ""
    if not known:
        parsed.unknown_type(ELEMENTS, row, "element type", actor.type_label, "element type")
    actor.description = values.text(attributes.get("description"))
    tags = attributes.get("tags") or []
    actor.tags = values.tags("|".join(tags) if isinstance(tags, list) else tags)
    actor.custom_fields = _custom(attributes, names, _ELEMENT_FIELDS)
    actor.position = positions.get(key)
    parsed.actors.append(actor)


def _connection(parsed: ParsedMap, row: int, item, names) -> None:
    if not isinstance(item, dict):
        parsed.problem(CONNECTIONS, row, "", "a connection must be an object")
        return
    attributes = item.get("attributes") if isinstance(item.get("attributes"), dict) else {}
    source, target = values.text(item.get("from")), values.text(item.get("to"))
    if item.get("reversed") is True:
        source, target = target, source
    tie = TieRow(
        sheet=CONNECTIONS,
        row=row,
        source=source,
        target=target,
        kind=values.DEFAULT_TIE_KIND,
        direction=DIRECTIONS.get(values.text(item.get("direction")), values.DEFAULT_DIRECTION),
        description=values.text(attributes.get("description")),
    )
    tie.kind, tie.type_label, known = values.tie_type(_value(attributes.get("connection type")))
    if not known:
        parsed.unknown_type(CONNECTIONS, row, "connection type", tie.type_label, "connection type")
    tie.custom_fields = _custom(attributes, names, _CONNECTION_FIELDS)
    ok = True
    try:
        strength, weight, word = values.strength_or_weight(_value(attributes.get("strength")))
    except ValueError as error:
        parsed.problem(CONNECTIONS, row, "strength", str(error))
        ok = False
    else:
        tie.strength, tie.declared_weight = strength, weight
        if word:
            tie.custom_fields["Strength"] = word
    for column, end in (("from", source), ("to", target)):
        if not end:
            parsed.problem(CONNECTIONS, row, column, f"the connection has no {column}")
            ok = False
    tie.invalid = not ok
    parsed.ties.append(tie)
