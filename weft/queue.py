"""Work for a worker, queued once the transaction that asked for it commits: the worker then
sees the rows the request wrote, and a request that rolled back queues nothing.

Tasks are named, not imported: a service of a lower layer (an actor's edit) asks for work that
a higher one does (a metric run), and Celery's registry finds the task by its name.
"""

from celery import current_app
from django.core.cache import cache
from django.db import transaction


def queue_after_commit(task_name: str, *args, debounce_seconds: int | None = None, **kwargs):
    """Queue the task named ``task_name`` after commit. With ``debounce_seconds``, at most
    once per that many seconds for the same task and arguments, that many seconds later: a
    burst of edits is worked on once, when it is over (in the embedded mode tasks run
    in-process and ignore the countdown, so the first edit of a burst is worked on at once)."""
    if debounce_seconds is None:

        def queue() -> None:
            current_app.tasks[task_name].apply_async(args, kwargs)

    else:
        key = f"weft:debounce:{task_name}:{':'.join(str(arg) for arg in args)}"

        def queue() -> None:
            if cache.add(key, 1, debounce_seconds):
                current_app.tasks[task_name].apply_async(args, kwargs, countdown=debounce_seconds)

    transaction.on_commit(queue, robust=True)
