"""Undo of a destructive action taken on a page. The service that deleted (or removed) returns
what it did as plain data (an undo record: ids, never personal data in the URL); the page keeps
it in the session of who did it, behind a one-time token, until it is undone or replaced by the
next one. The undo button posts the token, and the page hands the record back to the service
that undoes it. Every page that offers an undo uses this module.

An offer lasts UNDO_MINUTES: a record may hold what the deletion took with it (an action's
comments), and it should not stay in a session for the session's two weeks. An expired offer
is dropped from the session the next time the page reads it."""

import time
import uuid

UNDO_MINUTES = 30

SESSION_KEY = "weft_undo_{page}_{coalition_id}"


def offer(request, *, page: str, coalition_id: int, summary: str, record: dict) -> None:
    """Offer to undo ``record`` on ``page`` (replacing the previous offer there)."""
    request.session[SESSION_KEY.format(page=page, coalition_id=coalition_id)] = {
        "token": uuid.uuid4().hex,
        "offered_at": int(time.time()),
        "summary": summary,
        "record": record,
    }


def pending(request, *, page: str, coalition_id: int) -> dict | None:
    """The undo this person is offered on ``page``, if any (its token and summary)."""
    key = SESSION_KEY.format(page=page, coalition_id=coalition_id)
    offered = request.session.get(key)
    if offered and time.time() - offered.get("offered_at", 0) > UNDO_MINUTES * 60:
        del request.session[key]
        return None
    return offered


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
