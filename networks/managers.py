"""QuerySets for ties."""

import datetime

from django.db import models
from django.db.models import Q


class TieQuerySet(models.QuerySet):
    def visible(self, *, include_sensitive: bool) -> "TieQuerySet":
        """A tie is hidden when it is sensitive or touches a sensitive actor."""
        if include_sensitive:
            return self
        return self.filter(
            is_sensitive=False, source__is_sensitive=False, target__is_sensitive=False
        )

    def current(self, on: datetime.date) -> "TieQuerySet":
        """Ties that existed on ``on``: started by then (or undated) and not yet ended."""
        return self.filter(
            Q(started_on__isnull=True) | Q(started_on__lte=on),
            Q(ended_on__isnull=True) | Q(ended_on__gte=on),
        )
