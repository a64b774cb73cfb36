"""Shared principles and the member organisations' endorsements of them."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from coalitions.align.models import Endorsement, Principle
from coalitions.connect.services import require_voice
from coalitions.models import Coalition
from coalitions.roles import Access
from weft.errors import ApplicationError
from weft.history import deletion_record, deletion_undo
from weft.services import apply_changes, delete_as, locked, locked_at, save_as
from weft.validation import require_text


# -- Principles and endorsements
@transaction.atomic
def principle_create(
    *, coalition: Coalition, title: str, created_by, text: str = "", position=None
):
    title = require_text(title, field="title", what="The principle's title")[:200]
    if position is None:
        position = (
            Principle.objects.filter(coalition=coalition).aggregate(n=Max("position"))["n"] or 0
        ) + 1
    principle = Principle(
        coalition=coalition, title=title, text=(text or "").strip(), position=position
    )
    return save_as(principle, user=created_by)


@transaction.atomic
def principle_update(*, principle, expected_version, updated_by, **fields):
    principle = locked_at(principle, expected_version, what="This principle")
    if "title" in fields:
        fields["title"] = require_text(fields["title"], field="title", what="The title")[:200]
    if "text" in fields:
        fields["text"] = (fields["text"] or "").strip()
    return apply_changes(principle, fields, user=updated_by)


@transaction.atomic
def principle_delete(*, principle, expected_version, deleted_by) -> dict:
    """A principle goes, with its endorsements (history keeps both). Returns what went, for
    its undo (``principle_delete_undo``)."""
    principle = locked_at(principle, expected_version, what="This principle")
    undo = deletion_record(principle)
    delete_as(principle, user=deleted_by)
    return undo


@transaction.atomic
def principle_delete_undo(*, coalition: Coalition, record: dict, undone_by):
    """Bring back a principle deleted a moment ago, with its endorsements, as they were."""
    if record.get("model") != Principle._meta.label:
        raise ApplicationError("There is nothing of this page to undo.", status=404)
    return deletion_undo(
        record,
        user=undone_by,
        reason="deletion undone",
        what="The principle",
        coalition_id=coalition.pk,
    )


@transaction.atomic
def endorsement_add(*, access: Access, principle, organisation):
    """An organisation endorses a principle, once (a withdrawn endorsement may be renewed),
    through the roles that run the workflow or its own designee."""
    require_voice(access, organisation)
    principle = locked(principle)  # two clicks at once: one endorsement
    if Endorsement.objects.filter(
        principle=principle, organisation=organisation, withdrawn_at__isnull=True
    ).exists():
        raise ApplicationError(
            f"{organisation.name} already endorses this principle.",
            field="organisation",
            status=409,
            code="already_endorsed",
        )
    endorsement = Endorsement(
        principle=principle,
        organisation=organisation,
        endorsed_by=access.user,
        endorsed_at=timezone.now(),
    )
    return save_as(endorsement, user=access.user)


@transaction.atomic
def endorsement_update(*, access: Access, endorsement: Endorsement, withdrawn=None) -> Endorsement:
    """Withdraw an endorsement (``withdrawn``: true), by the roles that run the workflow or the
    organisation's own designee. Withdrawal is recorded with its date, never deleted; a
    withdrawal stands (to endorse again, endorse anew)."""
    endorsement = Endorsement.objects.select_for_update().get(pk=endorsement.pk)
    require_voice(access, endorsement.organisation)
    if withdrawn is False and endorsement.withdrawn_at is not None:
        raise ApplicationError("a withdrawal stands; endorse again instead.", field="withdrawn")
    if withdrawn and endorsement.withdrawn_at is None:
        endorsement.withdrawn_at = timezone.now()
        save_as(endorsement, user=access.user, update_fields=["withdrawn_at"])
    return endorsement
