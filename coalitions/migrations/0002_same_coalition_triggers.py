# The "same coalition" invariants that Django constraints cannot express (weft/db.py).
from django.db import migrations

from weft.db import same_coalition_operation


class Migration(migrations.Migration):
    dependencies = [
        ("coalitions", "0001_initial"),
        ("allies", "0002_initial"),
    ]

    operations = [
        same_coalition_operation(
            name="coalitions_role_same_coalition",
            table="coalitions_role",
            coalition_sql="NEW.coalition_id",
            actor_columns=["organisation_id"],
        ),
        same_coalition_operation(
            name="coalitions_target_same_coalition",
            table="coalitions_target",
            coalition_sql="NEW.coalition_id",
            actor_columns=["actor_id"],
        ),
        same_coalition_operation(
            name="coalitions_membership_same_coalition",
            table="coalitions_membership",
            coalition_sql="NEW.coalition_id",
            actor_columns=["organisation_id", "designee_id"],
        ),
        same_coalition_operation(
            name="coalitions_groupmember_same_coalition",
            table="coalitions_groupmember",
            coalition_sql="(SELECT coalition_id FROM coalitions_workinggroup WHERE id = NEW.group_id)",
            actor_columns=["actor_id"],
        ),
        same_coalition_operation(
            name="coalitions_endorsement_same_coalition",
            table="coalitions_endorsement",
            coalition_sql="(SELECT coalition_id FROM coalitions_principle WHERE id = NEW.principle_id)",
            actor_columns=["organisation_id"],
        ),
        same_coalition_operation(
            name="coalitions_action_leaders_same_coalition",
            table="coalitions_action_leaders",
            coalition_sql="(SELECT coalition_id FROM coalitions_action WHERE id = NEW.action_id)",
            actor_columns=["actor_id"],
        ),
        same_coalition_operation(
            name="coalitions_action_participants_same_coalition",
            table="coalitions_action_participants",
            coalition_sql="(SELECT coalition_id FROM coalitions_action WHERE id = NEW.action_id)",
            actor_columns=["actor_id"],
        ),
    ]
