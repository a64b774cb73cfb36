# The "same coalition" invariants that Django constraints cannot express (weft/db.py).
from django.db import migrations

from weft.db import same_coalition_operation


class Migration(migrations.Migration):
    dependencies = [
        ("allies", "0002_initial"),
    ]

    operations = [
        same_coalition_operation(
            name="allies_affiliation_same_coalition",
            table="allies_affiliation",
            coalition_sql="(SELECT coalition_id FROM allies_actor WHERE id = NEW.person_id)",
            actor_columns=["organisation_id"],
        ),
        same_coalition_operation(
            name="allies_plan_same_coalition",
            table="allies_engagementplan",
            coalition_sql="(SELECT coalition_id FROM allies_actor WHERE id = NEW.actor_id)",
            actor_columns=["messenger_id"],
        ),
        same_coalition_operation(
            name="allies_skilllevel_same_coalition",
            table="allies_skilllevel",
            coalition_sql="(SELECT coalition_id FROM allies_skill WHERE id = NEW.skill_id)",
            actor_columns=["actor_id"],
        ),
    ]
