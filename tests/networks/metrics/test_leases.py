"""A run whose worker died (its lease ran out: nobody renewed it) is queued again, or failed
with an error saying so after WEFT_RUN_MAX_ATTEMPTS claims; ``POST …/metric-runs/`` never
hands back a dead run. A real worker killed with SIGKILL mid-run: bench/faults
(tests/faults/)."""

import datetime

import pytest
from django.utils import timezone

from networks.metrics.models import MetricRun, MetricRunStatus
from networks.metrics.services import metric_run_request, metric_runs_reap
from tests.allies.factories import ActorFactory
from tests.api_helpers import url
from weft.vocabulary import ActorKind

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_in_process")]


def a_second_ago():
    return timezone.now() - datetime.timedelta(seconds=1)


@pytest.fixture
def dead_run(coalition):
    """A run a worker claimed, then died computing: running, its lease over."""
    ActorFactory(coalition=coalition, name="A", kind=ActorKind.GROUP)
    run, _ = metric_run_request(coalition_id=coalition.pk, queue=False)
    MetricRun.objects.filter(pk=run.pk).update(
        status=MetricRunStatus.RUNNING, attempts=1, task_id="lost", lease_expires_at=a_second_ago()
    )
    return run


def test_asking_for_a_run_never_hands_back_a_dead_one(
    client_for, coalition, dead_run, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("weaver").post(url(coalition, "metric-runs"))
    body = response.json()
    # The dead run was queued again (pending, a new lease) ...
    assert (body["id"], body["status"], body["attempts"]) == (dead_run.pk, "pending", 1)
    # ... and (in-process here) computed on its second claim once the request committed.
    run = MetricRun.objects.get(pk=dead_run.pk)
    assert (run.status, run.attempts) == (MetricRunStatus.SUCCEEDED, 2)


def test_a_run_whose_lease_is_still_running_is_left_alone(coalition, dead_run):
    MetricRun.objects.filter(pk=dead_run.pk).update(
        lease_expires_at=timezone.now() + datetime.timedelta(minutes=1)
    )
    assert metric_runs_reap() == {"requeued": 0, "failed": 0}
    assert MetricRun.objects.get(pk=dead_run.pk).status == MetricRunStatus.RUNNING


def test_a_run_that_lost_its_worker_too_often_fails_saying_so(coalition, dead_run, settings):
    MetricRun.objects.filter(pk=dead_run.pk).update(attempts=settings.WEFT_RUN_MAX_ATTEMPTS)
    assert metric_runs_reap() == {"requeued": 0, "failed": 1}
    run = MetricRun.objects.get(pk=dead_run.pk)
    assert run.status == MetricRunStatus.FAILED
    assert run.error.startswith("WorkerLost: the worker computing this run stopped")


def test_a_run_no_worker_took_in_time_fails_saying_so(coalition, settings):
    ActorFactory(coalition=coalition, name="A", kind=ActorKind.GROUP)
    run, _ = metric_run_request(coalition_id=coalition.pk, queue=False)
    long_ago = timezone.now() - datetime.timedelta(
        seconds=settings.WEFT_RUN_PENDING_MAX_SECONDS + 1
    )
    MetricRun.objects.filter(pk=run.pk).update(created_at=long_ago, lease_expires_at=a_second_ago())
    assert metric_runs_reap() == {"requeued": 0, "failed": 1}
    assert MetricRun.objects.get(pk=run.pk).error.startswith("NotStarted")
