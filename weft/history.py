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


# -- Undoing a deletion made a moment ago (a page's delete button, weft/undo.py). The deletion
# service records what the row takes with it as plain data (ids, and a snapshot of dependent
# rows that keep no history), before it deletes; the undo brings the row back from the history
# record of its deletion, its dependents with history from theirs, and puts the links back.


def deletion_record(row) -> dict:
    """What deleting ``row`` takes with it, as plain JSON data for its undo: many-to-many
    links (both ways), rows whose link to it is set to null, rows deleted with it (by id when
    they keep history, else as a serialised snapshot). One level of dependents."""
    from django.core import serializers
    from django.db import models

    record = {
        "model": row._meta.label,
        "id": row.pk,
        "links": {},
        "set_null": {},
        "with_history": {},
        "snapshot": "",
    }
    for field in row._meta.many_to_many:
        record["links"][field.name] = _ids(getattr(row, field.name).all())
    snapshot = []
    for rel in row._meta.related_objects:
        accessor = rel.get_accessor_name()
        if rel.many_to_many:
            record["links"][accessor] = _ids(getattr(row, accessor).all())
            continue
        dependents = rel.related_model._default_manager.filter(**{rel.field.name: row})
        if rel.on_delete is models.SET_NULL:
            record["set_null"][accessor] = _ids(dependents)
        elif rel.on_delete is models.CASCADE and hasattr(rel.related_model, "history"):
            record["with_history"][accessor] = _ids(dependents)
        elif rel.on_delete is models.CASCADE:
            snapshot.extend(dependents.order_by("pk"))
    if snapshot:
        record["snapshot"] = serializers.serialize("json", snapshot)
    return record


def _ids(rows) -> list[int]:
    return sorted(rows.values_list("pk", flat=True))


def deletion_undo(record: dict, *, user, reason: str, what: str, **scope):
    """Bring back the row ``record`` (from ``deletion_record``) describes, with what it took
    with it. Refused (nothing restored) when the row exists again, or when something it points
    at, or a row made since, stands in the way (a name taken since, a group deleted since)."""
    from django.apps import apps
    from django.core import serializers
    from django.db import IntegrityError, transaction

    from weft.errors import ApplicationError

    model = apps.get_model(record["model"])
    try:
        with transaction.atomic():
            row = restore_deleted(model, record["id"], user=user, reason=reason, what=what, **scope)
            for accessor, ids in record["with_history"].items():
                related = model._meta.get_field(accessor).related_model
                restore_deleted_with(related, ids, user=user, reason=reason)
            if record["snapshot"]:
                for saved in serializers.deserialize("json", record["snapshot"]):
                    if not type(saved.object)._default_manager.filter(pk=saved.object.pk).exists():
                        saved.save()
            for accessor, ids in record["set_null"].items():
                field = model._meta.get_field(accessor).field
                dependents = field.model._default_manager.filter(
                    pk__in=ids, **{f"{field.name}__isnull": True}
                )
                dependents.update(**{field.name: row})
            for name, ids in record["links"].items():
                linked = getattr(row, name)
                linked.add(*linked.model._default_manager.filter(pk__in=ids))
    except IntegrityError:
        raise ApplicationError(
            f"{what} cannot be brought back: something made or deleted since stands in the way "
            "(its name is taken, or a row it points at is gone).",
            status=409,
            code="conflict",
        ) from None
    return row


def restore_deleted(model, pk: int, *, user, reason: str, what: str, **scope):
    """Bring back a row deleted a moment ago, from the history record of its deletion (the
    undo of a page's delete button). ``scope`` narrows the records (``coalition_id=...``) so
    no one restores a row of another coalition. Refused when the row exists again."""
    from weft.errors import ApplicationError

    if model._default_manager.filter(pk=pk).exists():
        raise ApplicationError(
            f"{what} exists again (restored from its history since): nothing to undo.",
            status=409,
            code="conflict",
        )
    record = model.history.filter(id=pk, history_type="-", **scope).order_by("-history_id").first()
    if record is None:
        raise ApplicationError(f"{what} has no deletion to undo.", status=404, code="not_found")
    if _points_at_missing(record):
        raise ApplicationError(
            f"{what} cannot be brought back: something it points at was deleted since.",
            status=409,
            code="conflict",
        )
    row, _ = restore_row(record, user=user, reason=reason)
    return row


def restore_deleted_with(model, pks, *, user, reason: str) -> list:
    """Bring back the rows of ``model`` deleted along with another (its cascade), those whose
    deletion history is found and which do not exist again."""
    existing = set(model._default_manager.filter(pk__in=pks).values_list("pk", flat=True))
    records = model.history.filter(history_type="-", id__in=set(pks) - existing)
    latest = {}
    for record in records.order_by("history_id"):
        latest[record.id] = record
    restored = []
    for record in latest.values():
        if _points_at_missing(record):
            continue  # e.g. a seat whose actor was deleted since
        restored.append(restore_row(record, user=user, reason=reason)[0])
    return restored


def _points_at_missing(record) -> bool:
    """Whether the historical row names a row (foreign key) that no longer exists."""
    for field in record.instance_type._meta.concrete_fields:
        if not field.is_relation:
            continue
        value = getattr(record, field.attname, None)
        if value is not None and not field.related_model._default_manager.filter(pk=value).exists():
            return True
    return False
