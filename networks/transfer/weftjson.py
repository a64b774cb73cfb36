"""Weft's own JSON: everything a coalition's map holds (actors with every assessment, contact
details when the exporting role may see them, ties, interactions), read back complete."""

import json
from collections.abc import Iterator

from networks.transfer import kumujson, values
from networks.transfer.parsed import (
    ActorRow,
    AssessmentRow,
    ContactRow,
    InteractionRow,
    ParsedMap,
    TieRow,
    UnreadableFile,
)
from weft.streaming import in_chunks

FORMAT_NAME = "weft-map"
FORMAT_VERSION = 1
ACTORS, TIES, INTERACTIONS = "actors", "ties", "interactions"
# The keys read into a row's fields as they are: (key, field, reader).
ACTOR_READERS = (
    ("is_sensitive", "is_sensitive", values.boolean),
    ("is_directly_affected", "is_directly_affected", values.boolean),
)
TIE_READERS = (
    ("direction", "direction", values.direction),
    ("strength", "strength", lambda v: values.whole_number(v, 1, 5, "strength")),
    ("declared_weight", "declared_weight", values.weight),
    ("is_sensitive", "is_sensitive", values.boolean),
    ("started_on", "started_on", values.date),
    ("ended_on", "ended_on", values.date),
)


def json_chunks(export: dict) -> Iterator[bytes]:
    """The export as ``json.dumps(..., indent=1)`` writes it, byte for byte, encoded a token
    at a time (JSONEncoder.iterencode) rather than as one string."""
    document = {"format": FORMAT_NAME, "version": FORMAT_VERSION, **export}
    encoder = json.JSONEncoder(ensure_ascii=False, indent=1, default=str)
    yield from in_chunks(encoder.iterencode(document))


def write_json(export: dict) -> bytes:
    return b"".join(json_chunks(export))


def read_json(data: bytes) -> ParsedMap:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise UnreadableFile("the JSON file is not UTF-8") from None
    except json.JSONDecodeError as error:
        raise UnreadableFile(
            f"the file is not valid JSON (line {error.lineno}, column {error.colno})",
            row=error.lineno,
        ) from None
    if kumujson.is_blueprint(document):
        return kumujson.read_blueprint(document)
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise UnreadableFile(
            f'the JSON file is neither a Weft export (no "format": "{FORMAT_NAME}") nor a Kumu '
            'blueprint (no "elements")'
        )
    parsed = ParsedMap(format="json")
    actors = document.get(ACTORS)
    if not isinstance(actors, list) or not actors:
        parsed.problem(ACTORS, None, "", "the export holds no actors")
        actors = []
    seen: dict[str, int] = {}
    for row, item in enumerate(actors, start=1):
        _actor(parsed, row, item, seen)
    for row, item in enumerate(document.get(TIES) or [], start=1):
        _tie(parsed, row, item)
    for row, item in enumerate(document.get(INTERACTIONS) or [], start=1):
        _interaction(parsed, row, item)
    return parsed


def _actor(parsed: ParsedMap, row: int, item, seen: dict[str, int]) -> None:
    if not isinstance(item, dict):
        parsed.problem(ACTORS, row, "", "an actor must be an object")
        return
    label = values.text(item.get("label"))
    if not label:
        parsed.problem(ACTORS, row, "label", "the label is empty")
        return
    key = values.text(item.get("id"))[:200]
    if key in seen:
        parsed.problem(ACTORS, row, "id", f"the id {key!r} is also on actor {seen[key]}")
    elif key:
        seen[key] = row
    actor = ActorRow(sheet=ACTORS, row=row, label=label[:200], kind=values.DEFAULT_ACTOR_KIND)
    actor.key = key
    actor.kind_given = values.text(item.get("kind")) != ""
    _actor_type_and_position(parsed, row, item, actor)
    actor.description = values.text(item.get("description"))
    tags = item.get("tags") or []
    actor.tags = (
        [values.text(t)[:80] for t in tags if values.text(t)] if isinstance(tags, list) else []
    )
    custom = item.get("custom_fields") or {}
    actor.custom_fields = custom if isinstance(custom, dict) else {}
    ok = parsed.read_fields(actor, ACTOR_READERS, item.get, sheet=ACTORS, row=row)
    # Every assessment and contact detail is checked, so that all their problems are named.
    for list_name, read, kept in (
        ("assessments", _assessment, actor.assessments),
        ("contacts", _contact, actor.contacts),
    ):
        for number, entry in enumerate(item.get(list_name) or [], start=1):
            try:
                kept.append(read(entry))
            except ValueError as error:
                parsed.problem(ACTORS, row, f"{list_name}[{number}]", str(error))
                ok = False
    if ok:
        parsed.actors.append(actor)
    else:
        parsed.refuse(actor.key, actor.label)


def _actor_type_and_position(parsed: ParsedMap, row: int, item: dict, actor: ActorRow) -> None:
    actor.kind, actor.type_label, known = values.actor_type(item.get("kind"))
    if not known:
        parsed.unknown_type(ACTORS, row, "kind", actor.type_label, "kind")
    actor.type_label = values.text(item.get("type_label"))[:120] or actor.type_label
    position = item.get("position")
    if isinstance(position, list) and len(position) == 2:
        try:
            actor.position = [float(position[0]), float(position[1])]
        except (TypeError, ValueError):
            parsed.problem(ACTORS, row, "position", "a position is two numbers, x and y")


def _assessment(assessment) -> AssessmentRow:
    if not isinstance(assessment, dict):
        raise ValueError("an assessment must be an object")
    stance = values.enum(assessment.get("stance"), values.STANCES, "stance")
    ally_kind = values.enum(assessment.get("ally_kind"), values.ALLY_KINDS, "ally kind")
    if stance is None or ally_kind is None:
        raise ValueError("an assessment needs a stance and an ally kind")
    scores = {}
    for score in ("influence", "proximity", "commitment"):
        scores[score] = values.whole_number(assessment.get(score), 1, 5, score)
        if scores[score] is None:
            raise ValueError(f"an assessment needs its {score}")
    return AssessmentRow(
        stance=stance,
        ally_kind=ally_kind,
        assessed_on=values.date(assessment.get("assessed_on")),
        note=values.text(assessment.get("note")),
        **scores,
    )


def _contact(contact) -> ContactRow:
    if not isinstance(contact, dict):
        raise ValueError("a contact detail must be an object")
    kind = values.enum(contact.get("kind"), values.CONTACT_KINDS, "contact kind")
    value = values.text(contact.get("value"))[:300]
    if kind is None or not value:
        raise ValueError("a contact detail needs a kind and a value")
    return ContactRow(
        kind=kind,
        value=value,
        label=values.text(contact.get("label"))[:80],
        is_primary=values.boolean(contact.get("is_primary")),
    )


def _tie(parsed: ParsedMap, row: int, item) -> None:
    if not isinstance(item, dict):
        parsed.problem(TIES, row, "", "a tie must be an object")
        return
    tie = TieRow(
        sheet=TIES,
        row=row,
        source=values.text(item.get("source")),
        target=values.text(item.get("target")),
        kind=values.DEFAULT_TIE_KIND,
        direction=values.DEFAULT_DIRECTION,
        description=values.text(item.get("description")),
    )
    ok = parsed.read_fields(tie, TIE_READERS, item.get, sheet=TIES, row=row)
    tie.kind, tie.type_label, known = values.tie_type(item.get("kind"))
    if not known:
        parsed.unknown_type(TIES, row, "kind", tie.type_label, "kind")
    tie.type_label = values.text(item.get("type_label"))[:120] or tie.type_label
    custom = item.get("custom_fields") or {}
    tie.custom_fields = custom if isinstance(custom, dict) else {}
    for column in ("source", "target"):
        if not getattr(tie, column):
            parsed.problem(TIES, row, column, f"the tie has no {column}")
            ok = False
    tie.invalid = not ok
    parsed.ties.append(tie)


def _interaction(parsed: ParsedMap, row: int, item) -> None:
    try:
        if not isinstance(item, dict):
            raise ValueError("an interaction must be an object")
        kind = values.enum(item.get("kind"), values.INTERACTION_KINDS, "interaction kind")
        occurred_on = values.date(item.get("occurred_on"))
        if kind is None or occurred_on is None:
            raise ValueError("an interaction needs a kind and a date")
        participants = item.get("participants") or []
        if not isinstance(participants, list) or not participants:
            raise ValueError("an interaction needs its participants")
    except ValueError as error:
        parsed.problem(INTERACTIONS, row, "", str(error))
        return
    parsed.interactions.append(
        InteractionRow(
            sheet=INTERACTIONS,
            row=row,
            kind=kind,
            occurred_on=occurred_on,
            summary=values.text(item.get("summary"))[:300],
            participants=[values.text(p) for p in participants],
        )
    )
