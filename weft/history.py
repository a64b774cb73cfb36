"""Reading the history every editable item keeps (django-simple-history) in the API's terms:
who, when, what kind of change, and which fields went from what to what."""

from rest_framework import serializers

from weft.versions import ANY_VERSION, require_version

HISTORY_TYPES = {"+": "created", "~": "changed", "-": "deleted"}
# Bookkeeping fields that change on every save and say nothing to a person.
QUIET_FIELDS = ["version", "updated_at", "created_at"]


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)


class HistoryEntrySerializer(serializers.Serializer):
    history_id = serializers.IntegerField()
    change = serializers.ChoiceField(choices=list(HISTORY_TYPES.values()))
    changed_by = serializers.CharField(allow_null=True)
    changed_at = serializers.DateTimeField()
    version = serializers.IntegerField(allow_null=True)
    changes = FieldChangeSerializer(many=True)


def history_entries(access, records) -> list[dict]:
    """Entries newest first for historical ``records`` already scoped to the coalition. An
    item that is (or was) sensitive has no history for roles that may not see it."""
    from django.http import Http404

    rows = list(records.select_related("history_user").order_by("history_date", "history_id"))
    if not rows:
        raise Http404("No such item.")
    if not access.sees_sensitive and any(getattr(r, "is_sensitive", False) for r in rows):
        raise Http404("No such item.")
    entries = []
    previous = None
    for record in rows:
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous, excluded_fields=QUIET_FIELDS)
            changes = [
                {"field": c.field, "old": _plain(c.old), "new": _plain(c.new)}
                for c in sorted(delta.changes, key=lambda c: c.field)
            ]
        entries.append(
            {
                "history_id": record.history_id,
                "change": HISTORY_TYPES[record.history_type],
                "changed_by": record.history_user.get_username() if record.history_user else None,
                "changed_at": record.history_date,
                "version": getattr(record, "version", None),
                "changes": changes,
            }
        )
        previous = record
    return list(reversed(entries))


def _plain(value):
    """JSON-friendly field values (dates as ISO text, model ids as ids)."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


def restore_row(
    record, *, user, reason: str, expected_version=ANY_VERSION, what: str = "This item"
):
    """Put the state a history record holds back in place: over the current row (a change
    like any other, so its version moves on), or as the row again if it was deleted.
    ``expected_version`` is the version the restore was asked on (a page's hidden field, the
    API's If-Match): a restore over a row changed since is refused, naming who changed it.
    Returns the row and whether it was re-created."""
    row = record.instance
    current = type(row).objects.select_for_update().filter(pk=row.pk).first()
    if current is not None and hasattr(current, "version"):
        require_version(current, expected_version, what=what)
    row._history_user = user
    row._change_reason = reason
    if current is None:
        row.save(force_insert=True)
        return row, True
    if hasattr(current, "version"):
        row.version = current.version
    row._state.adding = False
    row.save()
    return row, False
