"""Writing many rows at once. On PostgreSQL with COPY, which takes a 25,000-tie import from
about ten seconds of ``bulk_create`` (most of it spent compiling INSERT statements and
preparing values one by one) to well under one (bench/import_bench.py); elsewhere (SQLite, the
embedded mode) with Django's bulk_create. The rows are the same either way: same defaults,
same timestamps, same history rows as django-simple-history's ``bulk_create_with_history``.
"""

import io
import json
from collections.abc import Iterable, Sequence

from django.db import connection, models
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

BATCH = 5000
_ESCAPES = str.maketrans({"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def copy_value(value) -> str:
    """A Python value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).translate(_ESCAPES)


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """COPY plain rows into ``table`` (PostgreSQL only). ``table`` and ``columns`` come from
    model metadata, never from input."""
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(copy_value(value) for value in row))
        buffer.write("\n")
    buffer.seek(0)
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN",  # noqa: S608
            buffer,
        )


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` new primary keys from the table's own sequence, in ascending order."""
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, column, count],
        )
        return sorted(row[0] for row in cursor.fetchall())


def _db_value(field: models.Field, value):
    if value is not None and isinstance(field, models.JSONField):
        return json.dumps(value, cls=field.encoder)
    return value


def create_with_history(
    model: type[models.Model], objs: list[models.Model], *, user=None
) -> list[models.Model]:
    """Insert unsaved ``objs`` and one "created" history row each (who: ``user``); the objects
    get their primary keys. What ``bulk_create_with_history`` does, with COPY on PostgreSQL.
    Like bulk_create, no save() and no signals."""
    if not objs:
        return objs
    if connection.vendor != "postgresql":
        return bulk_create_with_history(objs, model, batch_size=BATCH, default_user=user)
    now = timezone.now()
    fields = list(model._meta.concrete_fields)
    _stamp_auto_times(fields, objs, now)
    for obj, pk in zip(objs, reserve_ids(model, len(objs)), strict=True):
        obj.pk = pk
    copy_rows(
        model._meta.db_table,
        [field.column for field in fields],
        ([_db_value(field, getattr(obj, field.attname)) for field in fields] for obj in objs),
    )
    _copy_created_history(model, objs, user=user, when=now)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs


def _stamp_auto_times(fields: list[models.Field], objs: list[models.Model], now) -> None:
    # What the auto_now and auto_now_add fields' pre_save would set: COPY does not call it.
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for obj in objs:
                setattr(obj, field.attname, now)


def _copy_created_history(model: type[models.Model], objs: list[models.Model], *, user, when):
    """One "created" history row per object: its own values, who (``user``) and when."""
    history_model = getattr(model, model._meta.simple_history_manager_attribute).model
    own = {field.attname for field in model._meta.concrete_fields}
    recorded = {
        "history_date": when,
        "history_type": "+",
        "history_user_id": getattr(user, "pk", None),
        "history_change_reason": None,
    }
    columns, getters = [], []
    for field in history_model._meta.concrete_fields:
        if field.attname == "history_id":
            continue  # the history table's own key
        columns.append(field.column)
        if field.attname in own:
            getters.append(_copied_from(model._meta.get_field(field.name), field.attname))
        else:
            value = recorded[field.attname] if field.attname in recorded else field.get_default()
            getters.append(lambda obj, value=value: value)
    copy_rows(
        history_model._meta.db_table, columns, ([get(obj) for get in getters] for obj in objs)
    )


def _copied_from(source: models.Field, attname: str):
    """A getter of the object's own value of ``source`` (read as ``attname``), as stored."""
    return lambda obj: _db_value(source, getattr(obj, attname))
