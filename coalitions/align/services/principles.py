"""Shared principles and the member organisations' endorsements of them."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from coalitions.align.models import Endorsement, Principle
from coalitions.models import Coalition
from weft.db import locked
from weft.errors import ApplicationError
from weft.forms import require_version
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
    principle._history_user = created_by
    principle.save()
    return principle


@transaction.atomic
def principle_update(*, principle, expected_version, updated_by, **fields):
    principle = locked(Principle, principle)
    require_version(principle, expected_version, what="This principle")
    if "title" in fields:
        fields["title"] = require_text(fields["title"], field="title", what="The title")[:200]
    if "text" in fields:
        fields["text"] = (fields["text"] or "").strip()
    for field, value in fields.items():
        setattr(principle, field, value)
    principle._history_user = updated_by
    principle.save()
    return principle


@transaction.atomic
def endorsement_add(*, principle, organisation, endorsed_by):
    """An organisation endorses a principle, once (a withdrawn endorsement may be renewed)."""
    principle = locked(Principle, principle)  # two clicks at once: one endorsement
    if Endorsement.objects.filter(
        principle=principle, organisation=organisation, withdrawn_at__isnull=True
    ).exists():
        raise ApplicationError(
            f"{organisation.name} already endorses this principle.",
            field="organisation", status=409, code="already_endorsed",
        )  # fmt: skip
    endorsement = Endorsement(
        principle=principle, organisation=organisation, endorsed_by=endorsed_by,
        endorsed_at=timezone.now(),
    )  # fmt: skip
    endorsement._history_user = endorsed_by
    endorsement.save()
    return endorsement


@transaction.atomic
def endorsement_withdraw(*, principle, organisation, withdrawn_by):
    """Withdrawal is recorded with its date, never deleted."""
    endorsement = (
        Endorsement.objects.select_for_update()
        .filter(principle=principle, organisation=organisation, withdrawn_at__isnull=True)
        .first()
    )
    if endorsement is None:
        raise ApplicationError(
            f"{organisation.name} does not endorse this principle.",
            field="organisation", status=409, code="not_endorsed",
        )  # fmt: skip
    endorsement.withdrawn_at = timezone.now()
    endorsement._history_user = withdrawn_by
    endorsement.save(update_fields=["withdrawn_at"])
    return endorsement
