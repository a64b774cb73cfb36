"""The map reads each actor's assessment in force the same way at any size and whatever the
planner's statistics say (issue #24): a small coalition's map never reads the assessments of
every other coalition."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from allies.models import Actor, AllyAssessment
from coalitions.services import coalition_create
from tests.allies.factories import ActorFactory, AllyAssessmentFactory


def _scans(plan: dict, table: str) -> list[str]:
    found = []
    if plan.get("Relation Name") == table:
        found.append(plan["Node Type"])
    for child in plan.get("Plans", []):
        found += _scans(child, table)
    return found


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans")
def test_a_small_map_reads_assessments_by_index_after_the_tables_are_analysed(
    client_for, coalition, make_user
):
    other = coalition_create(name="Another", created_by=make_user("other"))
    day = datetime.date(2025, 1, 1)
    big = Actor.objects.bulk_create(
        [Actor(coalition=other, name=f"Org {i}", kind="organisation") for i in range(2000)]
    )
    AllyAssessment.objects.bulk_create(
        [
            AllyAssessment(
                actor=actor,
                stance="neutral",
                ally_kind="natural",
                influence=2,
                proximity=2,
                commitment=2,
                assessed_on=day + datetime.timedelta(days=k),
            )
            for actor in big
            for k in range(3)
        ]
    )
    for i in range(5):
        actor = ActorFactory(coalition=coalition, name=f"Mine {i}")
        AllyAssessmentFactory(actor=actor, stance="neutral", assessed_on=day)
        AllyAssessmentFactory(actor=actor, stance="active_ally", assessed_on=day.replace(month=6))
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {AllyAssessment._meta.db_table}")
        cursor.execute(f"ANALYZE {Actor._meta.db_table}")
    client = client_for("organizer")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/coalitions/{coalition.pk}/map/")
    mine = [node for node in response.json()["nodes"] if node["name"].startswith("Mine")]
    assert [node["stance"] for node in mine] == ["active_ally"] * 5
    (sql,) = [q["sql"] for q in queries.captured_queries if "LATERAL" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0]
    plan = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
    scans = _scans(plan, AllyAssessment._meta.db_table)
    assert scans and all("Index" in scan for scan in scans), scans
