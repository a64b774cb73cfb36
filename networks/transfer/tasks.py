"""Celery task for large imports: thin, the job's id in, the work in services."""

from celery import shared_task
from django.http import Http404

from networks.transfer.models import ImportJob, ImportStatus


@shared_task(acks_late=True, name="networks.preview_import")
def preview_import(job_id: int) -> str:
    """Preview a queued import. Safe to run twice: only a job still queued is claimed."""
    from coalitions import roles
    from networks.transfer.services import empty_summary, import_job_preview

    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(progress=5)
    if not claimed:
        return "skipped"
    job = ImportJob.objects.get(pk=job_id)
    try:
        access = roles.access_for(job.created_by, job.coalition_id)
    except Http404:
        job.status = ImportStatus.FAILED
        job.summary = empty_summary(
            [{"sheet": "", "row": None, "column": "", "message": "the uploader has no role here"}]
        )
        job.save(update_fields=["status", "summary"])
        return job.status
    return import_job_preview(job=job, access=access).status
