"""Names normalised for matching, and the duplicate matcher.

Two spellings of one organisation ("The Tenants' Union, Inc." and "tenants union") should meet,
so names are compared after folding case and accents, dropping punctuation, a leading "The" and
legal suffixes. Fuzzy scores come from rapidfuzz's token-sort ratio, which forgives word order
("Union of Tenants" / "Tenants Union of") and small typos.
"""

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

# Legal forms, compared after punctuation is gone ("e.V." becomes "e v", "S.A." becomes "s a").
LEGAL_SUFFIXES = (
    "inc",
    "incorporated",
    "ltd",
    "limited",
    "llc",
    "llp",
    "plc",
    "corp",
    "corporation",
    "co",
    "company",
    "gmbh",
    "ggmbh",
    "ag",
    "e v",
    "ev",
    "s a",
    "sa",
    "sarl",
    "srl",
    "bv",
    "nv",
    "cic",
    "cio",
    "asbl",
    "vzw",
    "aisbl",
    "oy",
    "ab",
)
_SUFFIX = re.compile(r"(?:\s+(?:" + "|".join(re.escape(s) for s in LEGAL_SUFFIXES) + r"))+$")
_NON_WORD = re.compile(r"[^\w\s]+")
_SPACES = re.compile(r"[\s_]+")

# 100 is the same normalised name; below this a pair is not worth a person's look.
DEFAULT_THRESHOLD = 88


def normalise_name(name: str) -> str:
    """Case, accents, punctuation, a leading "The" and trailing legal forms removed.
    Falls back to the case-folded text when nothing would be left (a name that is only "Inc")."""
    folded = unicodedata.normalize("NFKD", name.casefold())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    folded = folded.replace("&", " and ").replace("'", "").replace("\u2019", "")
    words = _SPACES.sub(" ", _NON_WORD.sub(" ", folded)).strip()
    if words.startswith("the "):
        words = words[4:]
    stripped = _SUFFIX.sub("", words).strip()
    return stripped or words or name.strip().casefold()


@dataclass(frozen=True)
class Match:
    """A suggested duplicate: ``left`` and ``right`` are indexes (or ids) into the lists
    compared; ``score`` 0–100, 100 for the same normalised name."""

    left: object
    right: object
    score: float


def _sorted_tokens(name: str) -> str:
    return " ".join(sorted(name.split()))


def _numbers(sorted_name: str) -> str:
    """The name's numbers, in order: "local 12 seiu" → "12"."""
    return " ".join(word for word in sorted_name.split() if word.isdigit())


def _block_keys(sorted_name: str) -> set[str]:
    """Keys two names worth comparing share. Their numbers must be the same: "SEIU Local 12"
    and "SEIU Local 13" are two organisations however alike the rest (and a thousand names
    told apart by a number alone would otherwise all be compared with each other). Then the
    first or last three letters of the words, or a whole word of four letters or more.
    Comparing only names that share a key keeps 5,000 names at a few hundred thousand
    comparisons instead of 12.5 million."""
    numbers = _numbers(sorted_name)
    words = " ".join(word for word in sorted_name.split() if not word.isdigit()) or sorted_name
    keys = {"^" + words[:3], words[-3:] + "$"}
    keys.update(word for word in words.split() if len(word) >= 4)
    return {f"{numbers}|{key}" for key in keys}


class NameIndex:
    """Normalised names by key, for fuzzy look-ups (token-sort ratio, as rapidfuzz computes
    it: the ratio of the names with their words sorted)."""

    def __init__(self) -> None:
        self._sorted: dict[object, str] = {}
        self._blocks: dict[str, list[object]] = {}

    def add(self, key: object, name: str) -> None:
        if not name:
            return
        sorted_name = _sorted_tokens(name)
        self._sorted[key] = sorted_name
        for block in _block_keys(sorted_name):
            self._blocks.setdefault(block, []).append(key)

    def search(
        self, name: str, *, threshold: float = DEFAULT_THRESHOLD
    ) -> list[tuple[object, float]]:
        """Keys whose names score at least ``threshold`` against ``name``, best first."""
        if not name:
            return []
        sorted_name = _sorted_tokens(name)
        seen: set[object] = set()
        found = []
        for block in _block_keys(sorted_name):
            for key in self._blocks.get(block, ()):
                if key in seen:
                    continue
                seen.add(key)
                # (Same numbers guaranteed: the block keys start with them.)
                score = fuzz.ratio(sorted_name, self._sorted[key], score_cutoff=threshold)
                if score:
                    found.append((key, round(score, 1)))
        found.sort(key=lambda pair: (-pair[1], str(pair[0])))
        return found


def match_against(
    incoming: Sequence[str],
    existing: dict[object, str],
    *,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[Match]:
    """For each incoming name (by index), the best existing name (by key) scoring at least
    ``threshold``. Names must already be normalised."""
    index = NameIndex()
    for key, name in existing.items():
        index.add(key, name)
    matches = []
    for i, name in enumerate(incoming):
        found = index.search(name, threshold=threshold)
        if found:
            key, score = found[0]
            matches.append(Match(left=i, right=key, score=score))
    return matches


def match_within(names: dict[object, str], *, threshold: float = DEFAULT_THRESHOLD) -> list[Match]:
    """Pairs of likely duplicates among one set of normalised names, each pair once (the key
    seen first on the left), best first."""
    index = NameIndex()
    matches = []
    for key, name in names.items():
        for other, score in index.search(name, threshold=threshold):
            matches.append(Match(left=other, right=key, score=score))
        index.add(key, name)
    matches.sort(key=lambda m: (-m.score, str(m.left), str(m.right)))
    return matches
