"""The import page: upload a file, read the preview (every problem by sheet, row and column,
every suggested duplicate with a merge-or-create choice), confirm. Thin: the services do it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from coalitions import roles
from coalitions.roles import Permission
from networks.map.models import SavedView
from networks.transfer.columns import FIELDS, IGNORE
from networks.transfer.models import ImportStatus
from networks.transfer.services import (
    EXPORT_FORMATS,
    empty_summary,
    import_columns,
    import_confirm,
    import_job_for,
    import_preview,
    max_file_bytes,
    require_importer,
)
from networks.transfer.twomode import affiliations_import_upload
from weft.pages import attempt

DECISION_PREFIX = "decision:"
COLUMN_PREFIX = "column:"


def _importer(request, coalition_id):
    access = roles.require(request.user, coalition_id, Permission.MAP_EDIT)
    require_importer(access)
    return access


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request, coalition_id: int):
    access = _importer(request, coalition_id)
    error = None
    if request.method == "POST":
        uploaded = request.FILES.get("file")
        if uploaded is None:
            error = "Choose a file to upload."
        elif uploaded.size > max_file_bytes():
            error = f"The file is over the limit of {max_file_bytes() // 1048576} MB."
        else:
            pin = request.POST.get("pin_positions") == "on"
            previewed = attempt(
                request,
                lambda: import_preview(
                    access=access,
                    filename=uploaded.name or "upload",
                    content=uploaded.read(),
                    pin_positions=pin,
                ),
                redirecting=False,
            )
            if not previewed.refused:
                return redirect(
                    "transfer-import-job",
                    coalition_id=access.coalition.pk,
                    job_id=previewed.result.pk,
                )
            error = previewed.refused.message
    return _import_page(request, access, error=error)


def _import_page(request, access, *, error=None, affiliations_error=None, status=None):
    return render(
        request,
        "networks/import.html",
        {
            "coalition": access.coalition,
            "access": access,
            "error": error,
            "affiliations_error": affiliations_error,
            "max_mb": max_file_bytes() // 1048576,
            "formats": EXPORT_FORMATS,
            "saved_views": SavedView.objects.filter(coalition=access.coalition).order_by("name"),
        },
        status=status or (400 if error or affiliations_error else 200),
    )


@login_required
@require_POST
def import_affiliations(request, coalition_id: int):
    """The second kind of upload: people and the groups they belong to (a two-mode file),
    imported at once in one transaction through the API's service; a refusal names the rows
    and nothing is written."""
    access = _importer(request, coalition_id)
    uploaded = request.FILES.get("file")
    if uploaded is None:
        return _import_page(request, access, affiliations_error="Choose a file to upload.")
    done = attempt(
        request,
        lambda: affiliations_import_upload(access=access, uploaded=uploaded),
        redirecting=False,
    )
    if done.refused:
        message = done.refused.message
        # The service names the field's fault ("is empty."): say whose.
        if message[:1].islower() and not message.startswith("row "):
            message = f"The file {message}"
        return _import_page(request, access, affiliations_error=message, status=done.refused.status)
    created = done.result
    messages.success(
        request,
        f"Imported: {created['people']} people and {created['groups']} groups created, "
        f"{created['affiliations']} affiliations added.",
    )
    return redirect("transfer-import", coalition_id=access.coalition.pk)


@login_required
def import_job(request, coalition_id: int, job_id: int):
    access = _importer(request, coalition_id)
    job = import_job_for(access, job_id)
    return render(
        request,
        "networks/import_preview.html",
        {
            "coalition": access.coalition,
            "job": job,
            "summary": job.summary or empty_summary([]),
            "queued": job.status in (ImportStatus.QUEUED, ImportStatus.APPLYING),
            "applying": job.status == ImportStatus.APPLYING,
            "applied": job.status == ImportStatus.APPLIED,
            "column_rows": _column_rows(job),
            "fields": FIELDS,
            "ignore": IGNORE,
        },
    )


def _column_rows(job) -> list[tuple[str, str, str]]:
    """(column, its field name in the form, the field it is mapped to) of a CSV not yet
    applied, for the preview's column-mapping step (from the summary: the upload itself is
    not read to show the page)."""
    if job.status != ImportStatus.PREVIEWED or job.file_format != "csv":
        return []
    summary = job.summary or {}
    mapping = summary.get("column_mapping") or {}
    return [
        (column, f"{COLUMN_PREFIX}{number}", mapping.get(column, ""))
        for number, column in enumerate(summary.get("columns") or [])
    ]


@login_required
@require_POST
def import_job_columns(request, coalition_id: int, job_id: int):
    """The preview's column-mapping form: each column's field, then the preview again."""
    access = _importer(request, coalition_id)
    job = import_job_for(access, job_id)
    columns = {
        column: request.POST.get(name, "")
        for column, name, _ in _column_rows(job)
        if name in request.POST
    }
    mapped = attempt(request, lambda: import_columns(access=access, job_id=job_id, columns=columns))
    if not mapped.refused:
        messages.success(request, "The columns are mapped; here is the preview again.")
    return redirect("transfer-import-job", coalition_id=access.coalition.pk, job_id=job_id)


@login_required
@require_POST
def import_job_confirm(request, coalition_id: int, job_id: int):
    access = _importer(request, coalition_id)
    decisions = {
        name[len(DECISION_PREFIX) :]: value
        for name, value in request.POST.items()
        if name.startswith(DECISION_PREFIX)
    }
    confirmed = attempt(
        request, lambda: import_confirm(access=access, job_id=job_id, decisions=decisions)
    )
    if not confirmed.refused and confirmed.result.status == ImportStatus.APPLYING:
        messages.success(request, "The import is being applied; this page shows when it is done.")
    elif not confirmed.refused:
        summary = confirmed.result.summary
        messages.success(
            request,
            f"Imported: {summary['actors_created']} actors created, "
            f"{summary['actors_updated']} updated, {summary['ties_created']} ties created, "
            f"{summary['ties_updated']} updated.",
        )
    return redirect("transfer-import-job", coalition_id=access.coalition.pk, job_id=job_id)
