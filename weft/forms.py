"""What every form page shares: a stale form is refused, never saved over a newer change."""

from django.utils import timezone

from weft.errors import ApplicationError


# -- Edits from forms: a stale form is refused, never saved over a newer change
def require_version(instance, expected, *, what: str) -> None:
    """Refuse a form edit made on an older version of ``instance`` (the form carries the
    version it was opened on, as the API's If-Match does). The caller holds the row lock."""

    try:
        expected = int(expected)
    except (TypeError, ValueError):
        raise ApplicationError(
            "The form did not say which version it changes: reload the page.",
            field="version", status=428, code="version_required",
        ) from None  # fmt: skip
    if instance.version == expected:
        return
    last = instance.history.order_by("-history_date").select_related("history_user").first()
    who = last.history_user.get_username() if last and last.history_user else "someone"
    when = f" at {timezone.localtime(last.history_date):%Y-%m-%d %H:%M}" if last else ""
    raise ApplicationError(
        f"{what} was changed by {who}{when} since you opened the form; your change was not "
        "saved. Reload to see the new version, then make your change again.",
        field="version", status=409, code="stale_version",
    )  # fmt: skip
