"""Optimistic concurrency, one rule for every write: a change names the version of the item
it was made on (the API's If-Match or ``version``, a form's hidden version), the service
compares it with the row it has locked, and a stale change is refused with 412
``stale_version`` naming who changed the item, when and which fields. Nothing is overwritten
silently, on the API or on a page."""

import re

from django.utils import timezone

from weft.errors import ApplicationError


class _AnyVersion:
    """``If-Match: *``: the write applies to whatever version is current (RFC 9110)."""

    def __repr__(self) -> str:
        return "ANY_VERSION"


ANY_VERSION = _AnyVersion()


class VersionRequired(ApplicationError):
    lists_field = False

    def __init__(self, message: str = ""):
        super().__init__(
            message
            or "Say which version you are changing: an If-Match header with the item's ETag, "
            "or a 'version' field.",
            field="version",
            status=428,
            code="version_required",
        )


class StaleVersion(ApplicationError):
    """The item moved on since the change was prepared. Carries the item as it now is, so the
    API can answer with it and a page can name who changed it."""

    lists_field = False

    def __init__(self, instance, *, what: str, change: dict | None = None, message: str = ""):
        self.instance = instance
        # Who changed it, when and which fields: from the item's history, unless the caller
        # knows better (a report's narrative keeps its own record).
        self.change = last_change_of(instance) if change is None else change
        who = self.change.get("changed_by") or "someone"
        at = self.change.get("changed_at")
        when = f" at {timezone.localtime(at):%Y-%m-%d %H:%M}" if at else ""
        super().__init__(
            message
            or f"{what} was changed by {who}{when} since you opened it; your change was not "
            "saved. Reload to see the new version, then make your change again.",
            field="version",
            status=412,
            code="stale_version",
        )

    # The item as the API shows it to the writer, attached by the view that answers.
    current: dict | None = None

    def as_dict(self) -> dict:
        body = {**super().as_dict(), "current_version": self.instance.version, **self.change}
        if self.current is not None:
            body["current"] = self.current
        return body


def is_current(instance, expected) -> bool:
    """Whether ``expected`` names ``instance``'s current version. ``expected``: a version (a
    number, or a form's text), a set of versions (an If-Match list), or ANY_VERSION."""
    if expected is ANY_VERSION:
        return True
    if isinstance(expected, frozenset | set):
        return instance.version in expected
    try:
        return instance.version == int(expected)
    except (TypeError, ValueError):
        raise VersionRequired(
            "The form did not say which version it changes: reload the page."
        ) from None


def require_version(instance, expected, *, what: str) -> None:
    """Refuse a change made on another version of ``instance`` than its current one (the
    caller holds the row lock)."""
    if not is_current(instance, expected):
        raise StaleVersion(instance, what=what)


# An entity tag (RFC 9110, 8.8.3): an optional weak mark, then any text but quotes in quotes.
_ENTITY_TAG = re.compile(r'\s*(?:W/)?"([^"]*)"\s*(?:,|$)')


def versions_in_if_match(header: str) -> frozenset[int] | _AnyVersion:
    """The versions an If-Match header names: ``*`` is any current version; otherwise a list
    of entity tags (``"3"``, ``W/"3"``, ``"3", "4"``). A well-formed tag that names no
    version of ours (``"abc"``) is simply never current, so the write gets 412 (RFC 9110,
    13.1.1); a malformed header is a 400."""
    value = header.strip()
    if value == "*":
        return ANY_VERSION
    versions, position = set(), 0
    while position < len(value):
        match = _ENTITY_TAG.match(value, position)
        if match is None or match.end() == position:
            raise ApplicationError(
                'If-Match must be the ETag of the item, for example "3" (or *).',
                field="If-Match",
                code="parse_error",
            )
        if match.group(1).isdigit():
            versions.add(int(match.group(1)))
        position = match.end()
    return frozenset(versions)


def last_change_of(instance) -> dict:
    """Who changed an item last, when, and which fields: what a person needs to understand a
    conflict. From the history the item keeps (django-simple-history)."""
    history = getattr(instance, "history", None)
    if history is None:
        return {}
    records = list(history.select_related("history_user").order_by("-history_id")[:2])
    if not records:
        return {}
    latest = records[0]
    changed = []
    if len(records) == 2:
        delta = latest.diff_against(records[1], excluded_fields=["version", "updated_at"])
        changed = sorted(change.field for change in delta.changes)
    return {
        "changed_by": latest.history_user.get_username() if latest.history_user else None,
        "changed_at": latest.history_date,
        "changed_fields": changed,
    }
