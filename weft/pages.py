"""What every page view shares: a refusal becomes a message on the page."""

import datetime

from django.contrib import messages
from django.utils import timezone

from weft.errors import ApplicationError


def show_refusal(request, error: ApplicationError) -> None:
    messages.error(request, error.message)


def post_or_refuse(request, write) -> bool:
    """Run a write from a form; a refusal becomes an error message on the page."""
    try:
        write()
    except ApplicationError as error:
        show_refusal(request, error)
        return False
    return True


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
