"""Throttles that keep working when Redis is away.

- Sign-in attempts (the sign-in page and the API's token endpoint) are counted in the
  database (weft/models.py, AttemptCounter): signing in never needs Redis, and guessing
  passwords stays slow while it is away. If the database is away too, the attempt fails
  (closed): a 503, never a guess let through.
- Writes are counted in the cache; with the cache away they are let through (open) with a
  logged warning: the edit matters more than the rate limit.
"""

import datetime
import hashlib
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import throttling
from rest_framework.permissions import SAFE_METHODS

from weft.models import AttemptCounter

logger = logging.getLogger(__name__)

PERIODS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """("10/min") → (10, 60)."""
    number, period = rate.split("/", 1)
    return int(number), PERIODS[period.strip().lower()]


def login_rate() -> tuple[int, int]:
    return parse_rate(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["login"])


def attempt(scope: str, client: str) -> tuple[bool, int]:
    """Count one attempt of ``client`` (an address) at ``scope``. Returns (allowed, seconds
    until the window ends). Fixed windows of the rate's period."""
    limit, period = login_rate()
    now = timezone.now()
    epoch = int(now.timestamp())
    start = datetime.datetime.fromtimestamp(epoch - epoch % period, tz=datetime.UTC)
    key = hashlib.sha256(f"{scope}:{client}".encode()).hexdigest()
    for _ in range(2):  # a first attempt racing another creates the row once
        try:
            with transaction.atomic():
                row, _ = AttemptCounter.objects.select_for_update().get_or_create(
                    key=key, defaults={"window_start": start, "count": 0}
                )
                if row.window_start != start:
                    row.window_start, row.count = start, 0
                row.count += 1
                row.save(update_fields=["window_start", "count"])
            break
        except IntegrityError:
            continue
    else:  # created twice by others in between: count on the row that won
        row = AttemptCounter.objects.get(key=key)
    remaining = int((start - now).total_seconds()) + period
    return row.count <= limit, max(remaining, 1)


class LoginThrottle(throttling.BaseThrottle):
    """The token endpoint's throttle: sign-in attempts per client address, in the database."""

    def allow_request(self, request, view):
        allowed, self._wait = attempt("login", self.get_ident(request))
        return allowed

    def wait(self):
        return getattr(self, "_wait", None)


class WriteThrottle(throttling.UserRateThrottle):
    """Writes are throttled per user; reads are not. With the cache away, writes pass."""

    scope = "writes"

    def allow_request(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        try:
            return super().allow_request(request, view)
        except Exception as error:  # Redis away: fail open, the edit is what matters
            logger.warning("write throttle skipped, cache unavailable: %s", type(error).__name__)
            return True
