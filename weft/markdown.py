"""The one Markdown renderer (markdown-it-py, CommonMark) with the one sanitiser (nh3, the
Ammonia library), for unity statements and report narratives alike. What people type is shown,
never run: raw HTML is shown as the text it is, a link that is not to the web or to an email
address stays text, and the sanitiser keeps only the tags a text may use (a second gate, should
the renderer ever let something through). Links open without telling the site they came
from."""

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})

# Everything CommonMark writes: a unity statement may use all of it.
DOCUMENT_TAGS = frozenset(
    {"p", "br", "hr", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a", "img"}
    | {f"h{level}" for level in range(1, 7)}
)
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})


def render_markdown(text: str, *, tags: frozenset[str] = DOCUMENT_TAGS) -> SafeString:
    """``text`` as HTML that cannot run anything, keeping only ``tags``."""
    html = nh3.clean(
        _markdown.render(text or ""),
        tags=set(tags),
        attributes={tag: names for tag, names in ATTRIBUTES.items() if tag in tags},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(html.rstrip("\n"))  # noqa: S308 - sanitised above
