"""Writes about the relationship graph."""

import datetime
import logging
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone

from allies.models import Actor
from networks.compute import ComputedRun, compute_run
from networks.layout import Pinned, force_layout
from networks.models import (
    ActorMetric,
    ActorPosition,
    MetricRun,
    MetricRunStatus,
    MetricTrigger,
    RelationshipMetric,
    Suggestion,
    Tie,
)
from networks.selectors import MetricInput, graph_for_layout, metric_input
from weft.bulk import copy_rows
from weft.errors import ApplicationError
from weft.history import restore_row

logger = logging.getLogger(__name__)

# An undeclared tie still pulls, at the strength of a middling declared one.
DEFAULT_LAYOUT_WEIGHT = 3
# How far (map units) a new actor lands from the centre of its neighbours.
NEWCOMER_OFFSET = 40.0


def layout_compute(*, coalition_id: int) -> int:
    """Recompute the force-directed layout of a coalition's map and store it per actor.
    Pinned positions (placed by hand) are kept. Returns the number of positions written."""
    started = time.monotonic()
    actor_ids, ties, stored = graph_for_layout(coalition_id)
    index = {actor_id: i for i, actor_id in enumerate(actor_ids)}
    edges = [(index[s], index[t]) for s, t, _ in ties]
    weights = [strength or DEFAULT_LAYOUT_WEIGHT for _, _, strength in ties]
    pinned = [Pinned(index[a], x, y) for a, x, y, is_pinned in stored if is_pinned]
    # Start from where everyone is (the last run, newcomers beside their neighbours): the
    # map keeps its shape after an edit.
    placed: list[tuple[float, float] | None] = [None] * len(actor_ids)
    for actor_id, x, y, _ in stored:
        placed[index[actor_id]] = (x, y)
    positions = force_layout(len(actor_ids), edges, weights, pinned, placed=placed)
    pinned_ids = {a for a, _, _, is_pinned in stored if is_pinned}
    rows = [
        ActorPosition(actor_id=actor_id, x=x, y=y)
        for actor_id, (x, y) in zip(actor_ids, positions, strict=True)
        if actor_id not in pinned_ids
    ]
    with transaction.atomic():
        ActorPosition.objects.bulk_create(
            rows,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["actor"],
            update_fields=["x", "y", "updated_at"],
        )
    logger.info(
        "layout coalition=%s actors=%s ties=%s seconds=%.2f",
        coalition_id,
        len(actor_ids),
        len(edges),
        time.monotonic() - started,
    )
    return len(rows)


def layout_request(*, coalition_id: int) -> None:
    """Queue a layout run once the current transaction commits, so the worker sees the edit
    that asked for it (and nothing is queued for an edit that rolled back)."""
    from networks.tasks import compute_layout

    transaction.on_commit(lambda: compute_layout.delay(coalition_id))


def layout_request_after_edit(*, coalition_id: int) -> None:
    """After an actor or a tie was added or deleted: a layout run once the transaction
    commits, debounced like the metric runs, so that a burst of edits is laid out once, when
    it is over (with a worker; in the embedded mode tasks run in-process and ignore the
    countdown, so the first edit of a burst is laid out at once). Until then a new actor sits
    beside its neighbours (position_place_beside_neighbours); pinned positions are kept."""
    _queue_after_commit_debounced(
        "compute_layout", (coalition_id,), {}, seconds=settings.WEFT_LAYOUT_DEBOUNCE_SECONDS
    )


def _queue_after_commit_debounced(task_name: str, args: tuple, kwargs: dict, *, seconds) -> None:
    """Queue a task of networks/tasks.py once the transaction commits, at most once per
    ``seconds`` for the same task and arguments, ``seconds`` later: a burst of edits is worked
    on once, when it is over. A rolled-back transaction queues nothing."""
    key = f"weft:debounce:{task_name}:{':'.join(str(arg) for arg in args)}"

    def queue() -> None:
        from networks import tasks  # imported here: the tasks module imports this one

        if cache.add(key, 1, seconds):
            getattr(tasks, task_name).apply_async(args, kwargs, countdown=seconds)

    transaction.on_commit(queue, robust=True)


@transaction.atomic
def tie_restore(*, access, tie_id: int, history_id: int, user):
    """Bring a tie back to the state a history record holds; restoring its deletion record
    undeletes it, as long as both of its actors still exist."""
    try:
        record = Tie.history.get(history_id=history_id, id=tie_id, coalition_id=access.coalition.pk)
    except Tie.history.model.DoesNotExist:
        raise Http404("No such version of this tie.") from None
    if record.is_sensitive and not access.sees_sensitive:
        raise Http404("No such version of this tie.")
    ends = Actor.objects.filter(pk__in=(record.source_id, record.target_id))
    if not access.sees_sensitive:
        ends = ends.filter(is_sensitive=False)
    if ends.count() != 2:
        raise ApplicationError(
            "One end of this tie no longer exists: restore the actor first.",
            field="source",
            status=409,
            code="conflict",
        )
    tie, _ = restore_row(record, user=user, reason=f"restored from history {history_id}")
    return tie


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
                )
        except IntegrityError:
            return _live_run(coalition_id, input_hash), False
        if queue:
            transaction.on_commit(lambda: _queue_run(run), robust=True)
    return run, True


def _live_run(coalition_id: int, input_hash: str) -> MetricRun | None:
    return (
        MetricRun.objects.filter(coalition_id=coalition_id, input_hash=input_hash)
        .exclude(status=MetricRunStatus.FAILED)
        .first()
    )


def _queue_run(run: MetricRun) -> None:
    from networks.tasks import compute_metrics

    compute_metrics.delay(run.coalition_id, run_id=run.pk)


def metrics_request_after_edit(*, coalition_id: int) -> None:
    """After an edit to the map: a run once the transaction commits, debounced so that a burst
    of edits (an import, an organizer's busy hour) is computed once, when it is over."""
    _queue_after_commit_debounced(
        "compute_metrics",
        (coalition_id,),
        {"trigger": MetricTrigger.EDIT},
        seconds=settings.WEFT_METRICS_DEBOUNCE_SECONDS,
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
    # died (the broker redelivers the same task id after a lost worker, since tasks are acked
    # late) or that has outlived the hard time limit.
    stale = timezone.now() - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    claimable = Q(status=MetricRunStatus.PENDING) | Q(
        Q(task_id=task_id) | Q(started_at__lt=stale), status=MetricRunStatus.RUNNING
    )
    claimed = MetricRun.objects.filter(claimable, pk=run_id).update(
        status=MetricRunStatus.RUNNING,
        attempts=F("attempts") + 1,
        started_at=timezone.now(),
        task_id=task_id,
        progress=5,
        stage="loading",
    )
    run = MetricRun.objects.get(pk=run_id)
    if not claimed:
        return run  # already succeeded or failed: nothing to do
    attempt = run.attempts

    def progress(percent: int, stage: str) -> None:
        MetricRun.objects.filter(pk=run_id, attempts=attempt).update(progress=percent, stage=stage)

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
    "run_id", "actor_id", "degree", "weighted_degree", "betweenness", "weighted_betweenness",
    "closeness", "pagerank", "core_number", "reach", "community", "is_broker", "is_peripheral",
    "is_leader",
)  # fmt: skip
RELATIONSHIP_COLUMNS = (
    "run_id", "source_id", "target_id", "evidence", "observed", "declared", "strength",
    "is_inferred", "is_sensitive",
)  # fmt: skip


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
                actors.core_number[i],
                actors.reach[i],
                actors.community[i],
                actors.broker[i],
                actors.periphery[i],
                actor_id in leaders,
            )  # fmt: skip
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
                row.is_inferred,
                row.is_sensitive,
            )  # fmt: skip
            for row in computed.relationships
        ),
    )
    Suggestion.objects.bulk_create(
        Suggestion(
            run_id=run.pk,
            coalition_id=run.coalition_id,
            kind=found.kind,
            actor_id=found.actor,
            other_id=found.other,
            score=found.score,
            reason=found.reason[:300],
        )
        for found in computed.suggestions
    )


@transaction.atomic
def position_set(*, actor: Actor, x: float, y: float, is_pinned: bool) -> ActorPosition:
    """Put an actor where a person placed it. A pinned position is kept by later layout runs;
    an unpinned one is only a starting place until the next run."""
    position, _ = ActorPosition.objects.update_or_create(
        actor=actor, defaults={"x": x, "y": y, "is_pinned": is_pinned}
    )
    return position


@transaction.atomic
def position_place_beside_neighbours(*, actor: Actor) -> ActorPosition | None:
    """Place a newcomer beside the actors it is tied to (their centre, nudged aside so it does
    not sit on top of one), until the next layout run places it properly. A newcomer: an
    actor without a position, or with a position nobody pinned and no tie before this one
    (where the person was looking when they added it). Nothing happens otherwise, or when
    none of its neighbours has a place."""
    existing = ActorPosition.objects.filter(actor=actor).first()
    if existing is not None and existing.is_pinned:
        return None
    neighbours = list(
        Tie.objects.filter(Q(source=actor) | Q(target=actor)).values_list("source_id", "target_id")
    )
    if existing is not None and len(neighbours) > 1:
        return None  # already among its ties: the layout run will settle it
    ids = {one for pair in neighbours for one in pair} - {actor.pk}
    placed = list(ActorPosition.objects.filter(actor_id__in=ids).values_list("x", "y"))
    if not placed:
        return None
    x = sum(p[0] for p in placed) / len(placed)
    y = sum(p[1] for p in placed) / len(placed)
    # Beside, not on: a small offset that differs per actor so newcomers do not stack.
    angle = (actor.pk * 2.399963) % (2 * math.pi)
    x, y = x + NEWCOMER_OFFSET * math.cos(angle), y + NEWCOMER_OFFSET * math.sin(angle)
    position, _ = ActorPosition.objects.update_or_create(
        actor=actor, defaults={"x": x, "y": y, "is_pinned": False}
    )
    return position
