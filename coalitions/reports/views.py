"""Pages of funder reports: the list, one report (with its trend charts), its PDF and CSV,
the organizers' forms (new report, narrative, publish), the stewards' share links, and the
pages a share link opens without an account.

Access goes through the roles module: REPORTS_VIEW reads (funders: published reports only),
REPORTS_EDIT writes and publishes, REPORTS_SHARE makes and revokes share links.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from coalitions import roles
from coalitions.reports import figures as reporting
from coalitions.reports import selectors as report_selectors
from coalitions.reports import services as report_services
from coalitions.reports.models import Report
from coalitions.reports.narrative import render_narrative
from weft.errors import ApplicationError
from weft.pages import attempt

Permission = roles.Permission


def _report_for(access: roles.Access, report_id: int) -> Report:
    report = report_selectors.report_list_for(access).filter(pk=report_id).first()
    if report is None:
        raise Http404("No such report.")
    return report


def _context(report: Report, snapshot: dict) -> dict:
    return {
        "report": report,
        "snapshot": snapshot,
        "narrative_html": render_narrative(snapshot.get("narrative", "")),
        "trend": snapshot["trend"],
    }


def _filename(report: Report, extension: str) -> str:
    period = f"{report.period_start:%Y%m%d}-{report.period_end:%Y%m%d}"
    return f"report-{report.coalition_id}-{period}.{extension}"


def _fetch_nothing(url: str, *args, **kwargs):
    """WeasyPrint fetches nothing: the PDF's styles and charts are inline, and a report
    must not make the server request URLs (its own or anyone's)."""
    raise ValueError("a report PDF loads no external resource")


def pdf_response(report: Report, snapshot: dict) -> HttpResponse:
    from weasyprint import HTML

    context = _context(report, snapshot)
    context["charts"] = [
        {
            "label": series["label"],
            "svg": reporting.trend_svg(series["values"], snapshot["trend"]["labels"]),
        }
        for series in snapshot["trend"]["series"]
    ]
    html = render_to_string("coalitions/reports/report_pdf.html", context)
    pdf = HTML(string=html, url_fetcher=_fetch_nothing).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, "pdf")}"'
    return response


def csv_response(report: Report, snapshot: dict) -> HttpResponse:
    response = HttpResponse(reporting.figures_csv(snapshot), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, "csv")}"'
    return response


# ---------------------------------------------------------------------------------------------
# Signed-in pages


@login_required
def report_list(request, coalition_id: int):
    access = roles.require(request.user, coalition_id, Permission.REPORTS_VIEW)
    default_start, default_end = reporting.last_full_quarter(timezone.localdate())
    return render(
        request,
        "coalitions/reports/list.html",
        {
            "access": access,
            "coalition": access.coalition,
            "reports": report_selectors.report_list_for(access),
            "can_edit": access.can(Permission.REPORTS_EDIT),
            "default_start": default_start,
            "default_end": default_end,
        },
    )


@login_required
@require_POST
def report_new(request, coalition_id: int):
    access = roles.require(request.user, coalition_id, Permission.REPORTS_EDIT)
    created = attempt(
        request,
        lambda: report_services.report_create(
            coalition=access.coalition,
            created_by=request.user,
            period_start=_date(request.POST.get("period_start"), "period_start"),
            period_end=_date(request.POST.get("period_end"), "period_end"),
        ),
    )
    if created.refused:
        return redirect("report-list", coalition_id=access.coalition.pk)
    return redirect("report-detail", coalition_id=access.coalition.pk, report_id=created.result.pk)


def _date(value: str | None, field: str) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ApplicationError("Give a date as YYYY-MM-DD.", field=field) from None


@login_required
def report_detail(request, coalition_id: int, report_id: int):
    access = roles.require(request.user, coalition_id, Permission.REPORTS_VIEW)
    return report_page(request, access, _report_for(access, report_id))


def report_page(
    request, access: roles.Access, report: Report, *, mine: str | None = None, status: int = 200
):
    """One report's page. ``mine`` is the writer's own narrative after a conflicting save:
    shown beside the saved one so that nothing typed is lost."""
    context = _context(report, report_selectors.report_figures(report))
    context["mine"] = mine
    context.update(
        access=access,
        coalition=access.coalition,
        can_edit=access.can(Permission.REPORTS_EDIT) and not report.is_published(),
        can_share=access.can(Permission.REPORTS_SHARE) and report.is_published(),
        pdf_url=reverse("report-pdf", args=[access.coalition.pk, report.pk]),
        csv_url=reverse("report-csv", args=[access.coalition.pk, report.pk]),
    )
    if context["can_share"]:
        context["share_links"] = report_selectors.share_links_of(report)
        context["now"] = timezone.now()
        context["new_share_url"] = request.session.pop(f"share-link-{report.pk}", None)
    return render(request, "coalitions/reports/report.html", context, status=status)


@login_required
def report_pdf(request, coalition_id: int, report_id: int):
    access = roles.require(request.user, coalition_id, Permission.REPORTS_VIEW)
    report = _report_for(access, report_id)
    return pdf_response(report, report_selectors.report_figures(report))


@login_required
def report_csv(request, coalition_id: int, report_id: int):
    access = roles.require(request.user, coalition_id, Permission.REPORTS_VIEW)
    report = _report_for(access, report_id)
    return csv_response(report, report_selectors.report_figures(report))


@login_required
@require_POST
def report_narrative(request, coalition_id: int, report_id: int):
    access = roles.require(request.user, coalition_id, Permission.REPORTS_EDIT)
    report = _report_for(access, report_id)
    narrative = request.POST.get("narrative", "")
    saved = attempt(
        request,
        lambda: report_services.report_narrative_update(
            report=report,
            narrative=narrative,
            updated_by=request.user,
            expected_version=request.POST.get("version", ""),
        ),
    )
    if isinstance(saved.refused, report_services.StaleNarrative):
        # Nothing is overwritten: the page shows the saved text, and the writer's own text
        # beside it so that it is not lost.
        return report_page(
            request, access, saved.refused.instance, mine=narrative, status=saved.status
        )
    if not saved.refused:
        messages.success(request, "Narrative saved.")
    return redirect("report-detail", coalition_id=access.coalition.pk, report_id=report.pk)


@login_required
@require_POST
def report_publish(request, coalition_id: int, report_id: int):
    access = roles.require(request.user, coalition_id, Permission.REPORTS_EDIT)
    report = _report_for(access, report_id)
    published = attempt(
        request, lambda: report_services.report_publish(report=report, published_by=request.user)
    )
    if not published.refused:
        messages.success(request, "Published: funders can read this report now.")
    return redirect("report-detail", coalition_id=access.coalition.pk, report_id=report.pk)


@login_required
@require_POST
def share_link_new(request, coalition_id: int, report_id: int):
    access = roles.require(request.user, coalition_id, Permission.REPORTS_SHARE)
    report = _report_for(access, report_id)
    days = request.POST.get("expires_in_days", "30")
    if not days.isdigit():
        messages.error(request, "Give the number of days the link should last.")
        return redirect("report-detail", coalition_id=access.coalition.pk, report_id=report.pk)
    created = attempt(
        request,
        lambda: report_services.share_link_create(
            report=report, created_by=request.user, expires_in_days=int(days)
        ),
    )
    if not created.refused:
        _, token = created.result
        # Shown once, on the next page: the token itself is never stored.
        request.session[f"share-link-{report.pk}"] = request.build_absolute_uri(
            reverse("shared-report", args=[token])
        )
    return redirect("report-detail", coalition_id=access.coalition.pk, report_id=report.pk)


@login_required
@require_POST
def share_link_revoke(request, coalition_id: int, report_id: int, link_id: int):
    access = roles.require(request.user, coalition_id, Permission.REPORTS_SHARE)
    report = _report_for(access, report_id)
    link = report.share_links.filter(pk=link_id).first()
    if link is None:
        raise Http404("No such link.")
    report_services.share_link_revoke(link=link, revoked_by=request.user)
    messages.success(request, "The link is revoked: it opens nothing any more.")
    return redirect("report-detail", coalition_id=access.coalition.pk, report_id=report.pk)


# ---------------------------------------------------------------------------------------------
# Through a share link, without an account


SHARED_SESSION_KEY = "weft_shared_links"


@never_cache
def shared_link_exchange(request, token: str, then: str = "shared-report-view"):
    """A share link's address: its token goes into the visitor's session and the browser on to
    the same report at an address without it. Unknown: 404; closed: refused (and audited) at
    the address it leads to."""
    link = report_selectors.share_link_by_token(token)
    if link is None:
        raise Http404("No such link.")
    links = dict(request.session.get(SHARED_SESSION_KEY, {}))
    links[str(link.pk)] = token
    request.session[SHARED_SESSION_KEY] = links
    response = redirect(then, link_id=link.pk)
    response["Referrer-Policy"] = "no-referrer"
    return response


def _shared(request, link_id: int, what: str):
    token = request.session.get(SHARED_SESSION_KEY, {}).get(str(link_id))
    if token is None:
        raise Http404("Open the link you were given again.")
    report = report_services.share_link_open(token=token, what=what)
    if report is None:
        response = render(request, "coalitions/reports/link_closed.html", status=410)
        return None, response
    return report, None


@never_cache
def shared_report(request, link_id: int):
    report, closed = _shared(request, link_id, "page")
    if closed:
        return closed
    context = _context(report, report_selectors.report_figures(report))
    context.update(
        shared=True,
        coalition=report.coalition,
        pdf_url=reverse("shared-report-view-pdf", args=[link_id]),
        csv_url=reverse("shared-report-view-csv", args=[link_id]),
    )
    response = render(request, "coalitions/reports/report.html", context)
    # Nothing of where the visitor came from goes on to any other site.
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
def shared_report_pdf(request, link_id: int):
    report, closed = _shared(request, link_id, "pdf")
    if closed:
        return closed
    return pdf_response(report, report_selectors.report_figures(report))


@never_cache
def shared_report_csv(request, link_id: int):
    report, closed = _shared(request, link_id, "csv")
    if closed:
        return closed
    return csv_response(report, report_selectors.report_figures(report))
