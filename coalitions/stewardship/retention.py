"""Retention: what a coalition keeps no longer than its stewards decided (the periods on the
coalition, set on the privacy page; empty keeps for ever). A daily beat task
(coalitions/stewardship/tasks.py) removes, per coalition and in one transaction each:

- contact details of people with no interaction in the period (and their history rows, those
  of contact details deleted earlier included);
- the notes (summaries) of interactions older than the period, in their history too;
- signatures withdrawn, or never confirmed, longer ago than the period;
- invitations accepted, revoked or expired longer ago than the period;
- audit entries older than the period;

and writes one audit entry per coalition and run with the counts. The privacy page shows what
the next run will remove: the same querysets, counted.
"""

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from allies.models import Actor, ContactDetail
from coalitions.models import AuditAction, AuditEntry, Coalition
from coalitions.services import audit_record
from coalitions.stewardship.models import Invitation

KINDS = {
    "contacts": "contact details of people with no recent interaction",
    "interaction_notes": "interaction notes",
    "signatures": "withdrawn or unconfirmed signatures",
    "invitations": "closed invitations",
    "audit": "audit log entries",
}


@dataclass(frozen=True)
class Due:
    kind: str
    label: str
    days: int | None
    count: int


def _cutoff(now: datetime.datetime, days: int | None) -> datetime.datetime | None:
    return None if days is None else now - datetime.timedelta(days=days)


def _contacts(coalition: Coalition, cutoff) -> tuple[QuerySet, QuerySet]:
    """Contact details unchanged since the cutoff of people with no interaction since, and
    the history rows of contact details deleted before it."""
    participant = apps.get_model("networks", "InteractionParticipant")
    recent = participant.objects.filter(
        interaction__coalition=coalition, interaction__occurred_on__gte=cutoff.date()
    ).values("actor_id")
    rows = ContactDetail.objects.filter(actor__coalition=coalition, updated_at__lt=cutoff).exclude(
        actor_id__in=recent
    )
    history = ContactDetail.history.model.objects
    actors = Actor.history.model.objects.filter(coalition_id=coalition.pk).values("id")
    deleted = history.filter(actor_id__in=actors, history_type="-", history_date__lt=cutoff).values(
        "id"
    )
    return rows, history.filter(Q(id__in=deleted) | Q(id__in=rows.values("id")))


def _interactions(coalition: Coalition, cutoff) -> QuerySet:
    interaction = apps.get_model("networks", "Interaction")
    return interaction.objects.filter(coalition=coalition, occurred_on__lt=cutoff.date()).exclude(
        summary=""
    )


def _signatures(coalition: Coalition, cutoff) -> QuerySet:
    signature = apps.get_model("coalitions", "Signature")
    return signature.objects.filter(version__statement__coalition=coalition).filter(
        Q(withdrawn_at__lt=cutoff)
        | Q(withdrawn_at__isnull=True, confirmed_at__isnull=True, created_at__lt=cutoff)
    )


def _invitations(coalition: Coalition, cutoff) -> QuerySet:
    return Invitation.objects.filter(coalition=coalition).filter(
        Q(accepted_at__lt=cutoff)
        | Q(revoked_at__lt=cutoff)
        | Q(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__lt=cutoff)
    )


def _audit(coalition: Coalition, cutoff) -> QuerySet:
    return AuditEntry.objects.filter(coalition=coalition, created_at__lt=cutoff)


def retention_due(coalition: Coalition, now: datetime.datetime | None = None) -> list[Due]:
    """What the next run would remove, kind by kind (None: kept for ever)."""
    now = now or timezone.now()
    periods = _periods(coalition)
    due = []
    for kind, label in KINDS.items():
        cutoff = _cutoff(now, periods[kind])
        if cutoff is None:
            count = 0
        elif kind == "contacts":
            rows, history = _contacts(coalition, cutoff)
            count = rows.count()
        else:
            count = _QUERIES[kind](coalition, cutoff).count()
        due.append(Due(kind=kind, label=label, days=periods[kind], count=count))
    return due


def _periods(coalition: Coalition) -> dict[str, int | None]:
    return {
        "contacts": coalition.retain_contacts_days,
        "interaction_notes": coalition.retain_interaction_notes_days,
        "signatures": coalition.retain_signatures_days,
        "invitations": coalition.retain_invitations_days,
        "audit": coalition.retain_audit_days,
    }


_QUERIES = {
    "interaction_notes": _interactions,
    "signatures": _signatures,
    "invitations": _invitations,
    "audit": _audit,
}


@transaction.atomic
def retention_run(coalition: Coalition, now: datetime.datetime | None = None) -> dict[str, int]:
    """Remove what is past its period in one coalition; one audit entry with the counts."""
    now = now or timezone.now()
    periods = _periods(coalition)
    counts = dict.fromkeys(KINDS, 0)
    cutoff = _cutoff(now, periods["contacts"])
    if cutoff is not None:
        rows, history = _contacts(coalition, cutoff)
        ids = list(rows.values_list("pk", flat=True))
        history.delete()
        counts["contacts"] = ContactDetail.objects.filter(pk__in=ids).delete()[0]
        # Deleting records it in history: that record goes too.
        ContactDetail.history.filter(id__in=ids).delete()
    cutoff = _cutoff(now, periods["interaction_notes"])
    if cutoff is not None:
        rows = _interactions(coalition, cutoff)
        ids = list(rows.values_list("pk", flat=True))
        counts["interaction_notes"] = rows.update(summary="")
        rows.model.history.filter(id__in=ids).exclude(summary="").update(summary="")
    for kind in ("signatures", "invitations", "audit"):
        cutoff = _cutoff(now, periods[kind])
        if cutoff is not None:
            queryset = _QUERIES[kind](coalition, cutoff)
            counts[kind] = queryset.count()
            queryset.delete()
    audit_record(coalition=coalition, user=None, action=AuditAction.RETENTION_RUN, **counts)
    return counts


def retention_run_all(now: datetime.datetime | None = None) -> dict[int, dict[str, int]]:
    """The daily run: every coalition, each in its own transaction."""
    now = now or timezone.now()
    return {coalition.pk: retention_run(coalition, now) for coalition in Coalition.objects.all()}
