"""Celery tasks for large imports, and their lifecycle: a job is claimed under a lease that
its worker renews; a job whose worker died is queued again, or failed with a clear error
(and its upload deleted) after WEFT_RUN_MAX_ATTEMPTS claims."""

import datetime
import logging

from celery import Task, shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone

from coalitions import roles
from networks.transfer.models import ImportJob, ImportStatus
from networks.transfer.services import (
    CONFIRM_TASK,
    PREVIEW_TASK,
    ImportProgress,
    empty_summary,
    import_confirm,
    import_job_preview,
)
from weft.leases import heartbeat, lease_until
from weft.queue import queue_after_commit

logger = logging.getLogger(__name__)

RETRYABLE = (OperationalError, InterfaceError, ConnectionError)


def import_claim(*, job_id: int, task_id: str) -> bool:
    """Claim a queued import for this task with a conditional update: a job nobody started;
    or one this task id started before (the broker redelivers the same task after a lost
    worker, since tasks are acked late); or one whose lease ran out (its worker is gone). A
    second delivery of the task while the first reads the file claims nothing. The job stays
    "queued" (what clients poll for) until its preview is written."""
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    claimable = (
        Q(started_at__isnull=True)
        | Q(task_id=task_id)
        | Q(lease_expires_at__lt=now)
        | Q(lease_expires_at__isnull=True, started_at__lt=stale)
    )
    claimed = ImportJob.objects.filter(claimable, pk=job_id, status=ImportStatus.QUEUED).update(
        task_id=task_id,
        started_at=now,
        progress=5,
        lease_expires_at=lease_until(),
        attempts=F("attempts") + 1,
    )
    return claimed == 1


def import_job_fail(*, job_id: int, message: str) -> int:
    """A queued job that cannot be read: failed, saying why, and its upload deleted."""
    return ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.FAILED,
        summary=empty_summary([{"sheet": "", "row": None, "column": "", "message": message}]),
        content=b"",
        parsed=b"",
        progress=100,
        stage="failed",
        lease_expires_at=None,
    )


def import_job_fail_applying(*, job_id: int, message: str) -> int:
    """A confirmed import whose worker could not apply it: failed, nothing written (its
    transaction rolled back), the upload deleted."""
    return ImportJob.objects.filter(pk=job_id, status=ImportStatus.APPLYING).update(
        status=ImportStatus.FAILED,
        summary=empty_summary([{"sheet": "", "row": None, "column": "", "message": message}]),
        content=b"",
        parsed=b"",
        progress=100,
        stage="failed",
        lease_expires_at=None,
    )


def import_jobs_reap() -> dict[str, int]:
    """Imports whose lease is over: read (queued) or applied (applying) by a worker that
    died, or whose message was lost. Queued again up to WEFT_RUN_MAX_ATTEMPTS claims, then
    failed (upload deleted); a job no worker took for WEFT_RUN_PENDING_MAX_SECONDS fails too.
    A job locked by someone (a person's confirm in its request) is skipped; a worker applying
    a job renews its lease every couple of seconds."""
    now = timezone.now()
    too_old = now - datetime.timedelta(seconds=settings.WEFT_RUN_PENDING_MAX_SECONDS)
    counts = {"requeued": 0, "failed": 0}
    expired = ImportJob.objects.filter(
        status__in=(ImportStatus.QUEUED, ImportStatus.APPLYING), lease_expires_at__lt=now
    )
    for pk in list(expired.values_list("pk", flat=True)):
        with transaction.atomic():
            job = (
                expired.select_for_update(skip_locked=True)
                .filter(pk=pk)
                .only("pk", "status", "attempts", "created_at")
                .first()
            )
            if job is None:
                continue
            applying = job.status == ImportStatus.APPLYING
            if job.attempts >= settings.WEFT_RUN_MAX_ATTEMPTS or job.created_at < too_old:
                what = "applying this import" if applying else "reading this file"
                message = (
                    f"the worker {what} stopped ({job.attempts} attempts); nothing was written"
                    if job.attempts
                    else "no worker took this import in time: upload it again later"
                )
                fail = import_job_fail_applying if applying else import_job_fail
                counts["failed"] += fail(job_id=job.pk, message=message)
                continue
            ImportJob.objects.filter(pk=job.pk).update(
                started_at=None,
                task_id="",
                lease_expires_at=lease_until(),
                progress=0,
                rows_done=0,
                stage="queued again: its worker stopped",
            )
            queue_after_commit(CONFIRM_TASK if applying else PREVIEW_TASK, job.pk)
            counts["requeued"] += 1
    if counts["requeued"] or counts["failed"]:
        logger.warning("imports reaped requeued=%s failed=%s", counts["requeued"], counts["failed"])
    return counts


class PreviewTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        """After the last retry (the database away too long): the job fails, upload deleted."""
        job_id = kwargs.get("job_id", args[0] if args else None)
        if job_id is not None:
            import_job_fail(
                job_id=job_id, message=f"the file could not be read ({type(exc).__name__})"
            )


@shared_task(
    bind=True,
    base=PreviewTask,
    name=PREVIEW_TASK,
    autoretry_for=RETRYABLE,
    retry_backoff=5,
    retry_backoff_max=120,
    max_retries=3,
)
def preview_import(self, job_id: int) -> str:
    """Preview a queued import. Safe to run twice: only a job this task claimed is read."""
    if not import_claim(job_id=job_id, task_id=self.request.id or ""):
        return "skipped"
    job = ImportJob.objects.get(pk=job_id)
    try:
        access = roles.access_for(job.created_by, job.coalition_id)
    except Http404:
        import_job_fail(job_id=job_id, message="the uploader has no role here")
        return ImportStatus.FAILED
    mine = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED, task_id=job.task_id)
    try:
        with heartbeat(lambda: mine.update(lease_expires_at=lease_until())):
            return import_job_preview(job=job, access=access).status
    except RETRYABLE:
        raise  # retried with backoff; on_failure fails the job after the last try
    except Exception as error:
        # No retry fixes it (a bug, or a file no limit caught): the job fails now, upload
        # deleted, instead of staying queued for ever.
        logger.exception("import preview job=%s failed", job_id)
        import_job_fail(
            job_id=job_id, message=f"the file could not be read ({type(error).__name__})"
        )
        return ImportStatus.FAILED


class ConfirmTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        """After the last retry (the database away too long): the job fails; nothing written."""
        job_id = kwargs.get("job_id", args[0] if args else None)
        if job_id is not None:
            import_job_fail_applying(
                job_id=job_id,
                message=f"applying stopped ({type(exc).__name__}); nothing was written",
            )


@shared_task(
    bind=True,
    base=ConfirmTask,
    name=CONFIRM_TASK,
    autoretry_for=RETRYABLE,
    retry_backoff=5,
    retry_backoff_max=120,
    max_retries=3,
)
def confirm_import(self, job_id: int) -> str:
    """Apply a large confirmed import, in one transaction, as the person who confirmed it.
    Claimed like a preview (a conditional update under a lease); safe to run twice."""
    now = timezone.now()
    task_id = self.request.id or ""
    claimed = ImportJob.objects.filter(
        Q(task_id="") | Q(task_id=task_id) | Q(lease_expires_at__lt=now),
        pk=job_id,
        status=ImportStatus.APPLYING,
    ).update(
        task_id=task_id,
        started_at=now,
        progress=5,
        lease_expires_at=lease_until(),
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return "skipped"
    job = ImportJob.objects.only("pk", "coalition_id", "applied_by", "rows_total").get(pk=job_id)
    progress = ImportProgress(job.rows_total)
    mine = ImportJob.objects.filter(pk=job_id, status=ImportStatus.APPLYING, task_id=task_id)

    def renew() -> None:
        # The lease and how far the write path is, from the heartbeat's own connection: the
        # rows are written in one transaction nobody sees until it commits.
        mine.update(lease_expires_at=lease_until(), **progress.fields())

    try:
        access = roles.access_for(job.applied_by, job.coalition_id)
        with heartbeat(renew, every=settings.WEFT_IMPORT_PROGRESS_SECONDS):
            return import_confirm(
                access=access, job_id=job_id, in_task=True, task_id=task_id, progress=progress
            ).status
    except RETRYABLE:
        raise
    except Exception as error:
        logger.exception("import apply job=%s failed", job_id)
        import_job_fail_applying(
            job_id=job_id, message=f"applying stopped ({type(error).__name__}); nothing was written"
        )
        return ImportStatus.FAILED


def import_previews_expire() -> int:
    """Previews nobody confirmed within WEFT_IMPORT_PREVIEW_KEEP_HOURS: failed, saying why, and
    their uploads deleted (an abandoned file of contacts is not kept for ever). How many."""
    hours = settings.WEFT_IMPORT_PREVIEW_KEEP_HOURS
    if not hours:
        return 0
    cutoff = timezone.now() - datetime.timedelta(hours=hours)
    message = (
        f"this preview was not confirmed within {hours} hours, and its upload was deleted: "
        "upload the file again to import it"
    )
    expired = ImportJob.objects.filter(status=ImportStatus.PREVIEWED, created_at__lt=cutoff)
    count = expired.update(
        status=ImportStatus.FAILED,
        summary=empty_summary([{"sheet": "", "row": None, "column": "", "message": message}]),
        content=b"",
        parsed=b"",
        stage="failed",
    )
    if count:
        logger.info("import previews expired count=%s", count)
    return count


@shared_task(name="networks.reap_imports", ignore_result=True)
def reap_imports() -> dict[str, int]:
    """Celery beat, every WEFT_REAP_SECONDS: imports whose worker died, and previews left
    unconfirmed past their time."""
    return {**import_jobs_reap(), "expired": import_previews_expire()}
