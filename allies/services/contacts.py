"""Contact details: personal data, written only by the roles that may read it."""

from django.db import transaction

from allies.models import Actor, ContactDetail
from coalitions.roles import Access, Permission
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
