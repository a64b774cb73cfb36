"""Writes for funder reports: create a draft, write its narrative, publish it (freezing its
figures), and share it through links that expire, can be revoked, and are audited on every
opening. Each is one transaction with its audit row."""

import datetime
import secrets

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from coalitions.models import AuditAction, Coalition
from coalitions.notifications.models import NotificationKind
from coalitions.notifications.selectors import recipients
from coalitions.notifications.services import notify
from coalitions.reports import figures as reporting
from coalitions.reports.models import Report, ReportStatus, ShareLink
from coalitions.reports.selectors import build_snapshot, privacy_for, share_link_by_token
from coalitions.roles import Permission
from coalitions.services import audit_record
from weft.errors import ApplicationError
from weft.tokens import token_hash
from weft.versions import StaleVersion, is_current

LONGEST_PERIOD_DAYS = 731  # two years: a report compares periods, it is not an archive


NARRATIVE_MAX_LENGTH = 10_000


SHARE_LINK_DAYS = (1, 90)  # a link lives at least a day and at most a quarter


def _check_period(start: datetime.date, end: datetime.date) -> None:
    if end < start:
        raise ApplicationError("The period ends before it starts.", field="period_end")
    if (end - start).days > LONGEST_PERIOD_DAYS:
        raise ApplicationError("A report covers at most two years.", field="period_end")


def _check_narrative(coalition: Coalition, narrative: str) -> None:
    """A narrative is read by funders: it may not name a person, a sensitive actor or a
    contact detail (nor an organisation when the coalition shows counts only)."""
    if len(narrative) > NARRATIVE_MAX_LENGTH:
        raise ApplicationError(
            f"A narrative is at most {NARRATIVE_MAX_LENGTH:,} characters.", field="narrative"
        )
    found = reporting.withheld_in(narrative, privacy_for(coalition).withheld)
    if found:
        # The error does not repeat what was found: it may be a phone number, and error
        # bodies end up in logs.
        raise ApplicationError(
            f"The narrative names {len(found)} person, contact detail or hidden actor that a "
            "funder report may not show. Describe what happened without naming them.",
            field="narrative",
            code="personal_data",
        )


def _lock_draft(report: Report) -> Report:
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.DRAFT:
        raise ApplicationError(
            "A published report is frozen: start a new report for changes.",
            field="status",
            status=409,
            code="report_published",
        )
    return report


@transaction.atomic
def report_create(
    *,
    coalition: Coalition,
    created_by,
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
    narrative: str = "",
) -> Report:
    """A draft report; the last full quarter when no period is given."""
    if period_start is None and period_end is None:
        period_start, period_end = reporting.last_full_quarter(timezone.localdate())
    elif period_start is None or period_end is None:
        missing = "period_start" if period_start is None else "period_end"
        raise ApplicationError("Give both ends of the period, or neither.", field=missing)
    _check_period(period_start, period_end)
    if narrative:
        _check_narrative(coalition, narrative)
    return Report.objects.create(
        coalition=coalition,
        period_start=period_start,
        period_end=period_end,
        narrative=narrative,
        created_by=created_by,
    )


class StaleNarrative(StaleVersion):
    """The narrative was saved by someone else since the writer loaded it: nothing is
    overwritten. ``instance`` is the report as it is now."""

    def __init__(self, report: Report):
        who = report.narrative_updated_by.get_username() if report.narrative_updated_by else None
        when = (
            timezone.localtime(report.narrative_updated_at).strftime("%H:%M on %d %b %Y")
            if report.narrative_updated_at
            else None
        )
        by = f" by {who}" if who else ""
        at = f" at {when}" if when else ""
        super().__init__(
            report,
            what="The narrative",
            change={
                "changed_by": who,
                "changed_at": report.narrative_updated_at,
                "changed_fields": ["narrative"],
            },
            message=f"The narrative was changed{by}{at} since you opened it; your text was "
            "not saved. Their version is shown now: merge your changes into it and save again.",
        )


@transaction.atomic
def report_narrative_update(
    *, report: Report, narrative: str, updated_by, expected_version
) -> Report:
    """Write a draft's narrative, if it is still at ``expected_version`` (the version the
    writer loaded); otherwise :class:`StaleNarrative`, and nothing is written."""
    report = _lock_draft(report)
    if not is_current(report, expected_version):
        raise StaleNarrative(report)
    _check_narrative(report.coalition, narrative)
    report.narrative = narrative
    report.version += 1
    report.narrative_updated_by = updated_by
    report.narrative_updated_at = timezone.now()
    changed = ["narrative", "version", "narrative_updated_by", "narrative_updated_at"]
    report.save(update_fields=[*changed, "updated_at"])
    return report


@transaction.atomic
def report_publish(*, report: Report, published_by) -> Report:
    """Freeze the report's figures and narrative as they are now. The row is locked, so two
    organizers publishing at once publish it once."""
    report = _lock_draft(report)
    _check_narrative(report.coalition, report.narrative)
    report.snapshot = build_snapshot(
        report.coalition, report.period_start, report.period_end, narrative=report.narrative
    )
    report.status = ReportStatus.PUBLISHED
    report.published_at = timezone.now()
    report.published_by = published_by
    report.save(update_fields=["snapshot", "status", "published_at", "published_by", "updated_at"])
    audit_record(
        coalition=report.coalition,
        user=published_by,
        action=AuditAction.REPORT_PUBLISHED,
        report_id=report.pk,
    )
    notify(
        coalition_id=report.coalition_id,
        kind=NotificationKind.REPORT,
        title=f"Report published: {report.period_start:%d %b %Y} to {report.period_end:%d %b %Y}",
        path=reverse("report-detail", args=[report.coalition_id, report.pk]),
        user_ids=recipients(report.coalition_id, permission=Permission.REPORTS_VIEW),
        key=f"report:{report.pk}",
        exclude=published_by,
    )
    return report


@transaction.atomic
def share_link_create(
    *, report: Report, created_by, expires_in_days: int = 30
) -> tuple[ShareLink, str]:
    """A new link to a published report. Returns the link and its token: the token is not
    stored (only its hash), so this is the one time it can be shown."""
    if not report.is_published():
        raise ApplicationError(
            "Only a published report can be shared.",
            field="report",
            status=409,
            code="report_not_published",
        )
    low, high = SHARE_LINK_DAYS
    if not low <= expires_in_days <= high:
        raise ApplicationError(f"A link expires in {low} to {high} days.", field="expires_in_days")
    token = secrets.token_urlsafe(32)  # 256 bits: unguessable
    link = ShareLink.objects.create(
        report=report,
        token_hash=token_hash(token),
        created_by=created_by,
        expires_at=timezone.now() + datetime.timedelta(days=expires_in_days),
    )
    audit_record(
        coalition=report.coalition,
        user=created_by,
        action=AuditAction.SHARE_LINK_CREATED,
        report_id=report.pk,
        share_link_id=link.pk,
        expires_in_days=expires_in_days,
    )
    return link, token


@transaction.atomic
def share_link_revoke(*, link: ShareLink, revoked_by) -> ShareLink:
    link = ShareLink.objects.select_for_update().select_related("report").get(pk=link.pk)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.revoked_by = revoked_by
        link.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            coalition=link.report.coalition,
            user=revoked_by,
            action=AuditAction.SHARE_LINK_REVOKED,
            report_id=link.report_id,
            share_link_id=link.pk,
        )
    return link


@transaction.atomic
def share_link_open(*, token: str, what: str = "page") -> Report | None:
    """The report a link opens, with the opening written to the audit log (an expired or
    revoked link's attempt too), or None when the link is closed: the refusal is committed
    with its audit row, so it is returned, not raised. An unknown token is a 404: there is
    nothing to audit."""
    from django.http import Http404

    link = share_link_by_token(token or "")
    if link is None:
        raise Http404("No such link.")
    opened = link.is_open(timezone.now())
    audit_record(
        coalition=link.report.coalition,
        user=None,
        action=AuditAction.SHARE_LINK_OPENED if opened else AuditAction.SHARE_LINK_REFUSED,
        report_id=link.report_id,
        share_link_id=link.pk,
        format=what,
    )
    return link.report if opened else None
