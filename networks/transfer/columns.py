"""Columns named otherwise than Kumu names them: Onodo's and LittleSis's templates, and any
CSV whose columns a user mapped to Weft's fields in the preview.

A mapping renames a file's columns (case-insensitively) to the columns the readers know
(tables.ELEMENT_COLUMNS, tables.CONNECTION_COLUMNS); a column mapped to nothing keeps its
name and is read as a custom field, one mapped to ``IGNORE`` is dropped."""

from networks.transfer import values

IGNORE = "(ignore)"

# The fields a user may map a column to, by sheet: elements, then connections.
ELEMENT_FIELDS = ("ID", "Label", "Type", "Description", "Tags", "Stance", "Sensitive")
CONNECTION_FIELDS = ("From", "To", "Type", "Direction", "Strength", "Weight", "Description") + (
    "Started",
    "Ended",
    "Sensitive",
)
FIELDS = tuple(dict.fromkeys((*ELEMENT_FIELDS, *CONNECTION_FIELDS)))

# Onodo (onodo.org): a Nodes sheet (Name, Type, Description, Visible, Image, custom columns)
# and a Relations sheet (Source, Type, Target, Directed, At or Date, From and To as dates).
ONODO_NODES = {"name": "Label"}
ONODO_RELATIONS = {
    "source": "From",
    "target": "To",
    "directed": "Direction",
    "from": "Started",
    "to": "Ended",
    "at": "Started",
    "date": "Started",
}
# LittleSis (littlesis.org): entities (id, name, primary_ext Person or Org, blurb, website…)
# and relationships (entity1_id, entity2_id, category_id or category, description1, amount,
# start_date, end_date, is_current…).
LITTLESIS_ENTITIES = {
    "name": "Label",
    "primary_ext": "Type",
    "blurb": "Description",
    "start_date": None,
    "end_date": None,
}
LITTLESIS_RELATIONSHIPS = {
    "entity1_id": "From",
    "entity2_id": "To",
    "entity1": "From",
    "entity2": "To",
    "category_id": "Type",
    "category": "Type",
    "description1": "Description",
    "start_date": "Started",
    "end_date": "Ended",
}
# LittleSis's relationship categories by their number.
LITTLESIS_CATEGORIES = {
    "1": "Position",
    "2": "Education",
    "3": "Membership",
    "4": "Family",
    "5": "Donation",
    "6": "Transaction",
    "7": "Lobbying",
    "8": "Social",
    "9": "Professional",
    "10": "Ownership",
    "11": "Hierarchy",
    "12": "Generic",
}


def _names(header) -> set[str]:
    return {values.text(c).casefold() for c in header}


def template_for(header) -> tuple[str, dict] | None:
    """(template name, mapping) when a header is Onodo's or LittleSis's, else None."""
    names = _names(header)
    if "label" in names or {"from", "to"} <= names and "source" not in names:
        return None  # Kumu's (or Weft's) own layout
    if {"source", "target"} <= names:
        return "Onodo", ONODO_RELATIONS
    if {"entity1_id", "entity2_id"} <= names or {"entity1", "entity2"} <= names:
        return "LittleSis", LITTLESIS_RELATIONSHIPS
    if "name" in names and ("primary_ext" in names or "blurb" in names):
        return "LittleSis", LITTLESIS_ENTITIES
    if "name" in names:
        return "Onodo", ONODO_NODES
    return None


def renamed(header, mapping: dict) -> list:
    """The header with its mapped columns renamed (case-insensitively); a column mapped to
    None keeps its name, one mapped to IGNORE is blanked (and so not read)."""
    wanted = {str(name).casefold(): field for name, field in mapping.items()}
    out = []
    for cell in header:
        field = wanted.get(values.text(cell).casefold())
        if field == IGNORE:
            out.append("")
        elif field:
            out.append(field)
        else:
            out.append(cell)
    return out


def header_key(header) -> str:
    """A header as the key of a remembered mapping: its names case-folded, in order."""
    return "\t".join(values.text(c).casefold() for c in header)[:2000]


def check_mapping(header, mapping) -> dict[str, str]:
    """A user's mapping, checked: every key a column of the file, every value a field Weft
    knows (or IGNORE, or blank for a custom field), no field twice. Raises ValueError naming
    the column."""
    if not isinstance(mapping, dict):
        raise ValueError("the mapping must be an object of column: field")
    columns = {values.text(c).casefold(): values.text(c) for c in header if values.text(c)}
    checked: dict[str, str] = {}
    taken: dict[str, str] = {}
    for column, field in mapping.items():
        name = values.text(column)
        if name.casefold() not in columns:
            raise ValueError(f"the file has no column {name!r}")
        field = values.text(field)
        if field and field != IGNORE and field not in FIELDS:
            raise ValueError(f"{field!r} is not a field Weft knows (column {name!r})")
        if field and field != IGNORE:
            if field in taken:
                raise ValueError(
                    f"columns {taken[field]!r} and {name!r} are both mapped to {field}"
                )
            taken[field] = name
        if field:
            checked[columns[name.casefold()]] = field
    return checked
