"""Checks that services share; each refusal names the field."""

from coalitions.models import Coalition
from weft.errors import ApplicationError


# ---------------------------------------------------------------------------------------------
# The weaver's workflow. Each refusal names the field at fault; nothing is half written.
def require_text(value: str, *, field: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ApplicationError(f"{what} must not be blank.", field=field)
    return value


def require_actor_of(coalition: Coalition, actor, *, field: str) -> None:
    if actor is None or actor.coalition_id != coalition.pk:
        raise ApplicationError("Choose an actor of this coalition.", field=field)
