"""What a file says, before the database has a say: actors, ties and interactions as rows of
plain values, and every problem found, named by sheet, row and column."""

import datetime
from dataclasses import dataclass, field

from networks.transfer import values

# A file larger than this is refused before it is read (the API and the page say so).
MAX_FILE_BYTES = 20 * 1024 * 1024
# A zip (XLSX is one) may not unpack to more than this, nor any member to more than
# MAX_ZIP_RATIO times its packed size: the shape of a zip bomb.
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ZIP_RATIO = 200


class UnreadableFile(Exception):
    """The file cannot be read at all (wrong format, encoding, too big, a zip bomb, XML with
    entities): the import fails with this message and nothing else is looked at."""

    def __init__(self, message: str, *, sheet: str = "", row: int | None = None, column: str = ""):
        super().__init__(message)
        self.problem = Problem(sheet=sheet, row=row, column=column, message=message)


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class AssessmentRow:
    stance: str
    ally_kind: str
    influence: int
    proximity: int
    commitment: int
    assessed_on: datetime.date | None = None
    note: str = ""


@dataclass
class ContactRow:
    kind: str
    value: str
    label: str = ""
    is_primary: bool = False


@dataclass
class ActorRow:
    sheet: str
    row: int
    label: str
    kind: str
    key: str = ""  # the actor's ID in the file (kept as its external key)
    kind_given: bool = False  # a blank type does not change an existing actor's kind
    type_label: str = ""  # the file's own words for the type, when they are not Weft's kind
    description: str = ""
    tags: list[str] = field(default_factory=list)
    custom_fields: dict = field(default_factory=dict)
    is_sensitive: bool = False
    is_directly_affected: bool = False
    # The assessment in force (spreadsheets and graph files carry one); Weft JSON carries all.
    assessments: list[AssessmentRow] = field(default_factory=list)
    contacts: list[ContactRow] = field(default_factory=list)
    # Where the file placed the actor (Gephi's viz:position, a Kumu map's node), or None.
    position: list[float] | None = None


@dataclass
class TieRow:
    sheet: str
    row: int
    source: str  # an ID or a label, as the file names the actor
    target: str
    kind: str
    direction: str
    strength: int | None = None
    description: str = ""
    is_sensitive: bool = False
    started_on: datetime.date | None = None
    ended_on: datetime.date | None = None
    type_label: str = ""
    # The file's own weight (any positive number), kept as it is; ``strength`` is it mapped
    # into Weft's 1–5 by the file's range (see scale_weights).
    declared_weight: float | None = None
    custom_fields: dict = field(default_factory=dict)
    # A row with a problem of its own: its ends are still checked (a preview names every
    # problem at once), but it is never planned.
    invalid: bool = False


@dataclass
class InteractionRow:
    sheet: str
    row: int
    kind: str
    occurred_on: datetime.date
    summary: str
    participants: list[str]


@dataclass
class ParsedMap:
    format: str
    actors: list[ActorRow] = field(default_factory=list)
    ties: list[TieRow] = field(default_factory=list)
    interactions: list[InteractionRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # IDs and labels of element rows refused for a problem of their own: a connection to one
    # is not planned, and not reported a second time as a connection to nowhere.
    refused: set[str] = field(default_factory=set)
    _warned: set = field(default_factory=set, repr=False)

    def warn(self, sheet: str, row: int | None, column: str, message: str, *, once=None) -> None:
        """A warning (the file still imports); with ``once``, only the first of its kind."""
        if once is not None:
            if once in self._warned:
                return
            self._warned.add(once)
        self.warnings.append(Problem(sheet=sheet, row=row, column=column, message=message))

    def unknown_type(self, sheet: str, row: int, column: str, label: str, what: str) -> None:
        self.warn(
            sheet,
            row,
            column,
            f"the {what} {label!r} is not one of Weft's: kept as the type label, "
            f"with the kind other (the first row with it is named)",
            once=(what, label.casefold()),
        )

    def scale_weights(self) -> None:
        """Each tie with a weight but no strength of its own gets the weight mapped into
        Weft's 1–5 by the range of the file's weights (the weight itself is kept)."""
        weights = [t.declared_weight for t in self.ties if t.declared_weight is not None]
        if not weights:
            return
        low, high = min(weights), max(weights)
        for tie in self.ties:
            if tie.strength is None and tie.declared_weight is not None:
                tie.strength = values.scale_weight(tie.declared_weight, low, high)

    def refuse(self, *refs: str) -> None:
        self.refused.update(ref for ref in refs if ref)

    def problem(self, sheet: str, row: int | None, column: str, message: str) -> None:
        self.problems.append(Problem(sheet=sheet, row=row, column=column, message=message))

    def read_fields(self, target, readers, value_of, *, sheet: str, row: int | None) -> bool:
        """Set each ``attribute`` of ``target`` to ``reader(value_of(column))``, for every
        (column, attribute, reader) of ``readers``; a value its reader refuses is a problem of
        the row, named by its column. True when no value was refused."""
        ok = True
        for column, attribute, reader in readers:
            try:
                setattr(target, attribute, reader(value_of(column)))
            except ValueError as error:
                self.problem(sheet, row, column, str(error))
                ok = False
        return ok


# A preview's rows, kept as JSON on the import job so that the confirm applies exactly what
# was previewed without reading the file again (the read is most of a preview's time).
_ACTOR_FIELDS = (
    ("sheet", "row")
    + ("label", "kind", "key", "kind_given", "type_label")
    + ("description", "tags", "custom_fields")
    + ("is_sensitive", "is_directly_affected", "position")
)
_TIE_FIELDS = (
    ("sheet", "row")
    + ("source", "target", "kind", "direction", "strength")
    + ("description", "is_sensitive", "invalid")
    + ("type_label", "declared_weight", "custom_fields")
)
# An assessment's fields kept as they are; its day and its note follow them.
_ASSESSMENT_FIELDS = ("stance", "ally_kind", "influence", "proximity", "commitment")


def _day(value):
    return value.isoformat() if value else None


def _from_day(value):
    return datetime.date.fromisoformat(value) if value else None


def parsed_to_json(parsed: ParsedMap) -> dict:
    return {
        "format": parsed.format,
        "actors": [
            [
                *(getattr(a, f) for f in _ACTOR_FIELDS),
                [
                    [*(getattr(s, f) for f in _ASSESSMENT_FIELDS), _day(s.assessed_on), s.note]
                    for s in a.assessments
                ],
                [[c.kind, c.value, c.label, c.is_primary] for c in a.contacts],
            ]
            for a in parsed.actors
        ],
        "ties": [
            [*(getattr(t, f) for f in _TIE_FIELDS), _day(t.started_on), _day(t.ended_on)]
            for t in parsed.ties
        ],
        "interactions": [
            [i.sheet, i.row, i.kind, _day(i.occurred_on), i.summary, i.participants]
            for i in parsed.interactions
        ],
        "problems": [p.as_dict() for p in parsed.problems],
        "warnings": [p.as_dict() for p in parsed.warnings],
        "refused": sorted(parsed.refused),
    }


def _row_of(cls, names: tuple[str, ...], values: list):
    """A row dataclass with its fields set from the stored values, without calling its
    __init__ (a confirm rebuilds 30,000 of them). Every field is stored: ``names``, then
    the actor's assessments and contacts or the tie's two days, which the caller sets."""
    row = object.__new__(cls)
    # The values after ``names`` (assessments and contacts, days) are the caller's.
    row.__dict__.update(zip(names, values, strict=False))
    return row


def parsed_from_json(data: dict) -> ParsedMap:
    parsed = ParsedMap(format=data["format"])
    n = len(_ACTOR_FIELDS)
    for row in data["actors"]:
        if len(row) != n + 2:
            raise ValueError(f"a stored actor row has {len(row)} values, not {n + 2}")
        actor = _row_of(ActorRow, _ACTOR_FIELDS, row)
        actor.assessments = [
            AssessmentRow(stance, kind, influence, proximity, commitment, _from_day(on), note)
            for stance, kind, influence, proximity, commitment, on, note in row[n]
        ]
        actor.contacts = [ContactRow(*contact) for contact in row[n + 1]]
        parsed.actors.append(actor)
    m = len(_TIE_FIELDS)
    for row in data["ties"]:
        if len(row) != m + 2:
            raise ValueError(f"a stored tie row has {len(row)} values, not {m + 2}")
        tie = _row_of(TieRow, _TIE_FIELDS, row)
        tie.started_on = _from_day(row[m]) if row[m] else None
        tie.ended_on = _from_day(row[m + 1]) if row[m + 1] else None
        parsed.ties.append(tie)
    for sheet, row, kind, on, summary, participants in data["interactions"]:
        parsed.interactions.append(
            InteractionRow(sheet, row, kind, _from_day(on), summary, participants)
        )
    parsed.problems = [Problem(**p) for p in data["problems"]]
    parsed.warnings = [Problem(**p) for p in data["warnings"]]
    parsed.refused = set(data["refused"])
    return parsed
