"""Leases on background work (metric runs, imports): a row being worked on carries when its
worker's claim ends (``lease_expires_at``). The worker renews it from a heartbeat thread while
it works; a worker that died (SIGKILL, a lost machine) stops renewing, and once the lease is
over the row is taken back: queued again or failed with a clear error (each app's reaper).
How long a lease lasts is one setting, WEFT_LEASE_SECONDS."""

import datetime
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from celery import current_app
from django.conf import settings
from django.db import connection
from django.utils import timezone

logger = logging.getLogger(__name__)


def lease_seconds() -> int:
    return settings.WEFT_LEASE_SECONDS


def lease_until() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(seconds=lease_seconds())


@contextmanager
def heartbeat(renew: Callable[[], object], *, every: float | None = None) -> Iterator[None]:
    """Call ``renew`` (which extends the lease) every quarter of a lease (or ``every``
    seconds, if sooner: a worker that also writes its progress) while the block runs, from a
    thread of its own (so a long computation without progress reports keeps its lease). The
    thread has its own database connection: it writes while the block's transaction is
    open. In-process (the embedded mode) there is no worker to lose: no thread."""
    if current_app.conf.task_always_eager:
        yield
        return
    stop = threading.Event()
    every = max(min(lease_seconds() / 4, every or lease_seconds()), 0.5)

    def loop() -> None:
        try:
            while not stop.wait(every):
                try:
                    renew()
                except Exception as error:  # the database away: the next beat tries again
                    logger.warning("lease renewal failed: %s", type(error).__name__)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=loop, name="lease-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=every + 5)
