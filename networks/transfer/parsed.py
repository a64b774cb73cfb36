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
