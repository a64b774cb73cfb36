"""A hard memory ceiling around one call: ``within_memory(limit, fn, ...)`` runs ``fn`` in a
forked child process whose address space may grow by at most ``limit`` bytes
(``RLIMIT_AS``), and hands back its result (pickled through a pipe) or its exception. Past the
ceiling the child's allocations fail (a MemoryError, or the child dies) and the caller gets
``OverMemory``; the parent (a Celery worker, a web worker) never grows by what the call needed
on the way, only by its result.

Used around the reading of an uploaded file (networks/transfer/limits.py): a 19 MB graph file
can need gigabytes to parse. Where fork or RLIMIT_AS do not exist (not Linux), or with a
ceiling of 0, ``fn`` is called in-process without one."""

import contextlib
import ctypes
import gc
import logging
import os
import pickle
import signal
import sys
import warnings
from collections.abc import Callable
from typing import TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")

try:
    import resource
except ImportError:  # pragma: no cover - not POSIX
    resource = None

_PR_SET_PDEATHSIG = 1


class OverMemory(Exception):
    """The call needed more memory than its ceiling."""

    def __init__(self, limit: int, detail: str = ""):
        super().__init__(f"over the memory ceiling of {limit} bytes{detail}")
        self.limit = limit


def supported() -> bool:
    return (
        resource is not None
        and hasattr(resource, "RLIMIT_AS")
        and hasattr(os, "fork")
        and sys.platform.startswith("linux")
    )


def _address_space() -> int:
    """This process's virtual size in bytes (what RLIMIT_AS counts)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def within_memory(limit: int, fn: Callable[..., T], /, *args, **kwargs) -> T:
    """``fn(*args, **kwargs)`` with its memory growth capped at ``limit`` bytes. Raises
    OverMemory past it, or whatever ``fn`` raised (pickled back from the child)."""
    if limit <= 0 or not supported():
        return fn(*args, **kwargs)
    ceiling = _address_space() + limit
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():
        # Python 3.12 warns about fork in a process with threads (a lease's heartbeat): the
        # child only parses bytes in memory and leaves with os._exit, never touching a lock
        # another thread could hold (logging's are re-made after a fork).
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child
        os.close(read_end)
        _child(write_end, ceiling, fn, args, kwargs)  # never returns
    os.close(write_end)
    chunks = []
    with os.fdopen(read_end, "rb") as pipe:
        while chunk := pipe.read(1 << 20):
            chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    payload = b"".join(chunks)
    if not payload and os.WIFEXITED(status) and os.WEXITSTATUS(status) == 4:
        raise RuntimeError("the child process stopped without an answer")
    if not payload:
        detail = (
            f" (the reader was stopped by signal {os.WTERMSIG(status)})"
            if os.WIFSIGNALED(status)
            else ""
        )
        raise OverMemory(limit, detail)
    with gc_paused():
        outcome, value = pickle.loads(payload)  # noqa: S301 - our own child's bytes
    if outcome == "ok":
        return value
    if outcome == "memory":
        raise OverMemory(limit)
    raise value


@contextlib.contextmanager
def gc_paused():
    """The cyclic garbage collector off for a block that makes many objects and no cycles
    (unpickling a parsed file: 0.07 s instead of 0.25 s for 30,000 rows), then as it was."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _child(write_end: int, ceiling: int, fn, args, kwargs) -> None:
    code = 0
    try:
        with contextlib.suppress(OSError, AttributeError):
            # If the parent is killed (a hard time limit), the child goes with it.
            ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        _forget_connections()
        resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
        # The child lives for one call and makes no reference cycles worth collecting (a
        # parsed tree, plain rows). With the collector on, each collection would walk every
        # object inherited from the parent, copying its pages: 0.3 of 0.9 s for a 5,000-node
        # file (bench/import_bench.py). The ceiling still bounds what it allocates.
        gc.disable()
        try:
            payload = pickle.dumps(("ok", fn(*args, **kwargs)), protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            payload = pickle.dumps(("memory", None))
        except Exception as error:
            try:
                payload = pickle.dumps(("raised", error))
            except Exception:
                payload = pickle.dumps(("raised", RuntimeError(type(error).__name__)))
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(payload)
    except MemoryError:
        code = 3  # not even the answer fit: the parent reads nothing, and says so
    except BaseException:
        code = 4
    finally:
        os._exit(code)


def _forget_connections() -> None:
    """The parent's database connections are the parent's: the child drops its copies without
    closing them (closing would end the parent's session), and would open its own if it ever
    needed one."""
    try:
        from django.db import connections

        for connection in connections.all(initialized_only=True):
            connection.connection = None
    except Exception:  # noqa: S110 - Django not set up: nothing to forget
        pass
