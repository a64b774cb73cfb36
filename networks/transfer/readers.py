"""Bytes in, a ParsedMap out: the format told by the file's name and first bytes, the size and
zip-bomb limits checked before anything is unpacked, XML parsed with defusedxml."""

import csv
import io
import zipfile

from networks.transfer import graphs, tables, weftjson
from networks.transfer.parsed import (
    MAX_FILE_BYTES,
    MAX_UNZIPPED_BYTES,
    MAX_ZIP_RATIO,
    ParsedMap,
    UnreadableFile,
)

FORMATS = ("xlsx", "csv", "zip", "graphml", "gexf", "json")


def detect_format(filename: str, head: bytes) -> str:
    name = filename.casefold()
    for ext in FORMATS:
        if name.endswith("." + ext):
            return ext
    if head.startswith(b"PK"):
        return "xlsx"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"{"):
        return "json"
    if b"<gexf" in head:
        return "gexf"
    if b"<graphml" in head:
        return "graphml"
    return "csv"


def read_map(filename: str, data: bytes, *, max_bytes: int = MAX_FILE_BYTES) -> ParsedMap:
    """The map a file holds. Raises UnreadableFile when the file cannot be read at all; row
    problems are collected in the result, every one of them, not just the first."""
    if len(data) > max_bytes:
        raise UnreadableFile(
            f"the file is {len(data) / 1048576:.1f} MB, over the limit of "
            f"{max_bytes / 1048576:.0f} MB"
        )
    if not data.strip():
        raise UnreadableFile("the file is empty")
    kind = detect_format(filename, data[:2048])
    if kind == "xlsx":
        return read_xlsx(data)
    if kind == "zip":
        return read_csv_zip(data)
    if kind == "csv":
        return read_csv(data)
    if kind == "graphml":
        return graphs.read_graphml(data)
    if kind == "gexf":
        return graphs.read_gexf(data)
    return weftjson.read_json(data)


def check_zip(archive: zipfile.ZipFile) -> None:
    total = 0
    for member in archive.infolist():
        total += member.file_size
        packed = max(member.compress_size, 1)
        if member.file_size > 1024 * 1024 and member.file_size / packed > MAX_ZIP_RATIO:
            raise UnreadableFile(
                f"{member.filename} unpacks to {member.file_size / packed:.0f} times its size: "
                "the file looks like a zip bomb and is refused"
            )
    if total > MAX_UNZIPPED_BYTES:
        raise UnreadableFile(
            f"the file unpacks to {total / 1048576:.0f} MB, over the limit of "
            f"{MAX_UNZIPPED_BYTES / 1048576:.0f} MB: refused as a possible zip bomb"
        )


def _open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise UnreadableFile("the file is not a valid XLSX or zip file") from None
    check_zip(archive)
    return archive


def _sheet_named(names: list[str], wanted: str) -> str | None:
    for name in names:
        if name.strip().casefold() == wanted.casefold():
            return name
    return None


def read_xlsx(data: bytes) -> ParsedMap:
    from openpyxl import load_workbook  # imported here: only spreadsheets need it

    _open_zip(data)
    try:
        # read_only streams the sheet XML instead of building every cell object up front.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise UnreadableFile(f"the spreadsheet cannot be opened ({type(error).__name__})") from None
    parsed = ParsedMap(format="xlsx")
    try:
        names = workbook.sheetnames
        elements = _sheet_named(names, tables.ELEMENTS) or (names[0] if names else None)
        connections = _sheet_named(names, tables.CONNECTIONS)
        if elements is None:
            raise UnreadableFile("the workbook has no sheets")
        tables.read_elements(parsed, workbook[elements].iter_rows(values_only=True), sheet=elements)
        if connections is not None and connections != elements:
            tables.read_connections(
                parsed, workbook[connections].iter_rows(values_only=True), sheet=connections
            )
    finally:
        workbook.close()
    return parsed


def _decode(data: bytes, sheet: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise UnreadableFile(
            f"the file is not UTF-8 (first bad byte on line {line}): save it as CSV UTF-8 "
            "and upload it again",
            sheet=sheet,
            row=line,
        ) from None


def _csv_rows(text: str):
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return csv.reader(io.StringIO(text, newline=""), dialect)


def read_csv(data: bytes, *, sheet: str = "") -> ParsedMap:
    """One CSV: Elements when it has a Label column, Connections when it has From and To."""
    text = _decode(data, sheet or "CSV")
    rows = list(_csv_rows(text))
    parsed = ParsedMap(format="csv")
    header = {c.strip().casefold() for c in rows[0]} if rows else set()
    if "label" not in header and {"from", "to"} <= header:
        tables.read_connections(parsed, rows, sheet=sheet or tables.CONNECTIONS)
        return parsed
    tables.read_elements(parsed, rows, sheet=sheet or tables.ELEMENTS)
    return parsed


def read_csv_zip(data: bytes) -> ParsedMap:
    """A zip of elements.csv and connections.csv (Weft's CSV export)."""
    archive = _open_zip(data)
    names = archive.namelist()
    elements = _sheet_named(names, "elements.csv")
    connections = _sheet_named(names, "connections.csv")
    if elements is None:
        raise UnreadableFile("the zip holds no elements.csv")
    parsed = ParsedMap(format="csv")
    tables.read_elements(
        parsed, _csv_rows(_decode(archive.read(elements), elements)), sheet=elements
    )
    if connections is not None:
        tables.read_connections(
            parsed, _csv_rows(_decode(archive.read(connections), connections)), sheet=connections
        )
    return parsed
