"""The Redis transport for Celery, with one fix: a worker whose Redis goes away while it holds
unacknowledged messages must not exit.

When the connection drops, the worker closes its channel, and closing tries to give the
messages it holds back to Redis (``restore_unacked``); with the connection already gone, kombu
5.7 fails there with ``AttributeError: 'NoneType' object has no attribute 'hostname'``, which
the worker takes for an unrecoverable error: it exits and nothing works the queue until
someone restarts it. Nothing can be given back to a Redis that is away anyway: the messages
stay in Redis's unacknowledged set, which hands them out again after the visibility timeout
(weft/settings.py); runs and imports come back sooner through their leases. So the restore is
skipped, with a warning, and the worker reconnects as it does for any other connection loss.
Named by CELERY_BROKER_TRANSPORT in settings when Redis is the broker."""

import logging

from kombu.transport import redis as kombu_redis

logger = logging.getLogger(__name__)


class QoS(kombu_redis.QoS):
    def restore_unacked(self, client=None):
        try:
            return super().restore_unacked(client)
        except AttributeError:
            logger.warning(
                "broker connection gone: %s unacknowledged messages left to Redis to redeliver",
                len(self._delivered),
            )
            self._delivered.clear()
            return None


class Channel(kombu_redis.Channel):
    QoS = QoS


class Transport(kombu_redis.Transport):
    Channel = Channel
