"""A statement's text: its paragraphs (what feedback comments point at) and the diff
between two versions."""

import difflib


def paragraphs_of(body: str) -> list[str]:
    """A text's paragraphs, as members comment on them: blocks separated by blank lines."""
    blocks = [block.strip() for block in (body or "").replace("\r\n", "\n").split("\n\n")]
    return [block for block in blocks if block]


def version_diff(older: str, newer: str) -> list[dict]:
    """Line by line difference of two texts: ``{"kind": "same"|"added"|"removed", "text"}``
    rows, the text escaped by the template as usual."""
    rows = []
    for line in difflib.ndiff(
        (older or "").replace("\r\n", "\n").splitlines(),
        (newer or "").replace("\r\n", "\n").splitlines(),
    ):
        marker, text = line[:2], line[2:]
        if marker == "? ":
            continue
        kind = {"+ ": "added", "- ": "removed"}.get(marker, "same")
        rows.append({"kind": kind, "text": text})
    return rows
