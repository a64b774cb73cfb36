"""A layout run whose worker died (its lease ran out: nobody renewed it) is queued again with
its run, or failed with an error saying so after WEFT_RUN_MAX_ATTEMPTS claims; a layout
interrupted by the database going away is retried. A real worker killed with SIGKILL mid-run:
bench/faults (tests/faults/)."""

import datetime

import pytest
from django.db import OperationalError
from django.utils import timezone

from networks.map.models import LayoutRun, LayoutRunStatus
from networks.map.services import layout_compute, layout_run_claim, layout_runs_reap
from networks.map.tasks import compute_layout
from networks.models import ActorPosition
from tests.allies.factories import ActorFactory
from tests.networks.factories import TieFactory
from weft.vocabulary import ActorKind

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_in_process")]


def a_second_ago():
    return timezone.now() - datetime.timedelta(seconds=1)


@pytest.fixture
def mapped(coalition):
    """Three tied actors, never laid out."""
    a, b, c = (
        ActorFactory(coalition=coalition, name=n, kind=ActorKind.GROUP) for n in ("A", "B", "C")
    )
    TieFactory(coalition=coalition, source=a, target=b)
    TieFactory(coalition=coalition, source=b, target=c)
    return coalition


@pytest.fixture
def dead_run(mapped):
    """A run a worker claimed, then died laying out: running, its lease over."""
    run = layout_run_claim(coalition_id=mapped.pk, task_id="lost")
    LayoutRun.objects.filter(pk=run.pk).update(lease_expires_at=a_second_ago())
    return run


def test_a_worker_run_records_its_claim_and_ends_succeeded_without_a_lease(mapped):
    compute_layout.apply(args=(mapped.pk,))
    run = LayoutRun.objects.get(coalition=mapped)
    assert (run.status, run.attempts, run.lease_expires_at) == (LayoutRunStatus.SUCCEEDED, 1, None)
    assert (run.actors, run.moved) == (3, 3)
    assert run.finished_at >= run.started_at


def test_a_run_whose_worker_died_is_queued_again_and_laid_out_on_its_second_claim(
    mapped, dead_run, django_capture_on_commit_callbacks
):
    assert not ActorPosition.objects.filter(actor__coalition=mapped).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert layout_runs_reap() == {"requeued": 1, "failed": 0}
    run = LayoutRun.objects.get(pk=dead_run.pk)
    assert (run.status, run.attempts) == (LayoutRunStatus.SUCCEEDED, 2)
    assert ActorPosition.objects.filter(actor__coalition=mapped).count() == 3
    assert LayoutRun.objects.filter(coalition=mapped).count() == 1  # the same run, not a new one


def test_a_run_whose_lease_is_still_running_is_left_alone(dead_run):
    LayoutRun.objects.filter(pk=dead_run.pk).update(
        lease_expires_at=timezone.now() + datetime.timedelta(minutes=1)
    )
    assert layout_runs_reap() == {"requeued": 0, "failed": 0}
    assert LayoutRun.objects.get(pk=dead_run.pk).status == LayoutRunStatus.RUNNING


def test_a_run_that_lost_its_worker_too_often_fails_saying_so(dead_run, settings):
    LayoutRun.objects.filter(pk=dead_run.pk).update(attempts=settings.WEFT_RUN_MAX_ATTEMPTS)
    assert layout_runs_reap() == {"requeued": 0, "failed": 1}
    run = LayoutRun.objects.get(pk=dead_run.pk)
    assert run.status == LayoutRunStatus.FAILED
    assert run.error.startswith("WorkerLost: the worker laying out this map stopped (3 attempts)")
    assert run.lease_expires_at is None


def test_a_worker_that_lost_its_run_stores_nothing(mapped, dead_run):
    # The reaper gave the run to another worker; the first one comes back and finishes.
    layout_runs_reap()
    LayoutRun.objects.filter(pk=dead_run.pk).update(status=LayoutRunStatus.RUNNING, attempts=2)
    assert layout_compute(coalition_id=mapped.pk, run=dead_run) == 0
    assert not ActorPosition.objects.filter(actor__coalition=mapped).exists()


def test_a_redelivered_task_takes_its_own_run_back(mapped, dead_run):
    LayoutRun.objects.filter(pk=dead_run.pk).update(
        lease_expires_at=timezone.now() + datetime.timedelta(minutes=1)
    )
    again = layout_run_claim(coalition_id=mapped.pk, task_id="lost")
    assert (again.pk, again.attempts) == (dead_run.pk, 2)
    # Another task does not take a run whose lease still runs: it starts its own.
    other = layout_run_claim(coalition_id=mapped.pk, task_id="other")
    assert other.pk != dead_run.pk
    assert layout_run_claim(coalition_id=mapped.pk, task_id="third", run_id=dead_run.pk) is None


def test_a_layout_interrupted_by_the_database_is_retried_and_then_succeeds(mapped, monkeypatch):
    from networks.map import services

    real = services.graph_for_layout
    calls = []

    def database_away_once(coalition_id):
        calls.append(coalition_id)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(coalition_id)

    monkeypatch.setattr(services, "graph_for_layout", database_away_once)
    monkeypatch.setattr(compute_layout, "retry_backoff", False)
    compute_layout.apply(args=(mapped.pk,), throw=False)  # in-process, the retry runs at once
    run = LayoutRun.objects.get(coalition=mapped)
    assert (run.status, run.attempts) == (LayoutRunStatus.SUCCEEDED, 2)
    assert ActorPosition.objects.filter(actor__coalition=mapped).count() == 3


def test_a_layout_that_fails_for_good_is_marked_failed_naming_the_error(mapped, monkeypatch):
    from networks.map import services

    def broken(coalition_id):
        raise ValueError("a bug")

    monkeypatch.setattr(services, "graph_for_layout", broken)
    with pytest.raises(ValueError):
        compute_layout.apply(args=(mapped.pk,))
    run = LayoutRun.objects.get(coalition=mapped)
    assert (run.status, run.error) == (LayoutRunStatus.FAILED, "ValueError")
