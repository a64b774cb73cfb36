"""Statement and comment text: Markdown rendered safely, paragraphs, and diffs between
versions. Plain functions, no Django models.

Markdown goes through markdown-it-py with raw HTML switched off: a ``<script>`` (or any tag)
in a statement is shown as text, never run, and links with a ``javascript:`` or ``data:``
address are not made links (markdown-it's own link validation).
"""

import difflib

from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def render_markdown(text: str) -> SafeString:
    return mark_safe(_markdown.render(text or ""))  # noqa: S308 - raw HTML is disabled above


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
