"""The demo's time machine.

The demo coalition is written in one go, today, through the services a user's requests call,
and the services stamp what they write with the present: when a row was created, when its
history says it changed. A newcomer should open a coalition with eighteen months behind it, so
the builder notes, for each row it writes, when the demo's story has that write happen, and
once everything is written the time machine moves the stamps there. No user writes these
stamps (they are the clock's), which is why they are written here directly.
"""

import datetime
from collections import defaultdict

from django.db import connection, models

Moments = dict[int, list[datetime.datetime]]  # a row's id: the times of its writes, in order


class TimeMachine:
    """When each write of the demo happens in its story.

    ``stamped``: the models whose ``created_at`` (first write) and ``updated_at`` (last write)
    follow the story too. The others keep the load time there (ties, interactions, assessments
    and skill levels carry dates of their own, and the reports count undated ties by their
    creation), and only their history moves."""

    def __init__(self, *, stamped: tuple[type[models.Model], ...]):
        self.stamped = frozenset(stamped)
        self.moments: dict[type[models.Model], Moments] = defaultdict(dict)

    def happened(self, row: models.Model, when: datetime.datetime) -> None:
        """A service has just written ``row`` (created it, or changed it once more); in the
        story, that write happened at ``when``. Call it once per write, in order."""
        self.moments[type(row)].setdefault(row.pk, []).append(when)

    def travel(self) -> None:
        """Move every noted row's stamps, and its history records, to the story's times."""
        for model, moments in self.moments.items():
            if model in self.stamped:
                _stamp_rows(model, moments)
            history = getattr(model, "history", None)
            if history is not None:
                _stamp_history(history.model, moments)


def _stamp_rows(model: type[models.Model], moments: Moments) -> None:
    stamps = {"created_at": 0, "updated_at": -1}  # the first write, the last one
    names = {field.name for field in model._meta.concrete_fields}
    fields = [model._meta.get_field(name) for name in stamps if name in names]
    rows = [(pk, [when[stamps[field.name]] for field in fields]) for pk, when in moments.items()]
    _update_each(model, fields, rows)


def _stamp_history(historical, moments: Moments) -> None:
    """The n-th history record of a row gets the n-th moment noted for it (a service that
    wrote more records than the builder noted leaves the extra ones at the last moment)."""
    records = (
        historical._default_manager.filter(id__in=list(moments))
        .order_by("history_id")
        .values_list("history_id", "id")
    )
    seen: dict[int, int] = defaultdict(int)
    rows = []
    for history_id, row_id in records:
        times = moments[row_id]
        nth = min(seen[row_id], len(times) - 1)
        seen[row_id] += 1
        rows.append((history_id, [times[nth]]))
    _update_each(historical, [historical._meta.get_field("history_date")], rows)


def _update_each(model: type[models.Model], fields, rows: list[tuple[int, list]]) -> None:
    """Update each row (its primary key, the new values of ``fields``) with one statement run
    for all of them, faster than ``bulk_update``, whose CASE grows with the rows."""
    quote = connection.ops.quote_name
    table, key = quote(model._meta.db_table), quote(model._meta.pk.column)
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    # Only the values are parameters; the names are the model's own.
    sql = f"UPDATE {table} SET {assignments} WHERE {key} = %s"  # noqa: S608

    def prepared(values: list) -> list:
        pairs = zip(fields, values, strict=True)
        return [field.get_db_prep_value(value, connection) for field, value in pairs]

    with connection.cursor() as cursor:
        cursor.executemany(sql, [[*prepared(values), pk] for pk, values in rows])
