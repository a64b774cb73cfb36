"""Contact details: personal data, written only by the roles that may read it."""

from django.db import transaction
from django.http import Http404

from allies.models import Actor, ContactDetail
from coalitions.roles import Access, Permission
from weft.errors import ApplicationError
from weft.history import restore_row
from weft.services import apply_changes, delete_as, locked_at, save_as
from weft.validation import require_actor_of, require_text


def _require_writer(access: Access, actor: Actor) -> None:
    access.require(Permission.CONTACTS_EDIT)
    require_actor_of(access.coalition, actor, field="actor")


@transaction.atomic
def contact_detail_create(
    *,
    access: Access,
    actor: Actor,
    kind: str,
    value: str,
    label: str = "",
    is_primary: bool = False,
) -> ContactDetail:
    _require_writer(access, actor)
    detail = ContactDetail(
        actor=actor,
        kind=kind,
        value=require_text(value, field="value", what="The contact detail"),
        label=label,
        is_primary=is_primary,
    )
    return save_as(detail, user=access.user)


@transaction.atomic
def contact_detail_update(
    *, access: Access, detail: ContactDetail, expected_version, **changes
) -> ContactDetail:
    detail = locked_at(detail, expected_version, what="This contact detail")
    _require_writer(access, changes.get("actor", detail.actor))
    if "value" in changes:
        changes["value"] = require_text(changes["value"], field="value", what="The contact detail")
    return apply_changes(detail, changes, user=access.user)


@transaction.atomic
def contact_detail_delete(*, access: Access, detail: ContactDetail, expected_version) -> None:
    detail = locked_at(detail, expected_version, what="This contact detail")
    _require_writer(access, detail.actor)
    delete_as(detail, user=access.user)


@transaction.atomic
def contact_detail_restore(*, access: Access, detail_id: int, history_id: int) -> ContactDetail:
    """Undo a deletion: the contact detail as it was deleted, if its actor is still there."""
    access.require(Permission.CONTACTS_EDIT)
    record = ContactDetail.history.filter(
        history_id=history_id, id=detail_id, history_type="-"
    ).first()
    actor = Actor.objects.filter(pk=getattr(record, "actor_id", None)).first()
    if record is None or actor is None or actor.coalition_id != access.coalition.pk:
        raise Http404("No such deleted contact detail.")
    if actor.is_sensitive and not access.sees_sensitive:
        raise Http404("No such deleted contact detail.")
    if ContactDetail.objects.filter(pk=detail_id).exists():
        raise ApplicationError("This contact detail is back already.", status=409, code="conflict")
    detail, _ = restore_row(record, user=access.user, reason="deletion undone")
    return detail
