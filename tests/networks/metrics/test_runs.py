"""Metric runs end to end in the embedded mode: the Celery task (eager), the API, idempotency,
debouncing after edits, failure, redelivery, and role scoping of the figures."""

import datetime

import networkx as nx
import pytest
from django.utils import timezone
from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

from allies.models import Actor
from coalitions.models import Coalition
from networks.metrics import services
from networks.metrics.models import MetricRun, MetricRunStatus
from networks.metrics.selectors import metric_input
from networks.metrics.services import metric_run_execute, metric_run_request
from networks.metrics.tasks import compute_metrics, compute_metrics_nightly
from networks.models import InteractionParticipant, Suggestion, Tie
from tests.allies.factories import ActorFactory, AffiliationFactory, AllyAssessmentFactory
from tests.api_helpers import post, url
from tests.coalitions.factories import ActionFactory, MembershipFactory
from tests.networks.factories import InteractionFactory, TieFactory
from weft.vocabulary import ActorKind

# The Celery task runs in-process here, on both databases; a real worker has its own test.
pytestmark = pytest.mark.usefixtures("tasks_in_process")


def runs_url(coalition, *parts):
    return url(coalition, "metric-runs") + "".join(f"{part}/" for part in parts)


def load_published(client, coalition, graph):
    """A published network entered through the API as an organizer would: one actor per
    node, one tie per edge, each declared at full strength (5 of 5 = 1.0)."""
    ids = {}
    for node in sorted(graph.nodes):
        response = post(
            client, url(coalition, "actors"), {"name": f"Member {node}", "kind": "organisation"}
        )
        assert response.status_code == 201, response.json()
        ids[node] = response.json()["id"]
    for a, b in graph.edges:
        response = post(
            client, url(coalition, "ties"), {"source": ids[a], "target": ids[b], "strength": 5}
        )
        assert response.status_code == 201, response.json()
    return ids


def all_rows(client, path):
    response = client.get(path, {"page_size": 1000})
    assert response.status_code == 200, response.json()
    return response.json()["results"]


def test_a_published_network_reads_back_through_the_api_with_networkx_values(
    client_for, django_capture_on_commit_callbacks
):
    client = client_for("organizer")
    # A coalition of its own (its creator becomes its steward), holding only the club.
    created = post(client, "/api/v1/coalitions/", {"name": "Zachary's karate club"})
    assert created.status_code == 201
    coalition = Coalition.objects.get(pk=created.json()["id"])
    karate = nx.karate_club_graph()
    ids = load_published(client, coalition, karate)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(runs_url(coalition))
    assert response.status_code == 202
    run_id = response.json()["id"]

    run = client.get(runs_url(coalition, run_id)).json()
    assert run["status"] == "succeeded"
    assert run["progress"] == 100
    assert run["betweenness_method"] == "exact"
    assert run["network"]["actors"] == 34 and run["network"]["ties"] == 78
    assert run["network"]["density"] == pytest.approx(nx.density(karate))
    assert run["network"]["clustering"] == pytest.approx(nx.average_clustering(karate))

    rows = {row["actor"]: row for row in all_rows(client, runs_url(coalition, "latest", "actors"))}
    unweighted = nx.Graph(karate.edges)
    betweenness = nx.betweenness_centrality(unweighted)
    pagerank = _pagerank_python(unweighted, alpha=0.85, tol=1e-13, max_iter=10_000)
    cores = nx.core_number(unweighted)
    eigenvector = nx.eigenvector_centrality(unweighted, max_iter=10_000, tol=1e-12)
    for node, actor_id in ids.items():
        row = rows[actor_id]
        assert row["name"] == f"Member {node}"
        assert row["degree"] == karate.degree(node)
        assert row["weighted_degree"] == pytest.approx(karate.degree(node))
        assert row["betweenness"] == pytest.approx(betweenness[node], abs=1e-9)
        assert row["pagerank"] == pytest.approx(pagerank[node], abs=1e-6)
        assert row["eigenvector"] == pytest.approx(eigenvector[node], abs=1e-6)
        assert row["core_number"] == cores[node]
    # Zachary's club: the instructor (0) and the president (33) are the two great brokers.
    top_two = sorted(rows.values(), key=lambda row: -row["betweenness"])[:2]
    assert {row["actor"] for row in top_two} == {ids[0], ids[33]}

    relationships = all_rows(client, runs_url(coalition, "latest", "relationships"))
    assert len(relationships) == 78
    assert {r["strength"] for r in relationships} == {1.0}
    assert {r["weight"] for r in relationships} == {1.0}
    assert {r["declared_weight"] for r in relationships} == {None}
    assert not any(r["is_inferred"] for r in relationships)


def test_unchanged_input_is_not_run_again_and_a_change_is(
    client_for, coalition, orgs, django_capture_on_commit_callbacks
):
    client = client_for("weaver")
    TieFactory(coalition=coalition, source=orgs[0], target=orgs[1], strength=3)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(runs_url(coalition))
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(runs_url(coalition))
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json()["id"] == first.json()["id"]
    assert MetricRun.objects.filter(coalition=coalition).count() == 1

    TieFactory(coalition=coalition, source=orgs[1], target=orgs[2], strength=4)
    with django_capture_on_commit_callbacks(execute=True):
        changed = client.post(runs_url(coalition))
    assert changed.status_code == 202
    assert changed.json()["id"] != first.json()["id"]
    assert client.get(runs_url(coalition, "latest")).json()["network"]["ties"] == 2
    assert MetricRun.objects.filter(coalition=coalition).count() == 2


def test_a_task_run_twice_for_the_same_input_keeps_one_run(coalition, orgs):
    TieFactory(coalition=coalition, source=orgs[0], target=orgs[1])
    first = compute_metrics.delay(coalition.pk).get()
    second = compute_metrics.delay(coalition.pk).get()
    assert first == second
    assert MetricRun.objects.get().status == MetricRunStatus.SUCCEEDED


def test_edits_through_the_api_start_one_debounced_run_after_commit(
    client_for, coalition, orgs, django_capture_on_commit_callbacks
):
    client = client_for("organizer")
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client, url(coalition, "ties"), {"source": orgs[0].pk, "target": orgs[1].pk}
        )
    assert response.status_code == 201
    run = MetricRun.objects.get()  # one run, queued after the commit
    assert (run.trigger, run.status, run.network["ties"]) == ("edit", "succeeded", 1)

    # A second edit inside the debounce window is left to the run already scheduled.
    with django_capture_on_commit_callbacks(execute=True):
        post(client, url(coalition, "ties"), {"source": orgs[1].pk, "target": orgs[2].pk})
    assert MetricRun.objects.count() == 1


def test_a_write_that_rolls_back_queues_nothing(
    client_for, coalition, orgs, django_capture_on_commit_callbacks
):
    client = client_for("organizer")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post(
            client, url(coalition, "ties"), {"source": orgs[0].pk, "target": orgs[0].pk}
        )
    assert response.status_code == 400
    assert callbacks == []
    assert not MetricRun.objects.exists()


def test_a_failing_computation_marks_the_run_failed(
    client_for, coalition, orgs, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise ValueError("weights: strength must be finite")

    monkeypatch.setattr(services, "compute_run", broken)
    client = client_for("steward")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(runs_url(coalition))
    assert response.status_code == 202
    body = client.get(runs_url(coalition, response.json()["id"])).json()
    assert body["status"] == "failed"
    assert body["error"] == "ValueError"  # the exception's name: its message could quote data
    assert client.get(runs_url(coalition, "latest")).status_code == 404

    # A failed run does not block the same input from being tried again.
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        retried = client.post(runs_url(coalition))
    assert retried.status_code == 202
    assert client.get(runs_url(coalition, retried.json()["id"])).json()["status"] == "succeeded"


def test_a_redelivered_task_takes_its_run_over_but_another_worker_does_not(coalition, orgs):
    TieFactory(coalition=coalition, source=orgs[0], target=orgs[1])
    run, _ = metric_run_request(coalition_id=coalition.pk, queue=False)
    # A worker claimed it and was killed (acks_late: the broker redelivers the same task id).
    MetricRun.objects.filter(pk=run.pk).update(
        status="running", task_id="task-1", started_at=timezone.now(), attempts=1
    )

    metric_run_execute(run_id=run.pk, task_id="someone-else")
    assert MetricRun.objects.get(pk=run.pk).status == "running"

    redone = metric_run_execute(run_id=run.pk, task_id="task-1")
    assert (redone.status, redone.attempts) == ("succeeded", 2)
    # Once finished, running it again changes nothing.
    again = metric_run_execute(run_id=run.pk, task_id="task-1")
    assert (again.status, again.attempts, again.finished_at) == (
        "succeeded",
        2,
        redone.finished_at,
    )


def test_nightly_runs_every_coalition_once_per_day(coalition, orgs):
    TieFactory(coalition=coalition, source=orgs[0], target=orgs[1])
    assert compute_metrics_nightly.delay().get() == 1
    assert compute_metrics_nightly.delay().get() == 1
    run = MetricRun.objects.get()
    assert run.trigger == "nightly"
    assert run.computed_for == timezone.localdate()


def test_the_nightly_run_is_on_the_beat_schedule():
    from weft.celery import app

    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "networks.compute_metrics_nightly" in scheduled
    assert "networks.compute_metrics_nightly" in app.tasks


def test_a_relationship_that_fades_is_at_risk_in_the_next_run(coalition, orgs):
    a, b = orgs[0], orgs[1]
    meeting = InteractionFactory(
        coalition=coalition, kind="one_to_one", occurred_on=datetime.date(2026, 1, 10)
    )
    InteractionParticipant.objects.bulk_create(
        [InteractionParticipant(interaction=meeting, actor=x) for x in (a, b)]
    )
    for org in (a, b):
        MembershipFactory(coalition=coalition, organisation=org, phase="align")
    # The two organisations were on the map by then (a run counts the actors of its day).
    Actor.objects.filter(pk__in=(a.pk, b.pk)).update(
        created_at=datetime.datetime(2025, 12, 1, tzinfo=datetime.UTC)
    )
    first, _ = metric_run_request(
        coalition_id=coalition.pk, on=datetime.date(2026, 1, 10), queue=False
    )
    metric_run_execute(run_id=first.pk)
    # One half-life later the meeting weighs half: 1 − e^(−0.5) = 0.39 against 0.63.
    later, _ = metric_run_request(
        coalition_id=coalition.pk, on=datetime.date(2026, 7, 9), queue=False
    )
    later = metric_run_execute(run_id=later.pk)

    assert later.network["at_risk"] == 1
    risk = Suggestion.objects.get(run=later, kind="at_risk")
    assert {risk.actor_id, risk.other_id} == {a.pk, b.pk}
    assert risk.score == pytest.approx((1 - 2.718281828459045**-1) - (1 - 2.718281828459045**-0.5))


def test_members_see_no_sensitive_actor_or_relationship_in_a_run(
    client_for, coalition, orgs, hidden, django_capture_on_commit_callbacks
):
    TieFactory(coalition=coalition, source=orgs[0], target=hidden, strength=4)
    TieFactory(coalition=coalition, source=orgs[0], target=orgs[1], strength=4)
    TieFactory(coalition=coalition, source=orgs[1], target=orgs[2], is_sensitive=True)
    with django_capture_on_commit_callbacks(execute=True):
        client_for("steward").post(runs_url(coalition))

    organizer = client_for("organizer")
    assert hidden.pk in {
        r["actor"] for r in all_rows(organizer, runs_url(coalition, "latest", "actors"))
    }
    assert len(all_rows(organizer, runs_url(coalition, "latest", "relationships"))) == 3

    member = client_for("member")
    actors = {r["actor"] for r in all_rows(member, runs_url(coalition, "latest", "actors"))}
    assert hidden.pk not in actors and orgs[0].pk in actors
    pairs = [
        {r["source"], r["target"]}
        for r in all_rows(member, runs_url(coalition, "latest", "relationships"))
    ]
    assert pairs == [{orgs[0].pk, orgs[1].pk}]


def test_a_runs_public_figures_leave_sensitive_actors_and_ties_out(coalition, orgs, hidden):
    """Funder reports read a run's ``public`` figures: no sensitive actor or tie may count in
    them in any form, while the organizers' own figures count everything."""

    TieFactory(coalition=coalition, source=orgs[0], target=orgs[1], strength=5)
    TieFactory(coalition=coalition, source=orgs[0], target=hidden, strength=5)
    TieFactory(coalition=coalition, source=orgs[1], target=orgs[2], strength=5, is_sensitive=True)
    volunteer = ActorFactory(coalition=coalition, name="Ana", kind=ActorKind.PERSON)
    action = ActionFactory(
        coalition=coalition,
        title="Rally",
        starts_on=timezone.localdate() - datetime.timedelta(days=10),
    )
    action.leaders.set([volunteer, hidden])
    run, _ = metric_run_request(coalition_id=coalition.pk, queue=False)
    run = metric_run_execute(run_id=run.pk)

    whole, public = run.network, run.network["public"]
    assert (whole["actors"], whole["relationships"], whole["strong_ties"]) == (9, 3, 3)
    assert run.leadership["leaders"] == 2
    assert (public["actors"], public["relationships"], public["strong_ties"]) == (8, 1, 1)
    assert public["density"] == pytest.approx(2 / (8 * 7))
    assert public["leaders"] == 1
    # The path hidden – Org 0 – Org 1 – Org 2 has brokers; without its sensitive parts no one
    # is between others.
    assert whole["distributed_leadership"] < 1
    assert public["distributed_leadership"] == 1


def test_without_anything_sensitive_the_public_figures_are_the_whole_networks(coalition, orgs):
    TieFactory(coalition=coalition, source=orgs[0], target=orgs[1], strength=4)
    TieFactory(coalition=coalition, source=orgs[1], target=orgs[2], strength=2)
    run, _ = metric_run_request(coalition_id=coalition.pk, queue=False)
    run = metric_run_execute(run_id=run.pk)
    for key, value in run.network["public"].items():
        expected = run.network.get(key, run.leadership.get(key))
        assert value == expected, key


def test_funders_and_members_cannot_start_a_run(client_for, coalition):
    assert client_for("funder").get(runs_url(coalition)).status_code == 403
    assert client_for("member").post(runs_url(coalition)).status_code == 403
    assert client_for("outsider").get(runs_url(coalition, "latest")).status_code == 404


def test_rows_filter_and_order_and_a_bad_filter_is_a_400_naming_it(
    client_for, coalition, orgs, django_capture_on_commit_callbacks
):
    for a, b in [(0, 1), (0, 2), (0, 3), (3, 4)]:
        TieFactory(coalition=coalition, source=orgs[a], target=orgs[b], strength=5)
    with django_capture_on_commit_callbacks(execute=True):
        client_for("steward").post(runs_url(coalition))
    client = client_for("weaver")
    by_degree = client.get(runs_url(coalition, "latest", "actors"), {"ordering": "-degree"})
    assert by_degree.json()["results"][0]["actor"] == orgs[0].pk
    one = client.get(runs_url(coalition, "latest", "relationships"), {"actor": orgs[4].pk})
    assert [(r["source"], r["target"]) for r in one.json()["results"]] == [(orgs[3].pk, orgs[4].pk)]
    bad = client.get(runs_url(coalition, "latest", "actors"), {"community": "first"})
    assert bad.status_code == 400
    assert "community" in bad.json()
    assert client.get(runs_url(coalition, 999999)).status_code == 404


def test_loading_a_run_takes_the_same_queries_for_a_small_and_a_larger_network(
    coalition, django_assert_num_queries
):
    def grow(count):
        actors = Actor.objects.bulk_create(
            Actor(coalition=coalition, name=f"A{len_}", kind=ActorKind.PERSON)
            for len_ in range(count)
        )
        Tie.objects.bulk_create(
            Tie(coalition=coalition, source=x, target=y)
            for x, y in zip(actors, actors[1:], strict=False)
        )
        for actor in actors[:3]:
            AllyAssessmentFactory(
                actor=actor,
                stance="active_ally",
                ally_kind="natural",
                influence=3,
                proximity=3,
                commitment=3,
                assessed_on=datetime.date(2026, 1, 1),
            )

    grow(3)
    # coalition settings, actors, ties, interaction participants, actions led, lead
    # affiliations, lead seats, skill levels, members, allies, current affiliations
    with django_assert_num_queries(11):
        small = metric_input(coalition.pk)
    grow(30)
    with django_assert_num_queries(11):
        large = metric_input(coalition.pk)
    assert len(large.actor_ids) == len(small.actor_ids) + 30


def test_only_current_affiliations_to_groups_that_are_not_sensitive_make_relationships(
    coalition, orgs
):
    people = [
        ActorFactory(coalition=coalition, name=f"P{i}", kind=ActorKind.PERSON) for i in range(4)
    ]
    secret = ActorFactory(coalition=coalition, name="Secret", kind="group", is_sensitive=True)
    for person in people[:2]:
        AffiliationFactory(person=person, organisation=orgs[0])  # a board: they share it
        AffiliationFactory(person=person, organisation=secret)  # would tell who is in it
    ended = datetime.date(2020, 1, 1)
    for person in people[2:]:
        AffiliationFactory(person=person, organisation=orgs[1], ended_on=ended)
    run, _ = metric_run_request(coalition_id=coalition.pk, queue=False)
    run = metric_run_execute(run_id=run.pk)
    rows = list(run.relationship_metrics.values_list("source_id", "target_id", "co_affiliations"))
    assert rows == [(people[0].pk, people[1].pk, 1)]
    assert run.network["affiliation_groups"] == 1
