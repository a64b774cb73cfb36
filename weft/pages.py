"""What every page view shares. A service's refusal (an ApplicationError) reaches the person
one way, wherever they are: on the form field it names (or above the form), on the page that
is shown again (``Attempt.refused``), or as a message on the page they are sent to; the page
answers with the refusal's status (412 for a stale form)."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.utils import timezone

from weft.errors import ApplicationError


@dataclass
class Attempt:
    """What came of a write from a page: its result, or the refusal (already shown)."""

    result: Any = None
    refused: ApplicationError | None = None

    @property
    def status(self) -> int:
        return self.refused.status if self.refused else 200


def attempt(request, write: Callable[[], Any], *, form=None, redirecting=True) -> Attempt:
    """Run ``write`` (one service call). A refusal is shown: on ``form``, at the field it names
    when the form has that field; else, when the view redirects, as a message for the page
    the person lands on; else the view shows ``Attempt.refused`` on the page it renders."""
    try:
        return Attempt(result=write())
    except ApplicationError as error:
        if form is not None:
            # On the field it names, if the person can see that field; else above the form.
            visible = error.field in form.fields and not form[error.field].is_hidden
            form.add_error(error.field if visible else None, error.message)
        elif redirecting:
            messages.error(request, error.message)
        return Attempt(refused=error)


def post_or_refuse(request, write: Callable[[], Any]) -> bool:
    """Run a write from a form; a refusal becomes a message on the page. True if it was done."""
    return attempt(request, write).refused is None


def date_or_none(value: str):
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def aware_or_none(value: str):
    """A datetime from a datetime-local input, in the current time zone; None if invalid."""
    try:
        moment = datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment
