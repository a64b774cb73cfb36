"""Metric runs: requested (idempotent, keyed by their input), computed and stored."""

import datetime
import logging
import time

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from coalitions.models import AuditAction
from coalitions.roles import Access, Permission
from coalitions.services import METRICS_TASK, audit_record, metrics_request_after_edit
from networks.graph.compute import ComputedRun, MetricInput, compute_run
from networks.graph.strength import StrengthSettings
from networks.metrics.models import (
    ActorMetric,
    MetricRun,
    MetricRunStatus,
    MetricTrigger,
    RelationshipMetric,
)
from networks.metrics.selectors import metric_input
from networks.models import Suggestion, SuggestionStatus
from weft.bulk import copy_rows
from weft.errors import ApplicationError
from weft.leases import heartbeat, lease_until
from weft.queue import queue_after_commit
from weft.services import apply_changes, locked_at

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------------
# Strength settings


@transaction.atomic
def strength_settings_update(*, access: Access, expected_version, settings: dict):
    """Set the coalition's relationship strength settings (stewards; audited): the evidence
    weight per interaction kind, the co-affiliation weight and the half-life
    (networks/graph/strength.py). They apply from the next metric run, requested here, which
    records them. A value out of range is refused naming its field; nothing is saved."""
    access.require(Permission.STRENGTH_MANAGE)
    try:
        after = StrengthSettings.from_overrides(settings)
    except ValueError as error:
        field, _, message = str(error).partition(": ")
        raise ApplicationError(
            f"{message[:1].upper()}{message[1:]}.", field=field.replace("weights.", "weight_")
        ) from None
    coalition = locked_at(access.coalition, expected_version, what="The coalition")
    # What changes in effect (an empty setting is the defaults): the names, for the audit log.
    before = StrengthSettings.from_overrides(coalition.strength_settings)
    changed = [
        name
        for name in ("half_life_days", "co_affiliation_weight")
        if getattr(before, name) != getattr(after, name)
    ] + [
        f"weights.{kind}"
        for kind in sorted(after.weights)
        if before.weights[kind] != after.weights[kind]
    ]
    if not changed:
        return coalition
    apply_changes(coalition, {"strength_settings": settings}, user=access.user)
    audit_record(
        coalition=coalition,
        user=access.user,
        action=AuditAction.STRENGTH_SETTINGS_CHANGED,
        fields=changed,
    )
    metrics_request_after_edit(coalition_id=coalition.pk)
    return coalition


# ---------------------------------------------------------------------------------------------
# Metric runs
_BULK_BATCH = 5000


def metric_run_request(
    *,
    coalition_id: int,
    trigger: str = MetricTrigger.MANUAL,
    requested_by=None,
    on: datetime.date | None = None,
    queue: bool = True,
    inputs: MetricInput | None = None,
) -> tuple[MetricRun, bool]:
    """The run for the coalition's current input: an existing pending, running or succeeded
    run of the same input (created False), or a new pending one (created True), queued once
    this transaction commits unless ``queue`` is false (a task that computes it itself).
    Same data on the same day, no new run."""
    inputs = inputs or metric_input(coalition_id, on)
    input_hash = inputs.input_hash()
    # A run whose worker died is queued again or failed first: never handed back as live.
    metric_runs_reap(coalition_id=coalition_id)
    with transaction.atomic():
        existing = _live_run(coalition_id, input_hash)
        if existing is not None:
            return existing, False
        try:
            with transaction.atomic():  # a savepoint: the unique index settles a race
                run = MetricRun.objects.create(
                    coalition_id=coalition_id,
                    trigger=trigger,
                    input_hash=input_hash,
                    computed_for=inputs.on,
                    requested_by=requested_by,
                    lease_expires_at=lease_until(),
                    strength_settings=inputs.strength_settings,
                )
        except IntegrityError:
            return _live_run(coalition_id, input_hash), False
        if queue:
            queue_after_commit(METRICS_TASK, run.coalition_id, run_id=run.pk)
    return run, True


def _live_run(coalition_id: int, input_hash: str) -> MetricRun | None:
    return (
        MetricRun.objects.filter(coalition_id=coalition_id, input_hash=input_hash)
        .exclude(status=MetricRunStatus.FAILED)
        .first()
    )


def metric_run_execute(
    *, run_id: int, task_id: str = "", inputs: MetricInput | None = None
) -> MetricRun:
    """Compute a run and store it. Safe to run twice: a finished run is left as it is, and a
    worker that lost its claim (its run was taken over after it was thought dead) stores
    nothing. Progress is written as it goes, outside the storing transaction, so the API can
    show it. ``inputs``: the run's input when the caller has just loaded it (a task that
    requested the run itself), so that it is not loaded twice."""
    # Claim the run with a conditional update: a pending run; or a running one whose worker
    # died: its lease ran out (nobody renewed it), or the broker redelivered this same task
    # (a lost worker's message comes back, since tasks are acked late).
    now = timezone.now()
    claimable = Q(status=MetricRunStatus.PENDING) | Q(
        Q(task_id=task_id) | Q(lease_expires_at__lt=now), status=MetricRunStatus.RUNNING
    )
    if not task_id:
        claimable = Q(status=MetricRunStatus.PENDING) | Q(
            lease_expires_at__lt=now, status=MetricRunStatus.RUNNING
        )
    claimed = MetricRun.objects.filter(claimable, pk=run_id).update(
        status=MetricRunStatus.RUNNING,
        attempts=F("attempts") + 1,
        started_at=now,
        task_id=task_id,
        progress=5,
        stage="loading",
        lease_expires_at=lease_until(),
    )
    run = MetricRun.objects.get(pk=run_id)
    if not claimed:
        return run  # already succeeded or failed: nothing to do
    attempt = run.attempts
    mine = MetricRun.objects.filter(pk=run_id, attempts=attempt, status=MetricRunStatus.RUNNING)

    def progress(percent: int, stage: str) -> None:
        mine.update(progress=percent, stage=stage, lease_expires_at=lease_until())

    with heartbeat(lambda: mine.update(lease_expires_at=lease_until())):
        return _compute_and_store(run, inputs, attempt, progress)


def _compute_and_store(run: MetricRun, inputs, attempt: int, progress) -> MetricRun:
    run_id = run.pk
    timings: dict[str, float] = {}
    started = time.perf_counter()
    if inputs is None or inputs.input_hash() != run.input_hash:
        inputs = metric_input(run.coalition_id, run.computed_for)
    previous = _previous_strengths(run)
    timings["load"] = time.perf_counter() - started
    progress(15, "relationship strength")

    started = time.perf_counter()
    computed = compute_run(inputs, previous, progress=progress)
    timings["compute"] = time.perf_counter() - started
    timings.update({f"compute_{k}": v for k, v in computed.seconds.items()})
    progress(85, "storing")

    started = time.perf_counter()
    with transaction.atomic():
        mine = MetricRun.objects.select_for_update().filter(
            pk=run_id, attempts=attempt, status=MetricRunStatus.RUNNING
        )
        if not mine.exists():
            return MetricRun.objects.get(pk=run_id)
        _store(run, computed)
        timings["store"] = time.perf_counter() - started
        timings["total"] = timings["load"] + timings["compute"] + timings["store"]
        MetricRun.objects.filter(pk=run_id).update(
            status=MetricRunStatus.SUCCEEDED,
            finished_at=timezone.now(),
            progress=100,
            stage="done",
            betweenness_method=computed.result.betweenness_method,
            pivots=computed.result.pivots,
            seed=computed.result.seed,
            timings=timings,
            network=computed.network,
            leadership=computed.leadership.as_json(),
        )
    logger.info(
        "metrics coalition=%s run=%s actors=%s relationships=%s seconds=%.2f",
        run.coalition_id,
        run_id,
        len(inputs.actor_ids),
        len(computed.relationships),
        timings["total"],
    )
    return MetricRun.objects.get(pk=run_id)


def metric_runs_reap(*, coalition_id: int | None = None) -> dict[str, int]:
    """Take back the runs whose lease is over (of one coalition, or all): a running run whose
    worker stopped renewing it, or a pending run no worker took (its message lost). Each is
    queued again, up to WEFT_RUN_MAX_ATTEMPTS claims, or failed with an error saying why. A
    pending run no worker took for WEFT_RUN_PENDING_MAX_SECONDS fails too. Returns how many
    were requeued and failed."""
    now = timezone.now()
    # Runs from before leases: running past the hard time limit.
    stale = now - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    runs = MetricRun.objects.filter(
        Q(lease_expires_at__lt=now)
        | Q(lease_expires_at__isnull=True, status=MetricRunStatus.RUNNING, started_at__lt=stale),
        status__in=(MetricRunStatus.PENDING, MetricRunStatus.RUNNING),
    )
    if coalition_id is not None:
        runs = runs.filter(coalition_id=coalition_id)
    counts = {"requeued": 0, "failed": 0}
    too_old = now - datetime.timedelta(seconds=settings.WEFT_RUN_PENDING_MAX_SECONDS)
    for run in runs.only("pk", "coalition_id", "status", "attempts", "created_at"):
        same = MetricRun.objects.filter(
            Q(lease_expires_at__lt=now) | Q(lease_expires_at__isnull=True),
            pk=run.pk,
            status=run.status,
            attempts=run.attempts,
        )
        if run.attempts >= settings.WEFT_RUN_MAX_ATTEMPTS or run.created_at < too_old:
            error = (
                f"WorkerLost: the worker computing this run stopped ({run.attempts} attempts)."
                if run.attempts
                else "NotStarted: no worker took this run; are the workers running?"
            )
            counts["failed"] += same.update(
                status=MetricRunStatus.FAILED, finished_at=now, error=error, stage="failed"
            )
            continue
        with transaction.atomic():
            if same.update(
                status=MetricRunStatus.PENDING,
                lease_expires_at=lease_until(),
                stage="queued again: its worker stopped" if run.attempts else "queued again",
                progress=0,
            ):
                queue_after_commit(METRICS_TASK, run.coalition_id, run_id=run.pk)
                counts["requeued"] += 1
    if counts["requeued"] or counts["failed"]:
        logger.warning(
            "metric runs reaped requeued=%s failed=%s", counts["requeued"], counts["failed"]
        )
    return counts


def metric_run_fail(*, task_id: str = "", run_id: int | None = None, error: str) -> int:
    """Mark the run a task was computing as failed (after its last retry). Returns how many
    runs were marked. The error names the exception only: a message could quote data."""
    runs = MetricRun.objects.filter(status__in=(MetricRunStatus.PENDING, MetricRunStatus.RUNNING))
    runs = runs.filter(pk=run_id) if run_id is not None else runs.filter(task_id=task_id)
    if not task_id and run_id is None:
        return 0
    return runs.update(status=MetricRunStatus.FAILED, finished_at=timezone.now(), error=error)


def _insert_rows(model, columns: tuple[str, ...], rows) -> None:
    """Insert plain rows. On PostgreSQL with COPY: a run of 50,000 actors stores 300,000 rows,
    and per-object bulk_create spends most of its time building model instances (bench/).
    Elsewhere (SQLite, the embedded mode), bulk_create."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            (model(**dict(zip(columns, row, strict=True))) for row in rows),
            batch_size=_BULK_BATCH,
        )
        return
    copy_rows(model._meta.db_table, columns, rows)


def _previous_strengths(run: MetricRun) -> dict[tuple[int, int], float] | None:
    """The relationships of the coalition's latest succeeded run before ``run`` (by the day
    it was computed for), for relationships at risk."""
    previous = (
        MetricRun.objects.filter(
            coalition_id=run.coalition_id,
            status=MetricRunStatus.SUCCEEDED,
            computed_for__lte=run.computed_for,
        )
        .exclude(pk=run.pk)
        .order_by("-computed_for", "-created_at", "-id")
        .first()
    )
    if previous is None:
        return None
    return {
        (s, t): w
        for s, t, w in RelationshipMetric.objects.filter(run=previous).values_list(
            "source_id", "target_id", "strength"
        )
    }


ACTOR_METRIC_COLUMNS = (
    ("run_id", "actor_id")
    + ("degree", "weighted_degree", "betweenness", "weighted_betweenness", "closeness", "pagerank")
    + ("eigenvector", "core_number", "reach", "community")
    + ("is_broker", "is_peripheral", "is_leader")
)


RELATIONSHIP_COLUMNS = (
    ("run_id", "source_id", "target_id")
    + ("evidence", "observed", "declared", "strength", "weight", "declared_weight")
    + ("co_affiliations",)
    + ("is_inferred", "is_sensitive")
)


def _store(run: MetricRun, computed: ComputedRun) -> None:
    actors = computed.result.actors
    leaders = set(computed.leadership.leader_ids)
    _insert_rows(
        ActorMetric,
        ACTOR_METRIC_COLUMNS,
        (
            (
                run.pk,
                actor_id,
                actors.degree[i],
                actors.weighted_degree[i],
                actors.betweenness[i],
                actors.weighted_betweenness[i],
                actors.closeness[i],
                actors.pagerank[i],
                actors.eigenvector[i],
                actors.core_number[i],
                actors.reach[i],
                actors.community[i],
                actors.broker[i],
                actors.periphery[i],
                actor_id in leaders,
            )
            for i, actor_id in enumerate(computed.actor_ids)
        ),
    )
    _insert_rows(
        RelationshipMetric,
        RELATIONSHIP_COLUMNS,
        (
            (
                run.pk,
                row.source,
                row.target,
                row.evidence,
                row.observed,
                row.declared,
                row.strength,
                row.weight,
                row.declared_weight,
                row.co_affiliations,
                row.is_inferred,
                row.is_sensitive,
            )
            for row in computed.relationships
        ),
    )
    suggestions_record(run, computed.suggestions)


def suggestions_record(run: MetricRun, found_rows) -> dict[str, int]:
    """Keep one suggestion per pair and kind across runs (three queries and the writes): a
    pair found again keeps its decision and takes the new score and reason (a dismissed one
    opens again if the reason changed); a new pair is added; an open suggestion of an earlier
    run that this run did not find is gone (the network moved on). Decided ones stay, with
    who decided and when. A run computed for an earlier date than the latest that found a
    suggestion does not overwrite it."""

    kept = {
        (row.kind, row.actor_id, row.other_id): row
        for row in Suggestion.objects.select_for_update().filter(coalition_id=run.coalition_id)
    }
    added, changed, seen = [], [], set()
    for found in found_rows:
        actor_id, other_id = Suggestion.pair(found.actor, found.other)
        key = (found.kind, actor_id, other_id)
        if key in seen:
            continue
        seen.add(key)
        row = kept.get(key)
        if row is None:
            added.append(
                Suggestion(
                    run_id=run.pk,
                    coalition_id=run.coalition_id,
                    kind=found.kind,
                    actor_id=actor_id,
                    other_id=other_id,
                    score=found.score,
                    reason=found.reason[:300],
                )
            )
        elif row.run_id is None or row.run_id <= run.pk:
            row.found_again(reason=found.reason, score=found.score, run_id=run.pk)
            changed.append(row)
    gone = [
        row.pk
        for key, row in kept.items()
        if key not in seen
        and row.status == SuggestionStatus.OPEN
        and row.run_id is not None
        and row.run_id < run.pk
    ]
    Suggestion.objects.bulk_create(added, batch_size=_BULK_BATCH)
    Suggestion.objects.bulk_update(
        changed,
        ["run", "score", "reason", "status", "decided_by", "decided_at", "dismissed_reason"],
        batch_size=500,
    )
    Suggestion.objects.filter(pk__in=gone).delete()
    return {"added": len(added), "found_again": len(changed), "gone": len(gone)}
