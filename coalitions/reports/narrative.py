"""A report's narrative: the organizers' story of the period, in Markdown, rendered with the
few tags a report needs."""

from django.utils.safestring import SafeString

from weft.markdown import render_markdown

NARRATIVE_TAGS = frozenset(
    {"p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "h3", "h4", "a"}
)


def render_narrative(text: str) -> SafeString:
    """The narrative as HTML that cannot run anything: text tags and plain links only."""
    return render_markdown(text, tags=NARRATIVE_TAGS)
