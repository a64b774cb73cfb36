"""Celery task for large imports: thin, the job's id in, the work in services."""

import datetime

from celery import shared_task
from django.conf import settings
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from coalitions import roles
from networks.transfer.models import ImportJob, ImportStatus
from networks.transfer.services import PREVIEW_TASK, empty_summary, import_job_preview


def import_claim(*, job_id: int, task_id: str) -> bool:
    """Claim a queued import for this task with a conditional update: a job nobody started; or
    one this task id started before (the broker redelivers the same task after a lost worker,
    since tasks are acked late); or one started longer ago than the hard time limit (its worker
    is gone). A second delivery of the task while the first reads the file claims nothing. The
    job stays "queued" (what clients poll for) until its preview is written."""
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    claimable = Q(started_at__isnull=True) | Q(task_id=task_id) | Q(started_at__lt=stale)
    claimed = ImportJob.objects.filter(claimable, pk=job_id, status=ImportStatus.QUEUED).update(
        task_id=task_id, started_at=now, progress=5
    )
    return claimed == 1


@shared_task(bind=True, acks_late=True, name=PREVIEW_TASK)
def preview_import(self, job_id: int) -> str:
    """Preview a queued import. Safe to run twice: only a job this task claimed is read."""
    if not import_claim(job_id=job_id, task_id=self.request.id or ""):
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
