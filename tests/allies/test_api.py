"""The allies API beyond actors: affiliations, skills, skill levels and engagement plans."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from allies.models import Affiliation, EngagementPlan, Skill, SkillLevel
from coalitions.services import coalition_create
from tests.allies.factories import (
    ActorFactory,
    AffiliationFactory,
    EngagementPlanFactory,
    SkillFactory,
)
from tests.api_helpers import patch, post, url
from weft.vocabulary import ActorKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_coalition(make_user):
    return coalition_create(name="Elsewhere", created_by=make_user("other-steward"))


@pytest.fixture
def skill(coalition):
    return SkillFactory(coalition=coalition, name="Facilitation")


@pytest.fixture
def f(people, orgs, skill):
    return {"people": people, "orgs": orgs, "skill": skill}


# A valid new item (the i-th of several) per resource; and for versioned ones a valid change.
NEW = {
    "affiliations": lambda f, i: {
        "person": f["people"][i].pk,
        "organisation": f["orgs"][i].pk,
        "role_title": "Chair",
        "is_lead": True,
        "started_on": "2023-01-01",
    },
    "skills": lambda f, i: {"name": f"Skill {i}", "description": "What it takes"},
    "skill-levels": lambda f, i: {
        "actor": f["people"][i].pk,
        "skill": f["skill"].pk,
        "level": 1 + i % 5,
        "assessed_on": "2024-01-01",
    },
    "engagement-plans": lambda f, i: {
        "actor": f["orgs"][i].pk,
        "ask": "Sign the statement",
        "frame": "Faith and family",
        "messenger": f["people"][i].pk,
        "owner": "weaver",
        "next_step": "Call the pastor",
        "next_step_on": "2024-01-15",
    },
}
CHANGE = {
    "affiliations": {"role_title": "Treasurer"},
    "engagement-plans": {"next_step": "Visit the pastor"},
}
MODELS = {
    "affiliations": Affiliation,
    "skills": Skill,
    "skill-levels": SkillLevel,
    "engagement-plans": EngagementPlan,
}


# ---------------------------------------------------------------------------------------------
# What every resource does


@pytest.mark.parametrize("prefix", list(NEW))
def test_a_weaver_creates_an_item_and_the_list_shows_it(client_for, coalition, f, prefix):
    client = client_for("weaver")
    created = post(client, url(coalition, prefix), NEW[prefix](f, 0))
    assert created.status_code == 201, created.json()
    item = created.json()
    if prefix in CHANGE:
        assert created["ETag"] == f'"{item["version"]}"' == '"1"'
    listed = client.get(url(coalition, prefix)).json()["results"]
    assert item["id"] in [row["id"] for row in listed]


@pytest.mark.parametrize("prefix", list(CHANGE))
def test_a_stale_if_match_is_412_and_changes_nothing(client_for, coalition, f, prefix):
    client = client_for("weaver")
    item = post(client, url(coalition, prefix), NEW[prefix](f, 0)).json()
    assert patch(client, url(coalition, prefix, item["id"]), CHANGE[prefix]).status_code == 200
    before = client.get(url(coalition, prefix, item["id"])).json()

    stale = patch(client, url(coalition, prefix, item["id"]), {"role_title": "X", "ask": "X"})

    assert stale.status_code == 412
    assert stale.json()["current_version"] == 2
    assert client.get(url(coalition, prefix, item["id"])).json() == before


@pytest.mark.parametrize("prefix", list(NEW))
def test_a_member_cannot_write_these_records(client_for, coalition, f, prefix, member_org):
    data = NEW[prefix](f, 0)
    # Not even about their own organisation.
    data.update({k: member_org.pk for k in ("organisation", "actor") if k in data})
    before = MODELS[prefix].objects.count()
    response = post(client_for("member"), url(coalition, prefix), data)
    assert response.status_code == 403
    assert MODELS[prefix].objects.count() == before


@pytest.mark.parametrize("prefix", ["affiliations", "skills", "skill-levels"])
def test_a_member_reads_map_records(client_for, coalition, prefix):
    assert client_for("member").get(url(coalition, prefix)).status_code == 200


@pytest.mark.parametrize("prefix", list(NEW))
def test_a_funder_cannot_read_and_an_outsider_finds_nothing(client_for, coalition, prefix):
    assert client_for("funder").get(url(coalition, prefix)).status_code == 403
    assert client_for("outsider").get(url(coalition, prefix)).status_code == 404


def _list_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("prefix", list(NEW))
def test_a_list_takes_as_many_queries_for_six_items_as_for_two(client_for, coalition, f, prefix):
    client = client_for("organizer")
    path = url(coalition, prefix)
    for i in range(2):
        assert post(client, path, NEW[prefix](f, i)).status_code == 201
    with_two = _list_queries(client, path)
    for i in range(2, 6):
        assert post(client, path, NEW[prefix](f, i)).status_code == 201
    assert len(client.get(path).json()["results"]) >= 6
    # Session, user, role, page count, the rows (their users joined in): never one per row.
    assert _list_queries(client, path) == with_two


# ---------------------------------------------------------------------------------------------
# Affiliations


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ended_on": "2022-12-31"}, "ended_on"),  # started 2023-01-01
        ({"person": 999999}, "person"),
        ({"organisation": 999999}, "organisation"),
        ({"person": "orgs"}, "person"),  # an organisation is not a person
        ({"organisation": "people"}, "organisation"),  # nor a person an organisation
    ],
)
def test_a_bad_affiliation_is_400_naming_the_field(client_for, coalition, f, change, field):
    data = NEW["affiliations"](f, 0)
    for key, value in change.items():
        data[key] = f[value][3].pk if value in ("orgs", "people") else value
    response = post(client_for("weaver"), url(coalition, "affiliations"), data)
    assert response.status_code == 400
    assert field in response.json()
    assert not Affiliation.objects.exists()


@pytest.mark.parametrize("field", ["person", "organisation"])
def test_an_actor_of_another_coalition_is_400_naming_the_field(
    client_for, coalition, f, other_coalition, field
):
    kind = ActorKind.PERSON if field == "person" else ActorKind.ORGANISATION
    foreign = ActorFactory(coalition=other_coalition, name="Far", kind=kind)
    data = {**NEW["affiliations"](f, 0), field: foreign.pk}
    response = post(client_for("steward"), url(coalition, "affiliations"), data)
    assert response.status_code == 400
    assert field in response.json()


def test_an_affiliation_with_a_sensitive_person_is_invisible_to_a_weaver(
    client_for, coalition, orgs, hidden
):
    affiliation = AffiliationFactory(person=hidden, organisation=orgs[0])
    weaver = client_for("weaver")
    assert weaver.get(url(coalition, "affiliations")).json()["results"] == []
    assert weaver.get(url(coalition, "affiliations", affiliation.pk)).status_code == 404
    organizer = client_for("organizer").get(url(coalition, "affiliations")).json()["results"]
    assert [row["id"] for row in organizer] == [affiliation.pk]


# ---------------------------------------------------------------------------------------------
# Skills and skill levels


def test_a_skill_name_is_unique_in_a_coalition(client_for, coalition, skill, other_coalition):
    client = client_for("weaver")
    again = post(client, url(coalition, "skills"), {"name": " facilitation "})
    assert again.status_code == 400
    assert "name" in again.json()
    other = post(client, url(coalition, "skills"), {"name": "Research"}).json()
    renamed = client.patch(
        url(coalition, "skills", other["id"]), {"name": "Facilitation"}, "application/json"
    )
    assert renamed.status_code == 400
    assert "name" in renamed.json()
    SkillFactory(coalition=other_coalition, name="Canvassing")
    assert post(client, url(coalition, "skills"), {"name": "Canvassing"}).status_code == 201


@pytest.mark.parametrize("level", [0, 6, "high"])
def test_a_skill_level_is_1_to_5(client_for, coalition, f, level):
    data = {**NEW["skill-levels"](f, 0), "level": level}
    response = post(client_for("weaver"), url(coalition, "skill-levels"), data)
    assert response.status_code == 400
    assert "level" in response.json()


def test_a_skill_level_records_who_recorded_it(client_for, coalition, f):
    created = post(client_for("weaver"), url(coalition, "skill-levels"), NEW["skill-levels"](f, 0))
    assert created.status_code == 201
    assert created.json()["recorded_by"] == "weaver"
    assert SkillLevel.objects.get().recorded_by.username == "weaver"


def test_skill_levels_are_history_never_changed(client_for, coalition, f):
    client = client_for("steward")
    level = post(client, url(coalition, "skill-levels"), NEW["skill-levels"](f, 0)).json()
    path = url(coalition, "skill-levels", level["id"])
    assert client.get(path).status_code == 200
    assert patch(client, path, {"level": 5}).status_code == 405
    assert client.put(path, {}, "application/json").status_code == 405
    assert client.delete(path).status_code == 405
    assert SkillLevel.objects.get().level == level["level"]


@pytest.mark.parametrize("which", ["elsewhere", "unknown"])
def test_a_skill_of_another_coalition_or_unknown_is_400(
    client_for, coalition, f, other_coalition, which
):
    foreign = SkillFactory(coalition=other_coalition, name="Theirs")
    skill_id = foreign.pk if which == "elsewhere" else 999999
    data = {**NEW["skill-levels"](f, 0), "skill": skill_id}
    response = post(client_for("weaver"), url(coalition, "skill-levels"), data)
    assert response.status_code == 400
    assert "skill" in response.json()


def test_skills_are_peoples(client_for, coalition, f):
    data = {**NEW["skill-levels"](f, 0), "actor": f["orgs"][0].pk}
    response = post(client_for("weaver"), url(coalition, "skill-levels"), data)
    assert response.status_code == 400
    assert "actor" in response.json()


# ---------------------------------------------------------------------------------------------
# Engagement plans


def test_an_actor_has_one_engagement_plan(client_for, coalition, f):
    client = client_for("weaver")
    assert (
        post(client, url(coalition, "engagement-plans"), NEW["engagement-plans"](f, 0)).status_code
        == 201
    )
    again = post(client, url(coalition, "engagement-plans"), NEW["engagement-plans"](f, 0))
    assert again.status_code == 400
    assert "actor" in again.json()
    assert EngagementPlan.objects.count() == 1


@pytest.mark.parametrize("role", ["member", "funder"])
def test_members_and_funders_cannot_read_engagement_plans(client_for, coalition, f, role):
    plan = EngagementPlanFactory(actor=f["orgs"][0], ask="Sign")
    client = client_for(role)
    assert client.get(url(coalition, "engagement-plans")).status_code == 403
    assert client.get(url(coalition, "engagement-plans", plan.pk)).status_code == 403
    # Nor learn one through a stale write's answer.
    assert (
        patch(client, url(coalition, "engagement-plans", plan.pk), {"ask": "X"}, '"9"').status_code
        == 403
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"messenger": "actor"}, "messenger"),
        ({"owner": "nobody-by-this-name"}, "owner"),
        ({"owner": "outsider"}, "owner"),  # a user without a role in the coalition
        ({"actor": 999999}, "actor"),
    ],
)
def test_a_bad_engagement_plan_is_400_naming_the_field(
    client_for, coalition, f, personas, change, field
):
    data = NEW["engagement-plans"](f, 0)
    for key, value in change.items():
        data[key] = data["actor"] if value == "actor" else value
    response = post(client_for("weaver"), url(coalition, "engagement-plans"), data)
    assert response.status_code == 400
    assert field in response.json()


def test_overdue_plans_are_those_whose_next_step_is_past(client_for, coalition, orgs):
    today = timezone.localdate()
    late = EngagementPlanFactory(actor=orgs[0], next_step_on=today - datetime.timedelta(days=1))
    due_today = EngagementPlanFactory(actor=orgs[1], next_step_on=today)
    undated = EngagementPlanFactory(actor=orgs[2])
    client = client_for("weaver")

    overdue = client.get(url(coalition, "engagement-plans") + "?overdue=true").json()["results"]
    on_time = client.get(url(coalition, "engagement-plans") + "?overdue=false").json()["results"]

    assert [row["id"] for row in overdue] == [late.pk]
    assert overdue[0]["is_overdue"] is True
    assert sorted(row["id"] for row in on_time) == sorted([due_today.pk, undated.pk])


def test_a_plan_naming_a_sensitive_actor_is_invisible_to_a_weaver(
    client_for, coalition, orgs, hidden
):
    EngagementPlanFactory(actor=orgs[0], messenger=hidden)
    EngagementPlanFactory(actor=hidden)
    assert client_for("weaver").get(url(coalition, "engagement-plans")).json()["results"] == []
    organizer = client_for("organizer").get(url(coalition, "engagement-plans")).json()
    assert len(organizer["results"]) == 2
