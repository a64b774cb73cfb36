"""Writing many rows at once. On PostgreSQL with COPY, which takes a 25,000-tie import from
about ten seconds of ``bulk_create`` (most of it spent compiling INSERT statements and
preparing values one by one) to well under one (bench/import_bench.py); elsewhere (SQLite, the
embedded mode) with Django's bulk_create. The rows are the same either way: same defaults,
same timestamps, same history rows as django-simple-history's ``bulk_create_with_history``.

Rows come in as plain values (``insert_with_history``), not model instances: building 25,000
instances and reading their fields back one by one costs more than writing them. On
PostgreSQL each row is encoded once, by one encoder per column chosen from the field's type;
the columns every row shares (timestamps, defaults) are encoded once for all rows, and the
history row of each object is its own line with the history's columns after it.
"""

import datetime
import io
import json
from collections.abc import Callable, Iterable, Sequence

from django.db import connection, models
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

BATCH = 5000
NULL = "\\N"
TAB = "\t"
_ESCAPES = str.maketrans({"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def copy_value(value) -> str:
    """A Python value in COPY's text format."""
    if value is None:
        return NULL
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
    copy_lines(table, columns, ("\t".join(copy_value(value) for value in row) for row in rows))


def copy_lines(table: str, columns: Sequence[str], lines: Iterable[str]) -> None:
    """COPY rows already in COPY's text format (one line each, no newline) into ``table``."""
    buffer = io.StringIO()
    for line in lines:
        buffer.write(line)
        buffer.write("\n")
    buffer.seek(0)
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    # The driver's cursor (Django's has no COPY), its errors raised as Django's (a refused
    # row is an IntegrityError, as with bulk_create).
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.cursor.copy_expert(
            f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN",  # noqa: S608
            buffer,
        )


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` new primary keys from the table's own sequence, in ascending order."""
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_agg(nextval(pg_get_serial_sequence(%s, %s))) FROM generate_series(1, %s)",
            [table, column, count],
        )
        return sorted(cursor.fetchone()[0])


def _text(value) -> str:
    return NULL if value is None else str(value).translate(_ESCAPES)


def _number(value) -> str:
    return NULL if value is None else repr(value) if isinstance(value, float) else str(value)


def _boolean(value) -> str:
    return NULL if value is None else "t" if value else "f"


def _encoder(field: models.Field) -> Callable[[object], str]:
    """How one column's values are written in COPY's text format (None is NULL)."""
    if isinstance(field, models.JSONField):
        encoder = field.encoder

        def json_value(value) -> str:
            if value is None:
                return NULL
            return json.dumps(value, cls=encoder).translate(_ESCAPES)

        return json_value
    if isinstance(field, models.BooleanField):
        return _boolean
    if isinstance(field, models.ForeignKey):
        return _encoder(field.target_field)
    if isinstance(field, models.IntegerField | models.FloatField):
        return _number
    if isinstance(field, models.CharField | models.TextField):
        return _text
    return copy_value  # dates, times, decimals, anything else: by the value's own type


def _own_fields(model: type[models.Model]) -> list[models.Field]:
    return [field for field in model._meta.concrete_fields if not field.primary_key]


def _shared_value(field: models.Field, now: datetime.datetime):
    """The value of a column no row gives: now for auto_now(_add) fields, else the default."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now if isinstance(field, models.DateTimeField) else now.date()
    return field.get_default()


def insert_with_history(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Sequence],
    *,
    user=None,
) -> list[int]:
    """Insert ``rows`` (plain values of ``columns``, attnames of ``model``'s fields) and one
    "created" history row each (who: ``user``). A field not in ``columns`` takes its default,
    or now for auto_now(_add). Returns the new primary keys, in the order of ``rows``. Like
    bulk_create: no save(), no signals, no full_clean (the caller checked the values)."""
    if not rows:
        return []
    given = set(columns)
    by_attname = {field.attname: field for field in _own_fields(model)}
    unknown = given - by_attname.keys()
    if unknown:
        raise ValueError(f"{model.__name__} has no column {sorted(unknown)}")
    if connection.vendor != "postgresql":
        objs = [model(**dict(zip(columns, row, strict=True))) for row in rows]
        bulk_create_with_history(objs, model, batch_size=BATCH, default_user=user)
        return [obj.pk for obj in objs]
    now = timezone.now()
    encoders = [_encoder(by_attname[attname]) for attname in columns]
    if any(len(row) != len(columns) for row in rows):
        raise ValueError(f"every row gives the {len(columns)} columns {list(columns)}")
    shared = [field for field in by_attname.values() if field.attname not in given]
    # The columns every row shares, written once: "\t" + their values.
    tail = "".join(TAB + _encoder(field)(_shared_value(field, now)) for field in shared)
    ids = reserve_ids(model, len(rows))
    lines = [
        # zip without strict: every row's length was checked above, once.
        f"{pk}{TAB}{TAB.join([enc(value) for enc, value in zip(encoders, row)])}{tail}"  # noqa: B905
        for pk, row in zip(ids, rows, strict=True)
    ]
    attnames = [model._meta.pk.attname, *columns, *(field.attname for field in shared)]
    copy_lines(model._meta.db_table, [by_column(model, a) for a in attnames], lines)
    _copy_created_history(model, attnames, lines, user=user, when=now)
    return ids


def by_column(model: type[models.Model], attname: str) -> str:
    """The column of the field ``attname`` of ``model``."""
    return next(field.column for field in model._meta.concrete_fields if field.attname == attname)


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
    fields = _own_fields(model)
    for field in fields:
        # What the auto_now and auto_now_add fields' pre_save would set: COPY does not call it.
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for obj in objs:
                setattr(obj, field.attname, now)
    columns = [field.attname for field in fields]
    ids = insert_with_history(
        model,
        columns,
        [[getattr(obj, attname) for attname in columns] for obj in objs],
        user=user,
    )
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs


def _copy_created_history(
    model: type[models.Model], attnames: list[str], lines: list[str], *, user, when
) -> None:
    """One "created" history row per object: its own line (``attnames``, as written to the
    model's table), then who (``user``) and when, the same for every row."""
    history_model = getattr(model, model._meta.simple_history_manager_attribute).model
    recorded = {
        "history_date": when,
        "history_type": "+",
        "history_user_id": getattr(user, "pk", None),
        "history_change_reason": None,
    }
    own = set(attnames)
    columns = [by_column(history_model, attname) for attname in attnames]
    suffix = ""
    for field in history_model._meta.concrete_fields:
        if field.attname in own or field.attname == "history_id":
            continue  # the object's own values; the history table's own key
        value = recorded[field.attname] if field.attname in recorded else field.get_default()
        columns.append(field.column)
        suffix += "\t" + copy_value(value)
    copy_lines(history_model._meta.db_table, columns, (line + suffix for line in lines))


def upsert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Sequence],
    *,
    unique: Sequence[str],
    update: Sequence[str],
) -> None:
    """Insert ``rows`` (plain values of ``columns``, attnames), or update the ``update``
    columns of the row with the same ``unique`` columns; auto_now fields are set to now.
    On PostgreSQL one statement over arrays (``unnest``): no per-row SQL to compile."""
    if not rows:
        return
    now = timezone.now()
    by_attname = {field.attname: field for field in _own_fields(model)}
    stamped = [
        attname
        for attname, field in by_attname.items()
        if getattr(field, "auto_now", False) and attname not in columns
    ]
    attnames = [*columns, *stamped]
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            [model(**dict(zip(columns, row, strict=True))) for row in rows],
            batch_size=BATCH,
            update_conflicts=True,
            unique_fields=[by_attname[a].name for a in unique],
            update_fields=[by_attname[a].name for a in [*update, *stamped]],
        )
        return
    fields = [by_attname[attname] for attname in attnames]
    arrays = [list(values) for values in zip(*rows, strict=True)]
    arrays += [[now] * len(rows) for _ in stamped]
    quote = connection.ops.quote_name
    # Names and types come from model metadata, never from input; the values are parameters.
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608
        f"({', '.join(quote(f.column) for f in fields)}) "
        f"SELECT * FROM unnest({', '.join(f'%s::{f.db_type(connection)}[]' for f in fields)}) "
        f"ON CONFLICT ({', '.join(quote(by_attname[a].column) for a in unique)}) DO UPDATE SET "
        + ", ".join(
            f"{quote(by_attname[a].column)} = EXCLUDED.{quote(by_attname[a].column)}"
            for a in [*update, *stamped]
        )
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, arrays)
