"""Kumu's layout read from rows: an Elements sheet and a Connections sheet, whatever the file
(XLSX, CSV). Columns are found by name, case-insensitively; any Elements column that is not
Kumu's or Weft's is kept as a custom field."""

from collections.abc import Iterable

from networks.transfer import values
from networks.transfer.parsed import ActorRow, AssessmentRow, ParsedMap, Problem, TieRow

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
    "Description",
    "Tags",
    "Sensitive",
    "Started",
    "Ended",
)
_KNOWN_ELEMENT = {c.casefold() for c in ELEMENT_COLUMNS}
# Kumu's own element columns with no Weft counterpart, dropped rather than kept as fields.
_KUMU_IGNORED = {"image", "layout", "x", "y"}
TAGS_NOT_KEPT = "connection tags are not kept by Weft (the first row with tags is named)"
ASSESSMENT_DEFAULTS = {"ally_kind": "natural", "influence": 3, "proximity": 3, "commitment": 3}
# The columns read into a row's fields as they are: (column, field, reader).
ELEMENT_READERS = (
    ("Type", "kind", values.actor_kind),
    ("Sensitive", "is_sensitive", values.boolean),
    ("Directly Affected", "is_directly_affected", values.boolean),
)
CONNECTION_READERS = (
    ("Type", "kind", values.tie_kind),
    ("Direction", "direction", values.direction),
    ("Strength", "strength", lambda v: values.whole_number(v, 1, 5, "strength")),
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
    custom = [
        name
        for i, name in enumerate(header)
        if name
        and name.casefold() not in _KNOWN_ELEMENT | _KUMU_IGNORED
        and columns.get(name.casefold()) == i
    ]
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
    actor.kind_given = values.text(col("Type")) != ""
    actor.description = values.text(col("Description"))
    actor.tags = values.tags(col("Tags"))
    assessment, assessment_ok = _assessment(parsed, sheet, number, col)
    ok = ok and assessment_ok
    if assessment is not None:
        actor.assessments = [assessment]
    for name in custom:
        value = col(name)
        if values.text(value) != "":
            actor.custom_fields[name] = (
                value if isinstance(value, int | float) else (values.text(value))
            )
    if ok:
        parsed.actors.append(actor)
    else:
        parsed.refuse(actor.key, actor.label)


def _assessment(parsed, sheet, number, col) -> tuple[AssessmentRow | None, bool]:
    ok = True
    try:
        stance = values.enum(col("Stance"), values.STANCES, "stance")
    except ValueError as error:
        parsed.problem(sheet, number, "Stance", str(error))
        return None, False
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
    columns = _columns(_header(header))
    missing = [name for name in ("From", "To") if name.casefold() not in columns]
    if missing:
        for name in missing:
            parsed.problem(sheet, 1, name, f"there is no {name} column")
        return
    warned_tags = False
    for number, row in enumerate(rows, start=2):
        if _blank(row):
            continue

        def col(name, _row=row):
            return _cell(_row, columns.get(name.casefold()))

        tie = _read_connection(parsed, sheet, number, col)
        if values.text(col("Tags")) and not warned_tags:
            warned_tags = True
            parsed.warnings.append(
                Problem(sheet=sheet, row=number, column="Tags", message=TAGS_NOT_KEPT)
            )
        parsed.ties.append(tie)


def _read_connection(parsed: ParsedMap, sheet: str, number: int, col) -> TieRow:
    """One connection row as a tie, ``invalid`` when a cell of it is a problem."""
    source, target = values.text(col("From")), values.text(col("To"))
    ok = True
    for column, end in (("From", source), ("To", target)):
        if not end:
            parsed.problem(sheet, number, column, f"the {column} cell is empty")
            ok = False
    tie = TieRow(
        sheet=sheet,
        row=number,
        source=source,
        target=target,
        kind=values.DEFAULT_TIE_KIND,
        direction=values.DEFAULT_DIRECTION,
    )
    fields_ok = parsed.read_fields(tie, CONNECTION_READERS, col, sheet=sheet, row=number)
    ok = ok and fields_ok
    if ok and tie.started_on and tie.ended_on and tie.ended_on < tie.started_on:
        parsed.problem(sheet, number, "Ended", "the connection ends before it starts")
        ok = False
    tie.description = values.text(col("Description"))
    tie.invalid = not ok
    return tie
