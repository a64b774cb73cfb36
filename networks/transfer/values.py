"""Cell values read the way people type them: kinds by name and synonym, yes/no, strengths,
dates. Each reader returns the value or raises ValueError with the message a user reads."""

import datetime

from weft.vocabulary import AllyKind, ContactKind, InteractionKind, Stance

ACTOR_KINDS = {
    "organisation": "organisation",
    "organization": "organisation",
    "org": "organisation",
    "ngo": "organisation",
    "nonprofit": "organisation",
    "non-profit": "organisation",
    "charity": "organisation",
    "company": "organisation",
    "business": "organisation",
    "union": "organisation",
    "person": "person",
    "individual": "person",
    "people": "person",
    "activist": "person",
    "group": "group",
    "network": "group",
    "collective": "group",
    "coalition": "group",
    "community": "group",
    "institution": "institution",
    "agency": "institution",
    "government agency": "institution",
    "department": "institution",
    "ministry": "institution",
    "university": "institution",
    "public body": "institution",
    "official": "official",
    "politician": "official",
    "elected official": "official",
    "decision maker": "official",
    "decision-maker": "official",
    "representative": "official",
}
DEFAULT_ACTOR_KIND = "organisation"

TIE_KINDS = {
    "collaboration": "collaboration",
    "collaborates": "collaboration",
    "partner": "collaboration",
    "partnership": "collaboration",
    "works with": "collaboration",
    "affiliation": "affiliation",
    "member": "affiliation",
    "member of": "affiliation",
    "funding": "funding",
    "funds": "funding",
    "funder": "funding",
    "grant": "funding",
    "communication": "communication",
    "communicates": "communication",
    "trust": "trust",
    "influence": "influence",
    "influences": "influence",
    "conflict": "conflict",
    "opposes": "conflict",
}
DEFAULT_TIE_KIND = "collaboration"

DIRECTIONS = {
    "undirected": "undirected",
    "directed": "directed",
    "mutual": "mutual",
    "both": "mutual",
    "bidirectional": "mutual",
}
DEFAULT_DIRECTION = "undirected"

STANCES = tuple(Stance.values)
ALLY_KINDS = tuple(AllyKind.values)
CONTACT_KINDS = tuple(ContactKind.values)
INTERACTION_KINDS = tuple(InteractionKind.values)

_TRUE = {"yes", "y", "true", "1", "x", "sensitive"}
_FALSE = {"no", "n", "false", "0", ""}


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def _choice(value, table: dict, default: str, what: str) -> str:
    word = " ".join(text(value).casefold().replace("_", " ").split())
    if not word:
        return default
    if word in table:
        return table[word]
    choices = ", ".join(sorted(set(table.values())))
    raise ValueError(f"unknown {what} {text(value)!r}: use one of {choices}")


def actor_kind(value) -> str:
    return _choice(value, ACTOR_KINDS, DEFAULT_ACTOR_KIND, "type")


def tie_kind(value) -> str:
    return _choice(value, TIE_KINDS, DEFAULT_TIE_KIND, "connection type")


def direction(value) -> str:
    return _choice(value, DIRECTIONS, DEFAULT_DIRECTION, "direction")


def enum(value, choices: tuple[str, ...], what: str) -> str | None:
    word = "_".join(text(value).casefold().replace("-", " ").split())
    if not word:
        return None
    if word in choices:
        return word
    raise ValueError(f"unknown {what} {text(value)!r}: use one of {', '.join(choices)}")


def boolean(value) -> bool:
    if isinstance(value, bool):
        return value
    word = text(value).casefold()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ValueError(f"{text(value)!r} is not yes or no")


def whole_number(value, low: int, high: int, what: str) -> int | None:
    raw = text(value)
    if not raw:
        return None
    try:
        number = float(raw)
    except ValueError:
        raise ValueError(f"{what} {raw!r} is not a number") from None
    if not number.is_integer() or not low <= number <= high:
        raise ValueError(f"{what} {raw} is out of range: use a whole number from {low} to {high}")
    return int(number)


def date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    raw = text(value)
    if not raw:
        return None
    try:
        return datetime.date.fromisoformat(raw[:10])
    except ValueError:
        raise ValueError(f"{raw!r} is not a date (use YYYY-MM-DD)") from None


def tags(value) -> list[str]:
    seen = []
    for tag in text(value).split("|"):
        tag = tag.strip()[:80]
        if tag and tag not in seen:
            seen.append(tag)
    return seen


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: str) -> str:
    """A cell a spreadsheet would run as a formula, made inert with a leading apostrophe
    (OWASP's advice for CSV injection)."""
    if value and value.startswith(FORMULA_START):
        return "'" + value
    return value


def restore_formula_text(value: str) -> str:
    """The inverse on import, so an exported then re-imported "=SUM" stays "=SUM"."""
    if len(value) > 1 and value[0] == "'" and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value
