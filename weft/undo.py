"""Undo of a destructive action taken on a page. The service that deleted (or removed) returns
what it did as plain data (an undo record: ids, never personal data in the URL); the page keeps
it in the session of who did it, behind a one-time token, until it is undone or replaced by the
next one. The undo button posts the token, and the page hands the record back to the service
that undoes it (as the map table's bulk edit does, networks/map/bulk_pages.py)."""

import uuid

SESSION_KEY = "weft_undo_{page}_{coalition_id}"


def offer(request, *, page: str, coalition_id: int, summary: str, record: dict) -> None:
    """Offer to undo ``record`` on ``page`` (replacing the previous offer there)."""
    request.session[SESSION_KEY.format(page=page, coalition_id=coalition_id)] = {
        "token": uuid.uuid4().hex,
        "summary": summary,
        "record": record,
    }


def pending(request, *, page: str, coalition_id: int) -> dict | None:
    """The undo this person is offered on ``page``, if any (its token and summary)."""
    return request.session.get(SESSION_KEY.format(page=page, coalition_id=coalition_id))


def posted(request, *, page: str, coalition_id: int) -> dict | None:
    """The undo record the posted token names; None when there is none, or the token is not
    the one offered (undone already, or replaced by a newer offer)."""
    offered = pending(request, page=page, coalition_id=coalition_id)
    if not offered or offered["token"] != request.POST.get("token"):
        return None
    return offered["record"]


def clear(request, *, page: str, coalition_id: int) -> None:
    """The offer is used up (undone)."""
    request.session.pop(SESSION_KEY.format(page=page, coalition_id=coalition_id), None)
