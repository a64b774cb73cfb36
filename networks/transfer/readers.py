"""Bytes in, a ParsedMap out: the format told by the file's name and first bytes, the size and
zip-bomb limits checked before anything is unpacked, XML parsed with defusedxml."""

import csv
import io
import itertools
import zipfile

from networks.transfer import columns as templates
from networks.transfer import graphs, tables, values, weftjson
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


def read_map(
    filename: str, data: bytes, *, max_bytes: int = MAX_FILE_BYTES, columns: dict | None = None
) -> ParsedMap:
    """The map a file holds. Raises UnreadableFile when the file cannot be read at all; row
    problems are collected in the result, every one of them, not just the first. ``columns``
    maps a CSV's columns to Weft's (the preview's column-mapping step)."""
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
        return read_csv(data, columns=columns)
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


def _sheets(parsed: ParsedMap, workbook):
    """(name, rows) of the elements sheet and of the connections sheet (or None). Sheets are
    told apart by their header: From and To make connections, as in Kumu (whose connections
    also have a Label column); else the sheet named Elements, or the first. Onodo's and
    LittleSis's column names are read as theirs."""
    elements = connections = None
    for name in workbook.sheetnames:
        header, rows = prepared(parsed, workbook[name].iter_rows(values_only=True), name)
        sheet = (name, rows)
        named = name.strip().casefold() == tables.ELEMENTS.casefold()
        called_connections = name.strip().casefold() == tables.CONNECTIONS.casefold()
        if called_connections or (header is not None and is_connections_header(header)):
            connections = connections or sheet
        elif elements is None or (named and elements[0].strip().casefold() != "elements"):
            elements = sheet
    if elements is None:
        elements = (workbook.sheetnames[0], iter(()))
    return elements, connections


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
        if not workbook.sheetnames:
            raise UnreadableFile("the workbook has no sheets")
        elements, connections = _sheets(parsed, workbook)
        name, rows = elements
        tables.read_elements(parsed, rows, sheet=name)
        if connections is not None:
            name, rows = connections
            tables.read_connections(parsed, rows, sheet=name)
    finally:
        workbook.close()
    return parsed


# The delimiters a CSV may use; the sniffer chooses among them, nothing else.
DELIMITERS = ",;\t|"
NOT_UTF8 = (
    "the file is not UTF-8: it was read as {encoding}; check that accented letters came out right"
)


def _decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV and the encoding it was read in: UTF-8 (with or without a BOM),
    UTF-16 (with a BOM, or without one when every other byte is zero), else Windows-1252 (what
    Excel writes on Windows), else Latin-1, which reads any byte."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _utf16(data, "utf-16"), "UTF-16"
    head = data[:200]
    if len(head) >= 4 and head.count(b"\0") * 3 >= len(head):
        encoding = "utf-16-le" if head[1:2] == b"\0" else "utf-16-be"
        return _utf16(data, encoding), "UTF-16"
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1"


def _utf16(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding).lstrip("\ufeff")
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            f"the file looks like UTF-16 but byte {error.start} is not: save it as CSV UTF-8 "
            "and upload it again"
        ) from None


def _delimiter(text: str) -> str:
    """The delimiter of the header line, as the sniffer reads it; a comma when it cannot tell."""
    first = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(first, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


def _csv_rows(text: str):
    """Rows by the standard dialect (RFC 4180, Excel's: ``""`` inside a quoted cell is a
    quote); only the delimiter is sniffed."""
    return csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=_delimiter(text))


def _csv_text(parsed: ParsedMap, data: bytes, sheet: str) -> str:
    text, encoding = _decode(data)
    if encoding != "UTF-8":
        parsed.warn(sheet, None, "", NOT_UTF8.format(encoding=encoding))
    return text


def is_connections_header(header) -> bool:
    """Connections have From and To columns (a Label column may be theirs too, as in Kumu)."""
    names = {str(c or "").strip().casefold() for c in header}
    return {"from", "to"} <= names


def prepared(parsed: ParsedMap, rows, sheet: str, columns: dict | None = None):
    """(header, rows with that header) of a sheet whose columns may be named otherwise than
    Kumu names them: mapped by the user (``columns``), or Onodo's or LittleSis's template
    (said in a warning). None for the header of an empty sheet."""
    rows = iter(rows)
    header = next(rows, None)
    if header is None:
        return None, iter(())
    mapping, template = columns, None
    if mapping is None:
        found = templates.template_for(header)
        if found is not None:
            template, mapping = found
            parsed.warn(sheet, 1, "", f"the columns were read as {template}'s template")
    if mapping:
        header = templates.renamed(header, mapping)
    if template == "LittleSis" and "Type" in header:
        rows = _littlesis_categories(rows, header.index("Type"))
    return header, itertools.chain([header], rows)


def _littlesis_categories(rows, index: int):
    """LittleSis's numbered relationship categories, as their names."""
    for row in rows:
        cell = values.text(row[index]) if index < len(row) else ""
        if cell in templates.LITTLESIS_CATEGORIES:
            row = (*row[:index], templates.LITTLESIS_CATEGORIES[cell], *row[index + 1 :])
        yield row


def csv_header(data: bytes) -> list[str]:
    """The first row of a CSV (for a remembered column mapping), or [] when unreadable."""
    try:
        text, _ = _decode(data[:65536])
        return next(_csv_rows(text), [])
    except (UnreadableFile, csv.Error):
        return []


def read_csv(data: bytes, *, sheet: str = "", columns: dict | None = None) -> ParsedMap:
    """One CSV: Connections when it has From and To columns (Source and Target in Onodo's
    template, entity1_id and entity2_id in LittleSis's), else Elements. ``columns`` maps the
    file's columns to Weft's, as a user chose in the preview."""
    parsed = ParsedMap(format="csv")
    rows = _csv_rows(_csv_text(parsed, data, sheet or "CSV"))
    header, rows = prepared(parsed, rows, sheet or "CSV", columns)
    if header is not None and is_connections_header(header):
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
    text = _csv_text(parsed, archive.read(elements), elements)
    tables.read_elements(parsed, _csv_rows(text), sheet=elements)
    if connections is not None:
        text = _csv_text(parsed, archive.read(connections), connections)
        tables.read_connections(parsed, _csv_rows(text), sheet=connections)
    return parsed
