"""Checks that services share. Each refusal names the field at fault, and a service checks
before it writes, so nothing is half written."""

from weft.errors import ApplicationError


def require_text(value: str, *, field: str, what: str) -> str:
    """The text without surrounding blanks; refused when nothing is left."""
    value = (value or "").strip()
    if not value:
        raise ApplicationError(f"{what} must not be blank.", field=field)
    return value


def require_actor_of(coalition, actor, *, field: str) -> None:
    """``actor`` must be an actor of ``coalition`` (a row of another coalition is refused as
    if it did not exist)."""
    if actor is None or actor.coalition_id != coalition.pk:
        raise ApplicationError("Choose an actor of this coalition.", field=field)


def require_dates_in_order(started, ended, *, start: str, end: str) -> None:
    """An end date on or after its start date; refused naming the end field."""
    if started and ended and ended < started:
        raise ApplicationError(f"must be on or after {start} ({started}).", field=end)
