"""Database building blocks shared by the apps: the editable-row base and the
cross-table invariant triggers that Django's constraints cannot express."""

from django.db import models


class Editable(models.Model):
    """A row that people edit. ``version`` grows by one on every change so that concurrent
    edits can be detected (an ETag / If-Match on the API) instead of silently overwriting."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


def same_coalition_trigger_sql(
    vendor: str, *, name: str, table: str, coalition_sql: str, actor_columns: list[str]
) -> tuple[str, str]:
    """SQL creating (and dropping) triggers that refuse a row whose actors belong to another
    coalition than the row itself.

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
            f"(NEW.{col} IS NOT NULL AND (SELECT coalition_id FROM allies_actor "
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
            f"(NEW.{col} IS NOT NULL AND (SELECT coalition_id FROM allies_actor "
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
