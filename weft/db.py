"""Database building blocks shared by the apps: the editable-row base and the
cross-table invariant triggers that Django's constraints cannot express."""

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

# The bookkeeping fields of an editable row: its version (what a write sends back) and when it
# was created and last changed. Shown by the API and the admin, never typed.
EDITABLE_FIELDS = ("version", "created_at", "updated_at")


class Editable(models.Model):
    """A row that people edit. ``version`` grows by one on every saved change so that
    concurrent edits can be detected (an ETag / If-Match on the API) instead of silently
    overwriting each other; writers that must not lose a race compare it under a row lock."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    # Every create, change and delete is kept: who, when, old and new values (restorable).
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.version += 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "version", "updated_at"}
        super().save(*args, **kwargs)


class SameCoalition(models.Model):
    """Validation twin of the same-coalition triggers: forms (and the admin) get a field error
    instead of the database's IntegrityError. ``coalition_actor_fields`` names the actor
    foreign keys that must belong to the row's coalition."""

    coalition_actor_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def coalition_id_for_check(self) -> int | None:
        return self.coalition_id

    def clean(self):
        super().clean()
        coalition_id = self.coalition_id_for_check()
        if coalition_id is None:
            return
        wanted = {
            field: getattr(self, f"{field}_id")
            for field in self.coalition_actor_fields
            if getattr(self, f"{field}_id") is not None
        }
        Actor = apps.get_model("allies", "Actor")
        coalitions = dict(
            Actor.objects.filter(pk__in=wanted.values()).values_list("pk", "coalition_id")
        )
        errors = {
            field: "Choose an actor of this coalition."
            for field, actor_id in wanted.items()
            if coalitions.get(actor_id) != coalition_id
        }
        if errors:
            raise ValidationError(errors)


def same_coalition_trigger_sql(
    vendor: str, *, name: str, table: str, coalition_sql: str, actor_columns: list[str]
) -> tuple[str, str]:
    """SQL creating (and dropping) triggers that refuse a row whose actors belong to another
    coalition than the row itself. Names and SQL fragments come from migrations, never from
    users: the f-strings build DDL, not queries with input.

    Django 5.2 has no composite foreign keys, so "both ends of a tie in the same coalition"
    cannot be a plain constraint; a trigger keeps it in the database, where a bulk insert, a
    raw query or a bug in a form cannot get around it. ``coalition_sql`` is an expression
    over ``NEW`` giving the row's coalition id. The error is raised as an integrity error
    (SQLite ABORT with a constraint code, PostgreSQL SQLSTATE 23514 check_violation), so
    Django surfaces it as ``IntegrityError``.
    """
    message = f"{name}: actors must belong to the same coalition as the row"
    if vendor == "postgresql":
        mismatch = " OR ".join(
            f"(NEW.{col} IS NOT NULL AND (SELECT coalition_id FROM allies_actor "  # noqa: S608
            f"WHERE id = NEW.{col}) IS DISTINCT FROM ({coalition_sql}))"
            for col in actor_columns
        )
        create = f"""
CREATE OR REPLACE FUNCTION {name}_fn() RETURNS trigger AS $$
BEGIN
  IF {mismatch} THEN
    RAISE EXCEPTION '{message}' USING ERRCODE = '23514';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {name} BEFORE INSERT OR UPDATE ON {table}
  FOR EACH ROW EXECUTE FUNCTION {name}_fn();
"""
        drop = f"DROP TRIGGER IF EXISTS {name} ON {table}; DROP FUNCTION IF EXISTS {name}_fn();"
        return create, drop
    if vendor == "sqlite":
        mismatch = " OR ".join(
            f"(NEW.{col} IS NOT NULL AND (SELECT coalition_id FROM allies_actor "  # noqa: S608
            f"WHERE id = NEW.{col}) IS NOT ({coalition_sql}))"
            for col in actor_columns
        )
        statements = [
            f"CREATE TRIGGER {name}_{event.lower()} BEFORE {event} ON {table} "
            f"FOR EACH ROW WHEN {mismatch} BEGIN SELECT RAISE(ABORT, '{message}'); END;"
            for event in ("INSERT", "UPDATE")
        ]
        drop = f"DROP TRIGGER IF EXISTS {name}_insert;\nDROP TRIGGER IF EXISTS {name}_update;"
        return "\n".join(statements), drop
    raise ValueError(f"Weft supports PostgreSQL and SQLite, not {vendor}")


def same_coalition_insert_check_sql(
    *, name: str, table: str, coalition_column: str, actor_columns: list[str]
) -> tuple[str, str]:
    """PostgreSQL only: the same-coalition check of the rows one INSERT wrote, once per
    statement over its transition table, instead of a row trigger's two look-ups per row (a
    25,000-tie import spent more time in the row trigger than in writing the rows). Same
    error, same SQLSTATE; a row trigger still checks updates. Names come from migrations."""
    joins = " ".join(
        f"LEFT JOIN allies_actor a_{col} ON a_{col}.id = n.{col}" for col in actor_columns
    )
    mismatch = " OR ".join(
        f"(n.{col} IS NOT NULL AND a_{col}.coalition_id IS DISTINCT FROM n.{coalition_column})"
        for col in actor_columns
    )
    message = f"{name}: actors must belong to the same coalition as the row"
    wrong = f"SELECT 1 FROM inserted n {joins} WHERE {mismatch}"  # noqa: S608
    create = f"""
CREATE OR REPLACE FUNCTION {name}_rows_fn() RETURNS trigger AS $$
BEGIN
  IF EXISTS ({wrong}) THEN
    RAISE EXCEPTION '{message}' USING ERRCODE = '23514';
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {name}_rows AFTER INSERT ON {table}
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION {name}_rows_fn();
"""
    drop = (
        f"DROP TRIGGER IF EXISTS {name}_rows ON {table}; DROP FUNCTION IF EXISTS {name}_rows_fn();"
    )
    return create, drop


def same_coalition_operation(**kwargs):
    """A migration operation installing :func:`same_coalition_trigger_sql` for the current
    database."""
    from django.db import migrations

    def forward(apps, schema_editor):
        create, _ = same_coalition_trigger_sql(schema_editor.connection.vendor, **kwargs)
        _execute_script(schema_editor, create)

    def backward(apps, schema_editor):
        _, drop = same_coalition_trigger_sql(schema_editor.connection.vendor, **kwargs)
        _execute_script(schema_editor, drop)

    return migrations.RunPython(forward, backward, elidable=False)


def _execute_script(schema_editor, script: str) -> None:
    if schema_editor.connection.vendor == "sqlite":
        # sqlite3 runs one statement per execute(); a trigger body holds its own semicolons,
        # so each CREATE TRIGGER is kept whole (one per line).
        for statement in script.splitlines():
            if statement.strip():
                schema_editor.execute(statement)
    else:
        schema_editor.execute(script)


def sqlite_triggers_kept():
    """Two migration operations to put around operations that rebuild a table on SQLite
    (changing a check constraint does): the first drops every trigger, the second creates
    them again as they were. SQLite refuses to rename a rebuilt table that another table's
    trigger names (the same-coalition triggers name allies_actor), and dropping the old
    table drops its own triggers. PostgreSQL alters tables in place: nothing to do there."""
    from django.db import migrations

    saved: list[tuple[str, str]] = []

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
            saved[:] = cursor.fetchall()
        for name, _ in saved:
            schema_editor.execute(f'DROP TRIGGER IF EXISTS "{name}"')

    def restore(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        for name, sql in saved:
            schema_editor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
            schema_editor.execute(sql)

    return (
        migrations.RunPython(drop, restore, elidable=False),
        migrations.RunPython(restore, drop, elidable=False),
    )
