"""What every API view shares: errors, pagination, throttles, the coalition-scoped viewset with
optimistic concurrency (version, ETag, If-Match) and history.

Views stay thin: they resolve the user's access to the coalition through the roles module,
validate with a serializer, call one service, and answer.
"""

from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions

from weft.drf import PreconditionFailed, PreconditionRequired


# ---------------------------------------------------------------------------------------------
# Versions
def parse_if_match(header: str | None) -> int | None:
    """The version an If-Match header names: ``"3"`` or ``W/"3"``; None when absent or ``*``."""
    if not header:
        return None
    value = header.strip()
    if value == "*":
        return None
    if value.startswith("W/"):
        value = value[2:]
    value = value.strip('"')
    try:
        return int(value)
    except ValueError:
        raise exceptions.ParseError(
            {"If-Match": 'must be the ETag of the item, for example "3".'}
        ) from None


def etag_for(instance) -> str:
    return f'"{instance.version}"'


def expected_version(request) -> int:
    """The version a write says it is changing: If-Match first, else a 'version' field.
    Neither is a 428: a write that does not say what it changes could overwrite anything."""
    from_header = parse_if_match(request.headers.get("If-Match"))
    if from_header is not None:
        return from_header
    body_version = request.data.get("version") if hasattr(request.data, "get") else None
    if body_version is None:
        raise PreconditionRequired()
    try:
        return int(body_version)
    except (TypeError, ValueError):
        raise exceptions.ValidationError({"version": "must be a whole number."}) from None


def check_version(instance, expected: int, serializer_for) -> None:
    """412 when the item moved on since the client read it, with the item as it is now and
    who changed it, so the client can show the conflict and reload."""
    if instance.version != expected:
        error = PreconditionFailed()
        error.current = {
            "current_version": instance.version,
            "current": serializer_for(instance).data,
            **last_change_of(instance),
        }
        raise error


IF_MATCH = OpenApiParameter(
    name="If-Match",
    location=OpenApiParameter.HEADER,
    required=False,
    description="The ETag (version) of the item you are changing; a stale one gets 412. "
    "Required unless the body carries 'version'.",
)


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
