"""Reads of the steward's pages: members and their roles, invitations, the audit log."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from allies.models import Actor
from coalitions.models import AuditAction, AuditEntry, Coalition, Role
from coalitions.stewardship.models import Invitation
from weft.vocabulary import ActorKind


def current_roles(coalition: Coalition) -> QuerySet[Role]:
    return (
        Role.objects.current()
        .filter(coalition=coalition)
        .select_related("user", "organisation", "person", "granted_by")
        .order_by("role", "user__username")
    )


def invitations(coalition: Coalition) -> QuerySet[Invitation]:
    return Invitation.objects.filter(coalition=coalition).select_related(
        "organisation", "person", "created_by", "accepted_by"
    )


def actors_of_kind(coalition: Coalition, kind: str) -> QuerySet[Actor]:
    """Organisations or people to link a role to (sensitive ones too: only stewards choose)."""
    return Actor.objects.filter(coalition=coalition, kind=kind).order_by("name", "id")


def organisations(coalition: Coalition) -> QuerySet[Actor]:
    return actors_of_kind(coalition, ActorKind.ORGANISATION)


def people(coalition: Coalition) -> QuerySet[Actor]:
    return actors_of_kind(coalition, ActorKind.PERSON)


def audit_entries(
    coalition: Coalition,
    *,
    action: str | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[AuditEntry]:
    """The coalition's audit log, newest first, filtered by kind and by dates (inclusive, in
    the site's time zone)."""
    entries = AuditEntry.objects.filter(coalition=coalition).select_related("user")
    if action in AuditAction.values:
        entries = entries.filter(action=action)
    zone = timezone.get_current_timezone()
    if since is not None:
        start = datetime.datetime.combine(since, datetime.time.min, tzinfo=zone)
        entries = entries.filter(created_at__gte=start)
    if until is not None:
        end = datetime.datetime.combine(
            until + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
        )
        entries = entries.filter(created_at__lt=end)
    return entries.order_by("-created_at", "-id")


def describe_details(details: dict) -> str:
    """An audit row's details in words: ids and counts only, as they were written."""
    return ", ".join(f"{key.replace('_', ' ')}: {value}" for key, value in sorted(details.items()))
