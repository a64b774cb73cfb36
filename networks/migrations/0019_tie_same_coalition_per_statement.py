# PostgreSQL: the ties an INSERT writes are checked for the same coalition once per statement
# (weft/db.py, same_coalition_insert_check_sql), updates still row by row. SQLite keeps its
# row triggers (it has no statement triggers).
from django.db import migrations

from weft.db import same_coalition_insert_check_sql

TIE_CHECK = {
    "name": "networks_tie_same_coalition",
    "table": "networks_tie",
    "coalition_column": "coalition_id",
    "actor_columns": ["source_id", "target_id"],
}
ROW_TRIGGER = "CREATE TRIGGER networks_tie_same_coalition BEFORE {events} ON networks_tie FOR EACH ROW EXECUTE FUNCTION networks_tie_same_coalition_fn();"


def per_statement(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    create, _ = same_coalition_insert_check_sql(**TIE_CHECK)
    schema_editor.execute("DROP TRIGGER networks_tie_same_coalition ON networks_tie;")
    schema_editor.execute(ROW_TRIGGER.format(events="UPDATE"))
    schema_editor.execute(create)


def per_row(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    _, drop = same_coalition_insert_check_sql(**TIE_CHECK)
    schema_editor.execute(drop)
    schema_editor.execute("DROP TRIGGER networks_tie_same_coalition ON networks_tie;")
    schema_editor.execute(ROW_TRIGGER.format(events="INSERT OR UPDATE"))


class Migration(migrations.Migration):
    dependencies = [
        ("networks", "0018_imports_read_again_at_confirm"),
    ]

    operations = [migrations.RunPython(per_statement, per_row, elidable=False)]
