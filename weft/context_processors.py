"""What every page's template receives."""

from weft.vocabulary import browser_vocabulary


def vocabulary(request) -> dict:
    """The vocabulary (labels and colours of stances, kinds, phases…), which base.html writes
    into a JSON script tag for the page scripts."""
    return {"weft_vocabulary": browser_vocabulary()}
