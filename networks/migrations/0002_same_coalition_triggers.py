# The "same coalition" invariants that Django constraints cannot express (weft/db.py).
from django.db import migrations

from weft.db import same_coalition_operation


class Migration(migrations.Migration):
    dependencies = [
        ("networks", "0001_initial"),
        ("allies", "0002_initial"),
    ]

    operations = [
        same_coalition_operation(
            name="networks_tie_same_coalition",
            table="networks_tie",
            coalition_sql="NEW.coalition_id",
            actor_columns=["source_id", "target_id"],
        ),
        same_coalition_operation(
            name="networks_participant_same_coalition",
            table="networks_interactionparticipant",
            coalition_sql="(SELECT coalition_id FROM networks_interaction WHERE id = NEW.interaction_id)",
            actor_columns=["actor_id"],
        ),
    ]
