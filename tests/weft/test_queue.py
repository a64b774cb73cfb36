"""Work is queued by task name (weft/queue.py), so that a lower layer can ask for what a
higher one does: every name a service queues must be a task Celery knows, in the web process
as in a worker (the apps load their feature packages' tasks when Django starts)."""

import pytest
from celery import current_app

from coalitions.services import LAYOUT_TASK, METRICS_TASK
from networks.transfer.services import PREVIEW_TASK
from weft.queue import queue_after_commit


@pytest.mark.parametrize("name", [LAYOUT_TASK, METRICS_TASK, PREVIEW_TASK])
def test_every_task_a_service_queues_by_name_is_registered(name):
    assert name in current_app.tasks


def test_a_debounced_task_is_queued_once_for_a_burst_and_only_when_the_transaction_commits(
    db, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    task = current_app.tasks[LAYOUT_TASK]
    monkeypatch.setattr(task, "apply_async", lambda args, kwargs, **options: sent.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            queue_after_commit(LAYOUT_TASK, 42, debounce_seconds=60)
    assert sent == [(42,)]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queue_after_commit(LAYOUT_TASK, 43, debounce_seconds=60)
    assert len(callbacks) == 1 and sent == [(42,)]  # nothing runs until the commit
