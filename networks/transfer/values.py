"""Cell values read the way people type them: kinds by name and synonym, yes/no, strengths,
dates. Each reader returns the value or raises ValueError with the message a user reads."""

import datetime
import re

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
    "foundation": "organisation",
    "funder": "organisation",
    "corporation": "organisation",
    "firm": "organisation",
    "government": "institution",
    "school": "institution",
    "other": "other",
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
    "employee": "affiliation",
    "employment": "affiliation",
    "board member": "affiliation",
    "works for": "affiliation",
    "investment": "funding",
    "investor": "funding",
    "invests in": "funding",
    "donor": "funding",
    # LittleSis's relationship categories.
    "position": "affiliation",
    "membership": "affiliation",
    "education": "affiliation",
    "hierarchy": "affiliation",
    "ownership": "affiliation",
    "donation": "funding",
    "transaction": "funding",
    "lobbying": "influence",
    "professional": "collaboration",
    "social": "trust",
    "generic": "collaboration",
    "other": "other",
}
DEFAULT_TIE_KIND = "collaboration"

DIRECTIONS = {
    "undirected": "undirected",
    "directed": "directed",
    "mutual": "mutual",
    "both": "mutual",
    "bidirectional": "mutual",
    # Onodo's Directed column.
    "1": "directed",
    "0": "undirected",
    "true": "directed",
    "false": "undirected",
    "yes": "directed",
    "no": "undirected",
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


# Kumu's words for a strength (and their usual variants), on Weft's scale.
STRENGTH_WORDS = {
    "very weak": 1,
    "weakest": 1,
    "weak": 2,
    "low": 2,
    "medium": 3,
    "moderate": 3,
    "average": 3,
    "normal": 3,
    "strong": 4,
    "high": 4,
    "very strong": 5,
    "strongest": 5,
    "very high": 5,
}
OTHER = "other"


def _word(value) -> str:
    return " ".join(text(value).casefold().replace("_", " ").split())


def kind_and_label(value, table: dict, default: str) -> tuple[str, str, bool]:
    """A free-text type read the way Kumu users write it: (Weft's kind, the type label to
    keep, whether it matched). A word that is a kind or a synonym maps to it, and is kept as
    the label unless it is the kind itself; any other word is ``other``, kept as the label
    (never refused). A blank is the default kind, no label."""
    raw = text(value)[:120]
    word = _word(raw)
    if not word:
        return default, "", True
    if word in table:
        kind = table[word]
        return kind, ("" if word == kind else raw), True
    return OTHER, raw, False


def actor_type(value) -> tuple[str, str, bool]:
    return kind_and_label(value, ACTOR_KINDS, DEFAULT_ACTOR_KIND)


def tie_type(value) -> tuple[str, str, bool]:
    return kind_and_label(value, TIE_KINDS, DEFAULT_TIE_KIND)


def weight(value) -> float | None:
    """A positive number (a weight as Gephi or Kumu writes it), or None for a blank."""
    if isinstance(value, bool):
        raise ValueError(f"weight {value!r} is not a number")
    raw = text(value)
    if not raw:
        return None
    try:
        number = float(raw.replace(",", ".") if raw.count(",") == 1 and "." not in raw else raw)
    except ValueError:
        raise ValueError(f"weight {raw!r} is not a number") from None
    if not number > 0 or number != number or number == float("inf"):
        raise ValueError(f"weight {raw} must be a positive number")
    return number


def strength_or_weight(value) -> tuple[int | None, float | None, str]:
    """A Strength cell: (strength 1–5, weight to scale, original text). A whole number from 1
    to 5 is a strength as it is; Kumu's words ("Strong") map onto 1–5 with the word kept;
    any other positive number is a weight, mapped by the file's range later."""
    raw = text(value)
    if not raw:
        return None, None, ""
    word = _word(raw)
    if word in STRENGTH_WORDS:
        return STRENGTH_WORDS[word], None, raw
    try:
        float(raw.replace(",", "."))
    except ValueError:
        words = ", ".join(STRENGTH_WORDS)
        raise ValueError(
            f"strength {raw!r} is neither a number nor a word Weft knows ({words})"
        ) from None
    number = weight(raw)
    if number is not None and number.is_integer() and 1 <= number <= 5:
        return int(number), None, ""
    return None, number, ""


def scale_weight(value: float, low: float, high: float) -> int | None:
    """A weight mapped into Weft's strengths 1–5 by the file's range (linear; the lightest
    tie 1, the heaviest 5). None when every weight of the file is the same: they tell no
    tie from another."""
    if high <= low:
        return None
    return 1 + round(4 * (value - low) / (high - low))


def typed(value):
    """A cell kept as a custom field: numbers stay numbers (a text cell that is a plain
    integer or decimal becomes one; "02134" and "1e5" stay text), everything else text."""
    if isinstance(value, bool | int | float):
        return value
    raw = text(value)
    if _INTEGER.fullmatch(raw):
        return int(raw)
    if _DECIMAL.fullmatch(raw):
        return float(raw)
    return raw


_INTEGER = re.compile(r"-?(?:0|[1-9]\d{0,15})")
_DECIMAL = re.compile(r"-?(?:0|[1-9]\d{0,15})\.\d+(?:[eE][-+]?\d{1,3})?")


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
