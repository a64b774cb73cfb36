"""Jobs are queued through the outbox (weft/queue.py): written in the edit's transaction, so
a rolled-back edit queues nothing and a committed one is never lost; what could not be sent
is sent by the drain task. The health endpoint reports each dependency on its own."""

import datetime

import pytest
from celery import current_app
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from coalitions.services import LAYOUT_TASK
from weft.models import OutboxMessage
from weft.queue import drain, queue_after_commit


@pytest.fixture
def sent(monkeypatch):
    calls = []
    task = current_app.tasks[LAYOUT_TASK]
    monkeypatch.setattr(task, "apply_async", lambda args, kwargs, **options: calls.append(args))
    return calls


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_edit_queues_nothing_and_a_committed_one_is_sent(sent):
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_after_commit(LAYOUT_TASK, 1)
        raise RuntimeError("the edit failed")
    assert (OutboxMessage.objects.count(), sent) == (0, [])

    with transaction.atomic():
        queue_after_commit(LAYOUT_TASK, 2)
        assert sent == []  # not before the commit
    assert sent == [(2,)]
    assert OutboxMessage.objects.get().sent_at is not None


@pytest.mark.django_db(transaction=True)
def test_the_drain_task_sends_what_was_left_unsent(sent):
    long_ago = timezone.now() - datetime.timedelta(minutes=5)
    OutboxMessage.objects.create(task_name=LAYOUT_TASK, args=[7], created_at=long_ago)
    fresh = OutboxMessage.objects.create(task_name=LAYOUT_TASK, args=[8])

    assert drain() == 1
    assert sent == [(7,)]  # a fresh message is left to the request that wrote it
    assert OutboxMessage.objects.filter(sent_at__isnull=True).get() == fresh
    assert drain() == 0


@pytest.mark.django_db
def test_health_reports_each_dependency(client, settings):
    settings.REDIS_URL = ""  # the embedded mode: tasks in-process
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["checks"] == {
        "database": {"status": "ok"},
        "redis": {"status": "embedded"},
        "workers": {"status": "embedded"},
        "outbox": {"status": "ok", "unsent": 0, "oldest_seconds": None},
    }


@pytest.mark.django_db
@pytest.mark.skipif(not settings.REDIS_URL, reason="REDIS_URL is unset: no Redis to check")
def test_health_reports_redis_and_whether_a_worker_was_seen(client):
    from weft.models import Heartbeat

    body = client.get("/healthz").json()
    assert body["checks"]["redis"] == {"status": "ok"}
    assert body["checks"]["workers"] == {"status": "down", "last_seen_seconds": None}
    assert body["status"] == "degraded"
    Heartbeat.objects.create(name="worker", seen_at=timezone.now())
    body = client.get("/healthz").json()
    assert body["checks"]["workers"]["status"] == "ok"
    assert body["status"] == "ok"


@pytest.mark.django_db
def test_health_reports_an_outbox_backlog_as_degraded(client, settings):
    settings.REDIS_URL = ""
    long_ago = timezone.now() - datetime.timedelta(minutes=5)
    OutboxMessage.objects.create(task_name=LAYOUT_TASK, args=[7], created_at=long_ago)
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["outbox"]["status"] == "backlog"
    assert body["checks"]["outbox"]["unsent"] == 1


@pytest.mark.django_db(transaction=True)
def test_sent_messages_are_forgotten_once_their_window_is_long_over(sent):
    two_hours_ago = timezone.now() - datetime.timedelta(hours=2)
    OutboxMessage.objects.create(
        task_name=LAYOUT_TASK, args=[1], sent_at=two_hours_ago, available_at=two_hours_ago
    )
    with transaction.atomic():
        queue_after_commit(LAYOUT_TASK, 2, debounce_seconds=60)
    # In-process, a send forgets them; with a worker, beat's drain task does.
    drain()
    assert list(OutboxMessage.objects.values_list("args", flat=True)) == [[2]]
