"""Kumu's layout read from rows: an Elements sheet and a Connections sheet, whatever the file
(XLSX, CSV). Columns are found by name, case-insensitively; any column that is not Kumu's or
Weft's is kept as a custom field (of the actor, or of the tie), numbers as numbers.

As Kumu writes it: a free-text Type is kept as the type label beside the kind it matches
(``other`` when none, with a warning); a Strength may be a word ("Strong") or any positive
number (a weight, mapped into 1–5 by the file's range, the number kept); From and To may name
several elements separated by ``|`` (one connection per pair)."""

import dataclasses
from collections.abc import Iterable

from networks.transfer import values
from networks.transfer.parsed import ActorRow, AssessmentRow, ParsedMap, TieRow

ELEMENTS = "Elements"
CONNECTIONS = "Connections"

# Column headers as exported (and read case-insensitively).
ELEMENT_COLUMNS = (
    "ID",
    "Label",
    "Type",
    "Description",
    "Tags",
    "Stance",
    "Ally Kind",
    "Influence",
    "Proximity",
    "Commitment",
    "Sensitive",
    "Directly Affected",
)
CONNECTION_COLUMNS = (
    "From",
    "To",
    "Type",
    "Direction",
    "Strength",
    "Weight",
    "Description",
    "Sensitive",
    "Started",
    "Ended",
)
_KNOWN_ELEMENT = {c.casefold() for c in ELEMENT_COLUMNS}
_KNOWN_CONNECTION = {c.casefold() for c in CONNECTION_COLUMNS}
# Columns with no Weft counterpart that are dropped rather than kept as fields: Kumu's layout
# hints, and the metric columns an export carries (computed, not imported).
_IGNORED = {"layout", "x", "y"}
METRIC_PREFIX = "metric_"
ASSESSMENT_COLUMNS = ("Ally Kind", "Influence", "Proximity", "Commitment")
ASSESSMENT_DEFAULTS = {"ally_kind": "natural", "influence": 3, "proximity": 3, "commitment": 3}
# The columns read into a row's fields as they are: (column, field, reader).
ELEMENT_READERS = (
    ("Sensitive", "is_sensitive", values.boolean),
    ("Directly Affected", "is_directly_affected", values.boolean),
)
CONNECTION_READERS = (
    ("Direction", "direction", values.direction),
    ("Weight", "declared_weight", values.weight),
    ("Sensitive", "is_sensitive", values.boolean),
    ("Started", "started_on", values.date),
    ("Ended", "ended_on", values.date),
)


def _header(cells) -> list[str]:
    return [values.text(c) for c in cells]


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, name in enumerate(header):
        key = name.casefold()
        if key and key not in found:
            found[key] = i
    return found


def _cell(row: tuple, index: int | None):
    if index is None or index >= len(row):
        return None
    value = row[index]
    if isinstance(value, str):
        return values.restore_formula_text(value.strip())
    return value


def _custom_columns(header: list[str], columns: dict[str, int], known: set[str]) -> list[str]:
    return [
        name
        for i, name in enumerate(header)
        if name
        and name.casefold() not in known | _IGNORED
        and not name.casefold().startswith(METRIC_PREFIX)
        and columns.get(name.casefold()) == i
    ]


def _custom_values(col, custom: list[str]) -> dict:
    found = {}
    for name in custom:
        value = col(name)
        if values.text(value) != "":
            found[name] = values.typed(value)
    return found


def _blank(row: tuple) -> bool:
    return all(values.text(c) == "" for c in row)


def read_elements(parsed: ParsedMap, rows: Iterable[tuple], *, sheet: str = ELEMENTS) -> None:
    rows = iter(rows)
    header = next(rows, None)
    if header is None or _blank(header):
        parsed.problem(sheet, None, "", "the sheet is empty: it needs a header row and elements")
        return
    header = _header(header)
    columns = _columns(header)
    if "label" not in columns:
        parsed.problem(sheet, 1, "Label", "there is no Label column: every element needs a label")
        return
    known = _KNOWN_ELEMENT
    if "stance" not in columns:
        # Without a Stance there is no assessment: Kumu's own Influence (often "High") and
        # the like are the map's fields.
        known = known - {c.casefold() for c in ASSESSMENT_COLUMNS}
    custom = _custom_columns(header, columns, known)
    seen_ids: dict[str, int] = {}
    count = 0
    for number, row in enumerate(rows, start=2):
        if _blank(row):
            continue
        count += 1

        def col(name, _row=row):
            return _cell(_row, columns.get(name.casefold()))

        _read_element(parsed, sheet, number, col, custom, seen_ids)
    if count == 0:
        parsed.problem(sheet, None, "", "the sheet has a header but no elements")


def _read_element(parsed: ParsedMap, sheet: str, number: int, col, custom, seen_ids) -> None:
    """One element row: an actor, or a problem of the row (and the actor refused)."""
    label = values.text(col("Label"))
    if not label:
        parsed.problem(sheet, number, "Label", "the label is empty")
        return
    if len(label) > 200:
        parsed.problem(sheet, number, "Label", "the label is longer than 200 characters")
        return
    actor = ActorRow(sheet=sheet, row=number, label=label, kind=values.DEFAULT_ACTOR_KIND)
    actor.key = values.text(col("ID"))[:200]
    if actor.key in seen_ids:
        message = f"the ID {actor.key!r} is also on row {seen_ids[actor.key]}"
        parsed.problem(sheet, number, "ID", message)
    elif actor.key:
        seen_ids[actor.key] = number
    ok = parsed.read_fields(actor, ELEMENT_READERS, col, sheet=sheet, row=number)
    actor.kind, actor.type_label, known = values.actor_type(col("Type"))
    if not known:
        parsed.unknown_type(sheet, number, "Type", actor.type_label, "element type")
    actor.kind_given = values.text(col("Type")) != ""
    actor.description = values.text(col("Description"))
    actor.tags = values.tags(col("Tags"))
    assessment, assessment_ok = _assessment(parsed, sheet, number, col)
    ok = ok and assessment_ok
    actor.custom_fields = _custom_values(col, custom)
    if assessment is not None:
        actor.assessments = [assessment]
    else:
        # No stance: a value under Influence and the like is the map's own field (Kumu's
        # Influence is often "High"), as a Weft export writes it back.
        actor.custom_fields.update(_custom_values(col, list(ASSESSMENT_COLUMNS)))
    if ok:
        parsed.actors.append(actor)
    else:
        parsed.refuse(actor.key, actor.label)


def _assessment(parsed, sheet, number, col) -> tuple[AssessmentRow | None, bool]:
    """The row's assessment when it gives a stance (its scores are then checked)."""
    ok = True
    try:
        stance = values.enum(col("Stance"), values.STANCES, "stance")
    except ValueError as error:
        parsed.problem(sheet, number, "Stance", str(error))
        return None, False
    if stance is None:
        return None, True
    read = dict(ASSESSMENT_DEFAULTS)
    try:
        read["ally_kind"] = (
            values.enum(col("Ally Kind"), values.ALLY_KINDS, "ally kind") or (read["ally_kind"])
        )
    except ValueError as error:
        parsed.problem(sheet, number, "Ally Kind", str(error))
        ok = False
    for column in ("Influence", "Proximity", "Commitment"):
        try:
            score = values.whole_number(col(column), 1, 5, column.lower())
        except ValueError as error:
            parsed.problem(sheet, number, column, str(error))
            ok = False
            continue
        if score is not None:
            read[column.lower()] = score
    if stance is None:
        return None, ok
    return AssessmentRow(stance=stance, **read), ok


def read_connections(parsed: ParsedMap, rows: Iterable[tuple], *, sheet: str = CONNECTIONS) -> None:
    rows = iter(rows)
    header = next(rows, None)
    if header is None or _blank(header):
        return  # a map may have no connections yet
    header = _header(header)
    columns = _columns(header)
    missing = [name for name in ("From", "To") if name.casefold() not in columns]
    if missing:
        for name in missing:
            parsed.problem(sheet, 1, name, f"there is no {name} column")
        return
    custom = _custom_columns(header, columns, _KNOWN_CONNECTION)
    for number, row in enumerate(rows, start=2):
        if _blank(row):
            continue

        def col(name, _row=row):
            return _cell(_row, columns.get(name.casefold()))

        parsed.ties.extend(_read_connection(parsed, sheet, number, col, custom))
    parsed.scale_weights()


def _read_strength(parsed: ParsedMap, tie: TieRow, col) -> bool:
    """A Strength cell: a strength, a word (kept as the custom field Strength) or a weight."""
    try:
        strength, weight, word = values.strength_or_weight(col("Strength"))
    except ValueError as error:
        parsed.problem(tie.sheet, tie.row, "Strength", str(error))
        return False
    tie.strength = strength
    if word:
        tie.custom_fields["Strength"] = word
    if weight is not None and tie.declared_weight is None:
        tie.declared_weight = weight
    return True


def _ends(cell) -> list[str]:
    """The elements a From or To cell names: several separated by ``|``, as Kumu allows."""
    names = [name.strip() for name in values.text(cell).split("|")]
    return [name for name in names if name] or [""]


def _read_connection(parsed: ParsedMap, sheet: str, number: int, col, custom) -> list[TieRow]:
    """One connection row as ties (one per From–To pair), ``invalid`` when a cell of it is a
    problem."""
    sources, targets = _ends(col("From")), _ends(col("To"))
    ok = True
    for column, ends in (("From", sources), ("To", targets)):
        if ends == [""]:
            parsed.problem(sheet, number, column, f"the {column} cell is empty")
            ok = False
    tie = TieRow(
        sheet=sheet,
        row=number,
        source="",
        target="",
        kind=values.DEFAULT_TIE_KIND,
        direction=values.DEFAULT_DIRECTION,
    )
    fields_ok = parsed.read_fields(tie, CONNECTION_READERS, col, sheet=sheet, row=number)
    ok = ok and fields_ok
    tie.kind, tie.type_label, known = values.tie_type(col("Type"))
    if not known:
        parsed.unknown_type(sheet, number, "Type", tie.type_label, "connection type")
    tie.custom_fields = _custom_values(col, custom)
    ok = _read_strength(parsed, tie, col) and ok
    if ok and tie.started_on and tie.ended_on and tie.ended_on < tie.started_on:
        parsed.problem(sheet, number, "Ended", "the connection ends before it starts")
        ok = False
    tie.description = values.text(col("Description"))
    tie.invalid = not ok
    ties = []
    for source in sources:
        for target in targets:
            one = dataclasses.replace(tie, custom_fields=dict(tie.custom_fields))
            one.source, one.target = source, target
            ties.append(one)
    return ties
