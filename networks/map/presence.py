"""Who has a coalition's map open (the live map, issue #22): each poll of the map's changes
says "I am here" for ``TTL`` seconds, and reads back who else is.

With Redis (``REDIS_URL``) it is one sorted set per coalition (member: the user's id, score:
when the mark runs out), written and read in one round trip, shared by every gunicorn
process. In the embedded set-up (one process, no Redis) a dictionary in the process does the
same. When Redis does not answer, presence is unknown (None), never an error: the map's
changes do not depend on it. After a failure Redis is left alone for ``BACKOFF`` seconds, so
that a Redis that is down costs each poll nothing rather than a timeout.
"""

import logging
import threading
import time

from django.conf import settings

logger = logging.getLogger(__name__)

# Polls come every 2–3 s while a tab is visible; a hidden or closed tab drops out after this.
TTL = 20.0
BACKOFF = 5.0
TIMEOUT = 0.25  # seconds: a poll waits no longer for Redis than this

_local: dict[int, dict[str, float]] = {}
_local_lock = threading.Lock()
_client = None
_down_until = 0.0


def _redis():
    global _client
    if _client is None:
        import redis

        _client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT
        )
    return _client


def present(coalition_id: int, username: str) -> list[str] | None:
    """Mark ``username`` as having the map open, and return who else has (usernames,
    sorted), or None when that is unknown (Redis down). Names, not ids: a poll then reads no
    table to say who is here."""
    global _down_until
    now = time.time()
    if not settings.REDIS_URL:
        with _local_lock:
            here = _local.setdefault(coalition_id, {})
            here[username] = now + TTL
            for other, until in list(here.items()):
                if until <= now:
                    del here[other]
            return sorted(u for u in here if u != username)
    if now < _down_until:
        return None
    key = f"{settings.CACHES['default'].get('KEY_PREFIX', 'weft')}:map-presence:{coalition_id}"
    try:
        pipe = _redis().pipeline(transaction=False)
        pipe.zadd(key, {username: now + TTL})
        pipe.zremrangebyscore(key, "-inf", now)
        pipe.zrange(key, 0, -1)
        pipe.expire(key, int(TTL) + 5)
        members = pipe.execute()[2]
    except Exception as error:  # noqa: BLE001 (any Redis failure: presence unknown)
        _down_until = now + BACKOFF
        logger.warning("map presence unavailable: %s", type(error).__name__)
        return None
    names = (m.decode() if isinstance(m, bytes) else m for m in members)
    return sorted(name for name in names if name != username)


def forget_local() -> None:
    """Tests: start with nobody present (the embedded set-up's dictionary)."""
    with _local_lock:
        _local.clear()
