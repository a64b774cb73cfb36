"""Limits on what an import may hold, checked around the readers (networks/transfer/
readers.py): on the raw bytes before a file is parsed where a count is cheap (NUL bytes,
nodes and edges of a graph file, lines of a CSV, the nesting of a JSON file), and on the
parsed rows after (rows, cell length, text PostgreSQL cannot store). Every refusal is an
UnreadableFile whose message names the limit; the job fails with it and its upload is
deleted. Each limit is a setting (WEFT_IMPORT_MAX_…)."""

import csv
import dataclasses
import logging

from django.conf import settings
from django.db import DatabaseError

from networks.transfer.parsed import ParsedMap, UnreadableFile
from networks.transfer.readers import detect_format, read_map
from weft.ceiling import OverMemory, within_memory
from weft.errors import ApplicationError
from weft.parsers import loads_bounded, text_problem

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class ImportLimits:
    rows: int  # actors (elements, nodes) in a file, and lines of a CSV
    edges: int  # ties (connections, edges)
    columns: int  # columns of a sheet
    cell_chars: int  # characters in one cell (a name, a description, a custom field)
    json_depth: int  # nesting of a Weft JSON file

    @classmethod
    def from_settings(cls) -> "ImportLimits":
        return cls(
            rows=settings.WEFT_IMPORT_MAX_ROWS,
            edges=settings.WEFT_IMPORT_MAX_EDGES,
            columns=settings.WEFT_IMPORT_MAX_COLUMNS,
            cell_chars=settings.WEFT_IMPORT_MAX_CELL_CHARS,
            json_depth=settings.WEFT_JSON_MAX_DEPTH,
        )


def check_bytes(filename: str, data: bytes, limits: ImportLimits) -> None:
    """What the raw bytes tell before parsing (each check a C-speed scan of the bytes)."""
    kind = detect_format(filename, data[:2048])
    if kind in ("xlsx", "zip"):
        return  # packed: their sheets are counted after reading
    nul = data.find(b"\x00")
    if nul >= 0:
        raise UnreadableFile(
            f"the file contains a NUL byte (at byte {nul}): it is not a text file of this format"
        )
    {"graphml": _check_graph, "gexf": _check_graph, "csv": _check_csv, "json": _check_json}[kind](
        data, limits
    )


def _check_graph(data: bytes, limits: ImportLimits) -> None:
    nodes = data.count(b"<node") - data.count(b"<nodes")
    edges = data.count(b"<edge") - data.count(b"<edges")
    if nodes > limits.rows:
        raise UnreadableFile(
            f"the file has {nodes:,} nodes, over the limit of {limits.rows:,}", sheet="nodes"
        )
    if edges > limits.edges:
        raise UnreadableFile(
            f"the file has {edges:,} edges, over the limit of {limits.edges:,}", sheet="edges"
        )


def _check_csv(data: bytes, limits: ImportLimits) -> None:
    lines = data.count(b"\n")
    if lines > limits.rows + 1:
        raise UnreadableFile(f"the file has {lines:,} rows, over the limit of {limits.rows:,}")
    header = data.split(b"\n", 1)[0]
    columns = header.count(b",") + header.count(b";") + header.count(b"\t") + 1
    if columns > limits.columns:
        raise UnreadableFile(
            f"the file has {columns:,} columns, over the limit of {limits.columns:,}", row=1
        )


def _check_json(data: bytes, limits: ImportLimits) -> None:
    try:
        loads_bounded(
            data.removeprefix(b"\xef\xbb\xbf"), max_bytes=len(data) + 1, max_depth=limits.json_depth
        )
    except ApplicationError as error:
        raise UnreadableFile(
            f"{error.message} ({error.field})" if error.field else error.message,
            column=error.field or "",
        ) from None
    except Exception:
        return  # not JSON at all: the reader says where


_ROW_TEXT = ("label", "key", "kind", "description", "source", "target", "summary")


def _texts(row) -> list[tuple[str, str]]:
    """(column, text) of a parsed row, custom fields and tags included."""
    found = [(name, getattr(row, name)) for name in _ROW_TEXT if hasattr(row, name)]
    found += [("tags", tag) for tag in getattr(row, "tags", ())]
    for name, value in getattr(row, "custom_fields", {}).items():
        found.append((str(name), str(name)))
        stack = [value]
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                found.append((str(name), item))
            elif isinstance(item, dict):
                stack.extend(item.keys())
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
    for contact in getattr(row, "contacts", ()):
        found += [("contacts", contact.value), ("contacts", contact.label)]
    for assessment in getattr(row, "assessments", ()):
        found.append(("note", assessment.note))
    return found


def _add_nested(texts: list, nested: list) -> None:
    """The strings in custom field values (and in the lists and objects they hold)."""
    while nested:
        item = nested.pop()
        if isinstance(item, str):
            texts.append(item)
        elif isinstance(item, dict):
            nested.extend(item)
            nested.extend(item.values())
        elif isinstance(item, list):
            nested.extend(item)


def _all_storable(parsed: ParsedMap, limits: ImportLimits) -> bool:
    """Whether every text _texts names is within the cell limit and storable, checked on all
    of them at once (a NUL or a lone surrogate anywhere is found in one C-speed pass over the
    joined texts); when not, the caller looks row by row for the cell to name."""
    texts: list = []
    nested: list = []  # custom field values that hold more values
    add = texts.append
    for actor in parsed.actors:
        texts += (actor.label, actor.key, actor.kind, actor.description, *actor.tags)
        for contact in actor.contacts:
            texts += (contact.value, contact.label)
        texts += (assessment.note for assessment in actor.assessments)
        for name, value in actor.custom_fields.items():
            add(name)
            nested.append(value)
    for tie in parsed.ties:
        texts += (tie.source, tie.target, tie.kind, tie.description)
        for name, value in tie.custom_fields.items():
            add(name)
            nested.append(value)
    for interaction in parsed.interactions:
        texts += (interaction.kind, interaction.summary)
    _add_nested(texts, nested)
    texts = [text for text in texts if isinstance(text, str)]
    if not texts:
        return True
    return max(map(len, texts)) <= limits.cell_chars and text_problem("".join(texts)) is None


def check_parsed(parsed: ParsedMap, limits: ImportLimits) -> None:
    if len(parsed.actors) > limits.rows:
        raise UnreadableFile(
            f"the file has {len(parsed.actors):,} actors, over the limit of {limits.rows:,}"
        )
    if len(parsed.ties) > limits.edges:
        raise UnreadableFile(
            f"the file has {len(parsed.ties):,} ties, over the limit of {limits.edges:,}"
        )
    if _all_storable(parsed, limits):
        return
    rows = [*parsed.actors, *parsed.ties, *parsed.interactions]
    for row in rows:  # which cell: the first one, row by row
        for column, text in _texts(row):
            if not isinstance(text, str):
                continue
            if len(text) > limits.cell_chars:
                raise UnreadableFile(
                    f"a cell holds {len(text):,} characters, over the limit of "
                    f"{limits.cell_chars:,}",
                    sheet=row.sheet,
                    row=row.row,
                    column=column,
                )
            if problem := text_problem(text):
                raise UnreadableFile(
                    f"the cell {problem}", sheet=row.sheet, row=row.row, column=column
                )


def read_map_bounded(
    filename: str, data: bytes, *, max_bytes: int, columns: dict | None = None
) -> ParsedMap:
    """``read_map`` within the limits. Whatever a reader raises on a hostile file is an
    UnreadableFile (the job fails and says so), never a 500; only the database going away is
    raised as is (a task retries it)."""
    limits = ImportLimits.from_settings()
    check_bytes(filename, data, limits)
    try:
        parsed = read_map(filename, data, max_bytes=max_bytes, columns=columns)
    except (UnreadableFile, DatabaseError):
        raise
    except RecursionError:
        raise UnreadableFile(
            f"the file is nested deeper than the limit of {limits.json_depth} levels"
        ) from None
    except csv.Error as error:
        if "field limit" not in str(error):
            raise UnreadableFile("the file is not a CSV file Weft can read") from None
        raise UnreadableFile(
            f"a cell holds more than {csv.field_size_limit():,} characters, over the limit of "
            f"{limits.cell_chars:,}"
        ) from None
    except MemoryError:
        raise _over_memory() from None
    except Exception as error:
        logger.warning("import reader failed: %s", type(error).__name__)
        raise UnreadableFile(
            f"the file cannot be read ({type(error).__name__}): is it a valid file of its format?"
        ) from None
    check_parsed(parsed, limits)
    return parsed


def read_map_within_memory(
    filename: str, data: bytes, *, max_bytes: int, columns: dict | None = None
) -> ParsedMap:
    """``read_map_bounded`` under a hard memory ceiling (weft/ceiling.py): the file is read in
    a child process whose memory may grow by at most WEFT_IMPORT_READ_MEMORY_MB; past it the
    import fails naming the limit. The worker (or web process) that asked holds only the
    parsed rows afterwards, which the row and edge limits bound. (The ceiling counts address
    space beyond what the process had mapped when it forked: memory it had freed but kept
    can be used on top.)"""
    try:
        return within_memory(
            settings.WEFT_IMPORT_READ_MEMORY_MB * 1024 * 1024,
            read_map_bounded,
            filename,
            data,
            max_bytes=max_bytes,
            columns=columns,
        )
    except OverMemory:
        raise _over_memory() from None


def _over_memory() -> UnreadableFile:
    megabytes = settings.WEFT_IMPORT_READ_MEMORY_MB
    logger.warning("import read over the memory ceiling of %s MB", megabytes)
    return UnreadableFile(
        f"reading the file needs more memory than the limit of {megabytes:,} MB "
        "(WEFT_IMPORT_READ_MEMORY_MB): split the file, or ask the steward to raise the limit"
    )


def bounded_summary(summary: dict) -> dict:
    """A preview's summary as stored: its counts, and at most WEFT_IMPORT_MAX_LISTED of each
    list (errors, warnings, suggested duplicates), with how many there are in all
    (``error_count``, …). Reading a job's status then costs the same for 10 rows as for a
    million; ``…/imports/<id>/problems/`` pages through the listed problems. A duplicate not
    listed is created anew (the default choice)."""
    most = settings.WEFT_IMPORT_MAX_LISTED
    bounded = dict(summary)
    for name, count in (
        ("errors", "error_count"),
        ("warnings", "warning_count"),
        ("duplicates", "duplicate_count"),
    ):
        items = summary.get(name) or []
        bounded[count] = len(items)
        bounded[name] = items[:most]
    return bounded
