"""Writes for import and export. An import is previewed (nothing written) and then applied in
one transaction; an export is written to the audit log with who, what and how many rows."""

import logging
import time
from collections.abc import Iterator

from django.conf import settings
from django.db import connection, transaction
from django.http import Http404
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from allies.models import Actor, AllyAssessment, ContactDetail, Tag
from coalitions.models import AuditAction
from coalitions.roles import Permission
from coalitions.services import audit_record
from networks.models import ActorPosition, Interaction, InteractionParticipant, Tie
from networks.transfer import weftjson, writers
from networks.transfer.columns import check_mapping, header_key
from networks.transfer.kept import keep, kept
from networks.transfer.limits import bounded_summary, read_map_within_memory
from networks.transfer.models import ColumnMapping, ImportJob, ImportStatus
from networks.transfer.parsed import MAX_FILE_BYTES, ParsedMap, UnreadableFile
from networks.transfer.plan import CREATE, UPDATE, Plan, build_plan
from networks.transfer.readers import csv_header, detect_format
from networks.transfer.selectors import import_snapshot, map_export
from weft.bulk import copy_rows, create_with_history, insert_with_history, upsert_rows
from weft.errors import ApplicationError
from weft.leases import lease_until
from weft.queue import queue_after_commit

logger = logging.getLogger(__name__)

# The worker task that previews a large import (networks/transfer/tasks.py).
PREVIEW_TASK = "networks.preview_import"

# Files larger than this are read by a worker, with progress shown in the page.
ASYNC_BYTES = 512 * 1024
BATCH = 1000

# Each format: (its writer, yielding the file a chunk at a time; content type; extension).
EXPORT_FORMATS = {
    "xlsx": (
        writers.xlsx_chunks,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
    "csv": (writers.csv_zip_chunks, "application/zip", "zip"),
    "json": (weftjson.json_chunks, "application/json", "json"),
    "graphml": (writers.graphml_chunks, "application/graphml+xml", "graphml"),
    "gexf": (writers.gexf_chunks, "application/gexf+xml", "gexf"),
}


def max_file_bytes() -> int:
    return getattr(settings, "WEFT_IMPORT_MAX_BYTES", MAX_FILE_BYTES)


def require_importer(access) -> None:
    """Organizers, weavers and stewards import; a member edits only their own organisation,
    so a whole map is not theirs to bring in."""
    access.require(Permission.MAP_EDIT_ALL)


def _plan_for(job: ImportJob, access, parsed: ParsedMap, decisions: dict) -> Plan:
    plan = build_plan(parsed, import_snapshot(access), decisions=decisions)
    if not access.sees_sensitive:
        for row in [*parsed.actors, *parsed.ties]:
            if row.is_sensitive:
                plan.problems.append(
                    _problem(
                        row, "Sensitive", "only organizers and stewards import sensitive items"
                    )
                )
    if any(actor.contacts for actor in parsed.actors) and not access.sees_contacts:
        plan.warnings.append(
            _problem(None, "contacts", "contact details are not imported for your role")
        )
    return plan


def _problem(row, column: str, message: str):
    from networks.transfer.parsed import Problem

    return Problem(row.sheet if row else "", row.row if row else None, column, message)


def import_preview(
    *, access, filename: str, content: bytes, pin_positions: bool = False
) -> ImportJob:
    """Store the file and preview it: now for a small file, on a worker for a large one.
    With ``pin_positions``, the positions the file gives its actors (Gephi's layout, a Kumu
    map's) are applied as a pinned layout; without, they are only where the layout starts."""
    require_importer(access)
    if len(content) > max_file_bytes():
        raise ApplicationError(
            f"The file is {len(content) / 1048576:.1f} MB, over the limit of "
            f"{max_file_bytes() / 1048576:.0f} MB.",
            field="file",
            status=413,
            code="too_large",
        )
    file_format = detect_format(filename, content[:2048])
    options = {"pin_positions": bool(pin_positions)}
    if file_format == "csv":
        remembered = ColumnMapping.objects.filter(
            coalition=access.coalition, header=header_key(csv_header(content))
        ).first()
        if remembered is not None:
            options["columns"] = remembered.columns
    job = ImportJob.objects.create(
        lease_expires_at=lease_until(),  # queued again if no worker takes it by then
        coalition=access.coalition,
        created_by=access.user,
        filename=filename[-200:],
        file_format=file_format,
        content=content,
        size=len(content),
        options=options,
    )
    if len(content) > ASYNC_BYTES:
        queue_after_commit(PREVIEW_TASK, job.pk)
        return job
    return import_job_preview(job=job, access=access)


def import_job_preview(*, job: ImportJob, access) -> ImportJob:
    """Read and plan; write only the job's summary (counts and the first problems, not the
    parsed rows: the confirm reads the upload again), and keep the upload until it is
    applied. The file is read under a memory ceiling (networks/transfer/limits.py)."""
    started = time.monotonic()
    columns = job.options.get("columns")
    try:
        parsed = read_map_within_memory(
            job.filename, bytes(job.content), max_bytes=max_file_bytes(), columns=columns
        )
        job.progress = 50
        job.stage = "checking against the map"
        job.save(update_fields=["progress", "stage"])  # a worker's progress, for the page
    except UnreadableFile as error:
        job.status = ImportStatus.FAILED
        job.summary = empty_summary([error.problem.as_dict()])
        job.progress = 100
        job.stage = "failed"
        job.content = b""  # a file that cannot be read is not kept
        job.parsed = b""
        job.save(update_fields=["status", "summary", "progress", "stage", "content", "parsed"])
        return job
    plan = _plan_for(job, access, parsed, job.decisions)
    summary = plan.summary()
    if job.file_format == "csv":
        # A CSV's columns can be mapped to Weft's fields in the preview, which reads the file
        # again.
        summary["columns"] = [c for c in csv_header(bytes(job.content)) if c]
        if columns:
            summary["column_mapping"] = columns
            plan.warnings.append(_problem(None, "", MAPPED))
            summary["warnings"] = [p.as_dict() for p in plan.warnings]
    job.summary = bounded_summary(summary)
    job.status = ImportStatus.PREVIEWED
    job.progress = 100
    job.stage = ""
    job.rows_total = _rows_in(parsed)
    job.rows_done = 0
    # Rows with problems are never confirmed: only a clean preview keeps what it read.
    job.parsed = b"" if plan.problems else keep(parsed)
    job.save(
        update_fields=[
            *("status", "summary", "progress", "stage", "rows_total", "rows_done", "parsed")
        ]
    )
    logger.info(
        "import preview job=%s actors=%s ties=%s errors=%s seconds=%.2f",
        job.pk,
        len(parsed.actors),
        len(parsed.ties),
        len(plan.problems),
        time.monotonic() - started,
    )
    return job


MAPPED = "the file's columns were read as mapped in the preview (for this coalition)"


def import_columns(*, access, job_id, columns: dict) -> ImportJob:
    """Map a CSV's columns to Weft's fields and preview it again; the mapping is remembered
    for the coalition, so that the next file with the same header is read the same way."""
    require_importer(access)
    with transaction.atomic():
        job = (
            ImportJob.objects.select_for_update().filter(pk=import_job_for(access, job_id).pk).get()
        )
        if job.file_format != "csv" or not job.content:
            raise ApplicationError(
                "Only the columns of a CSV not yet applied can be mapped.",
                field="columns",
                status=409,
                code="not_mappable",
            )
        header = csv_header(bytes(job.content))
        try:
            mapping = check_mapping(header, columns)
        except ValueError as error:
            message = str(error)
            raise ApplicationError(
                message[:1].upper() + message[1:] + ".", field="columns"
            ) from None
        ColumnMapping.objects.update_or_create(
            coalition=access.coalition, header=header_key(header), defaults={"columns": mapping}
        )
        job.options = {**job.options, "columns": mapping}
        job.decisions = {}
        job.save(update_fields=["options", "decisions"])
        return import_job_preview(job=job, access=access)


def empty_summary(errors: list[dict]) -> dict:
    return {
        "actors_created": 0,
        "actors_updated": 0,
        "ties_created": 0,
        "ties_updated": 0,
        "interactions_created": 0,
        "duplicates": [],
        "errors": errors,
        "warnings": [],
    }


def import_job_for(access, job_id) -> ImportJob:
    try:
        # Its status and preview, not the upload (megabytes for a big file).
        return ImportJob.objects.defer("content", "parsed").get(
            pk=int(job_id), coalition=access.coalition
        )
    except (ImportJob.DoesNotExist, ValueError, OverflowError):
        raise Http404("No such import.") from None


def _decisions(job_summary: dict, decisions: dict) -> dict:
    known = {d["key"] for d in job_summary.get("duplicates", [])}
    chosen = {}
    for key, choice in (decisions or {}).items():
        if key not in known:
            raise ApplicationError(
                f"{key!r} is not a suggested duplicate of this import.", field="decisions"
            )
        if choice not in ("merge", "create"):
            raise ApplicationError(
                f"The choice for {key!r} must be merge or create.", field="decisions"
            )
        chosen[key] = choice
    return chosen


# The worker task that applies a large confirmed import (networks/transfer/tasks.py).
CONFIRM_TASK = "networks.confirm_import"


def _rows_in(parsed: ParsedMap) -> int:
    return len(parsed.actors) + len(parsed.ties) + len(parsed.interactions)


def _confirmable(job: ImportJob) -> None:
    """Whether a person may confirm the job: raises the 409 they get if not."""
    if job.status == ImportStatus.APPLIED:
        raise ApplicationError("This import was applied already.", status=409, code="applied")
    if job.status == ImportStatus.APPLYING:
        raise ApplicationError("This import is being applied.", status=409, code="being_applied")
    if not job.can_confirm():
        raise ApplicationError(
            "Only a preview without errors can be confirmed: fix the file and upload it again.",
            status=409,
            code="not_confirmable",
        )
    if not job.content:
        # A preview made before uploads were kept until the confirm (they were dropped once
        # read): there is nothing left to read.
        raise ApplicationError(
            "The file of this preview is no longer kept: upload it again.",
            status=409,
            code="upload_gone",
        )


def _apply_on_a_worker(job: ImportJob, access) -> ImportJob:
    job.status = ImportStatus.APPLYING
    job.applied_by = access.user  # who confirmed: the worker applies as them
    job.progress = 0
    job.stage = "queued"
    job.rows_done = 0
    job.task_id, job.started_at, job.attempts = "", None, 0
    job.lease_expires_at = lease_until()
    job.save(
        update_fields=["status", "progress", "stage", "rows_done", "decisions", "task_id"]
        + ["started_at", "attempts", "lease_expires_at", "applied_by"]
    )
    queue_after_commit(CONFIRM_TASK, job.pk)
    return job


class ImportProgress:
    """How far a worker applying an import is: the write path says after each stage (rows
    written in all, and what it does now); the worker's heartbeat writes it to the job every
    couple of seconds, from its own connection, since the rows themselves are written in
    one transaction that nobody sees until it commits (networks/transfer/tasks.py)."""

    def __init__(self, rows_total: int):
        self.rows_total = rows_total
        self.rows_done = 0
        self.stage = "reading the file"

    def __call__(self, rows_done: int, stage: str) -> None:
        self.rows_done, self.stage = min(rows_done, self.rows_total), stage[:40]

    def fields(self) -> dict:
        percent = 5 + (90 * self.rows_done // self.rows_total if self.rows_total else 0)
        return {"rows_done": self.rows_done, "stage": self.stage, "progress": percent}


class ClaimLost(Exception):
    """The job was taken from this worker (thought dead) while it applied it: its writes roll
    back, the worker that has it now applies it."""


def import_confirm(
    *,
    access,
    job_id,
    decisions: dict | None = None,
    in_task: bool = False,
    task_id: str = "",
    progress: ImportProgress | None = None,
) -> ImportJob:
    """Apply a clean preview in one transaction. The upload is read again (under the memory
    ceiling) and planned against the map as it is now (someone may have edited it since the
    preview); if that turns up a problem, nothing is written but the refreshed preview, and
    the answer is a 409.

    A preview of more than WEFT_IMPORT_CONFIRM_ASYNC_ROWS rows is applied by a worker: the job
    is "applying" (a 202) until the task (``in_task``, the job claimed under ``task_id``) has
    applied it, or put it back to "previewed" with the refreshed preview's problems; it
    reports its ``progress`` as it goes."""
    require_importer(access)
    pk = import_job_for(access, job_id).pk
    if in_task:
        return _apply_claimed(pk, access, task_id, progress or ImportProgress(0))
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=pk).get()
        _confirmable(job)
        job.decisions = _decisions(job.summary, decisions or {})
        if job.rows_total > settings.WEFT_IMPORT_CONFIRM_ASYNC_ROWS:
            return _apply_on_a_worker(job, access)
        job.save(update_fields=["decisions"])
        stale = _read_plan_apply(job, access, ImportJob.objects.filter(pk=pk), None)
    job = ImportJob.objects.defer("content", "parsed").get(pk=pk)
    if stale:
        raise ApplicationError(
            "The map changed since the preview and the file no longer applies cleanly: "
            "look at the preview again.",
            status=409,
            code="stale_preview",
        )
    return job


def _apply_claimed(pk: int, access, task_id: str, progress: ImportProgress) -> ImportJob:
    """A worker's confirm. The job is this task's by its claim (a conditional update under a
    lease, networks/transfer/tasks.py), not by a row lock: its heartbeat writes the lease and
    the progress to the job row meanwhile. The job's final state is written only if it is
    still this task's, in the transaction that writes the map."""
    mine = ImportJob.objects.filter(pk=pk, status=ImportStatus.APPLYING, task_id=task_id)
    job = mine.first()
    if job is None:
        return ImportJob.objects.defer("content", "parsed").get(pk=pk)  # applied or taken back
    try:
        with transaction.atomic():
            _read_plan_apply(job, access, mine, progress)
    except ClaimLost:
        logger.warning("import apply job=%s lost its claim; rolled back", pk)
    return ImportJob.objects.defer("content", "parsed").get(pk=pk)


def _read_plan_apply(job: ImportJob, access, mine, progress: ImportProgress | None) -> bool:
    """Take the rows the preview read (or read the upload again), plan them against the map
    as it is now and, without problems, write them; write the job's outcome through ``mine``
    (the job, while it is still this caller's). Returns whether the preview was stale (a
    problem found now)."""
    report = progress or (lambda rows_done, stage: None)
    report(0, "reading the file")
    try:
        parsed = kept(job.parsed) or read_map_within_memory(
            job.filename,
            bytes(job.content),
            max_bytes=max_file_bytes(),
            columns=job.options.get("columns"),
        )
    except UnreadableFile as error:  # read at the preview; not now (a limit was lowered)
        plan_summary = empty_summary([error.problem.as_dict()])
        stale = True
    else:
        report(0, "checking against the map")
        plan = _plan_for(job, access, parsed, job.decisions)
        plan_summary = plan.summary()
        stale = bool(plan.problems)
    outcome = {"summary": bounded_summary(plan_summary), "progress": 100, "stage": ""}
    outcome["lease_expires_at"] = None
    if not stale:
        started = time.monotonic()
        import_apply(
            plan=plan,
            access=access,
            pin_positions=job.options.get("pin_positions", False),
            progress=progress,
        )
        outcome.update(
            status=ImportStatus.APPLIED,
            applied_at=timezone.now(),
            applied_by=access.user,
            content=b"",  # the rows now live in the map; the upload is not kept
            parsed=b"",
            rows_done=_rows_in(parsed),
        )
        logger.info("import apply job=%s seconds=%.2f", job.pk, time.monotonic() - started)
        from networks.map.services import layout_request

        layout_request(coalition_id=access.coalition.pk)
    else:
        outcome.update(status=ImportStatus.PREVIEWED)  # back to the preview, with its problems
    if not mine.update(**outcome):
        raise ClaimLost(job.pk)
    return stale


def _tags_for(coalition, names: set[str]) -> dict[str, int]:
    existing = dict(Tag.objects.filter(coalition=coalition).values_list("name", "pk"))
    missing = [Tag(coalition=coalition, name=n) for n in sorted(names - existing.keys())]
    Tag.objects.bulk_create(missing, batch_size=BATCH)
    if missing:
        existing = dict(Tag.objects.filter(coalition=coalition).values_list("name", "pk"))
    return existing


def import_apply(*, plan: Plan, access, pin_positions: bool = False, progress=None) -> None:
    """Write a plan without problems: actors, tags, assessments, contacts, ties, interactions,
    the file's positions. Bulk writes with their history rows, so a 5,000-actor map is a few
    dozen queries. ``progress(rows_done, stage)``, if given, is told after each stage."""
    report = progress or (lambda rows_done, stage: None)
    coalition = access.coalition
    user = access.user
    today = timezone.localdate()
    live = [a for a in plan.actors if a.merged_into is None]
    report(0, "writing actors")
    tag_ids = _tags_for(coalition, {t for a in live for t in a.row.tags})
    actor_ids = _create_actors(plan, coalition, user)
    _update_actors(live, user)
    done = len(plan.actors)
    report(done, "writing tags and assessments")
    through = Actor.tags.through
    through.objects.bulk_create(
        [
            through(actor_id=actor_ids[i], tag_id=tag_ids[tag])
            for i, a in enumerate(plan.actors)
            if a.merged_into is None
            for tag in a.row.tags
        ],
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    _apply_assessments(plan, actor_ids, user, today)
    if access.sees_contacts:
        _apply_contacts(plan, actor_ids)
    report(done, "writing ties")
    _apply_ties(plan, actor_ids, coalition, user)
    done += len(plan.ties)
    report(done, "writing interactions")
    _apply_interactions(plan, actor_ids, coalition, user)
    done += len(plan.interactions)
    report(done, "writing positions")
    _apply_positions(plan, actor_ids, pin=pin_positions)


def _apply_positions(plan: Plan, actor_ids: dict, *, pin: bool) -> None:
    """The file's positions: pinned when asked (the layout keeps them), else starting places
    for the next layout run. A position someone pinned by hand is only replaced by a pinned
    one."""
    placed = {
        actor_ids[i]: a.row.position
        for i, a in enumerate(plan.actors)
        if a.merged_into is None and a.row.position
    }
    if not placed:
        return
    if not pin:
        # Only an actor the map had may have a pinned position (one this import creates
        # has none yet): those are the actors rows updated.
        had = [
            actor_ids[i]
            for i, a in enumerate(plan.actors)
            if a.merged_into is None and a.action == UPDATE and actor_ids[i] in placed
        ]
        pinned = ActorPosition.objects.filter(actor_id__in=had, is_pinned=True)
        for actor_id in pinned.values_list("actor_id", flat=True) if had else ():
            placed.pop(actor_id)
    rows = [(actor_id, x, y, pin) for actor_id, (x, y) in placed.items()]
    if connection.vendor == "postgresql":
        # The actors this import creates have no position yet: theirs are copied in (COPY),
        # and only the others' go through the upsert.
        created = {
            actor_ids[i]
            for i, a in enumerate(plan.actors)
            if a.action == CREATE and a.merged_into is None
        }
        now = timezone.now()
        copy_rows(
            ActorPosition._meta.db_table,
            ("actor_id", "x", "y", "is_pinned", "updated_at"),
            [(*row, now) for row in rows if row[0] in created],
        )
        rows = [row for row in rows if row[0] not in created]
    upsert_rows(
        ActorPosition,
        ("actor_id", "x", "y", "is_pinned"),
        rows,
        unique=["actor_id"],
        update=["x", "y", "is_pinned"],
    )


# The columns of a new actor that a row gives (the others take their defaults).
ACTOR_COLUMNS = (
    *("coalition_id", "name", "kind", "type_label", "description"),
    *("is_sensitive", "is_directly_affected", "external_key", "custom_fields"),
)


def _create_actors(plan: Plan, coalition, user) -> dict[int, int]:
    """Create the actors of the rows that make one. Returns the actor of every row (by its
    index in ``plan.actors``): created, updated, or, for a row merged into another, that
    row's."""
    coalition_id = coalition.pk
    created = insert_with_history(
        Actor,
        ACTOR_COLUMNS,
        [
            (
                coalition_id,
                row.label,
                row.kind,
                row.type_label,
                row.description,
                row.is_sensitive,
                row.is_directly_affected,
                row.key,
                row.custom_fields,
            )
            for a in plan.actors
            if a.merged_into is None and a.action == CREATE
            for row in (a.row,)
        ],
        user=user,
    )
    actor_ids: dict[int, int] = {}  # index in plan.actors → actor id
    new = iter(created)
    for i, action in enumerate(plan.actors):
        if action.merged_into is None:
            actor_ids[i] = next(new) if action.action == CREATE else action.actor_id
    for i, action in enumerate(plan.actors):
        if action.merged_into is not None:
            target = action.merged_into
            while plan.actors[target].merged_into is not None:
                target = plan.actors[target].merged_into
            actor_ids[i] = actor_ids[target]
    return actor_ids


def _update_actors(live: list, user) -> None:
    """Change the actors that rows matched, as the rows say."""
    updates = {a.actor_id: a for a in live if a.action == UPDATE}
    changed = []
    for actor in Actor.objects.filter(pk__in=updates).order_by("pk"):
        row = updates[actor.pk].row
        if updates[actor.pk].matched_by == "id":
            actor.name = row.label
        if row.kind_given:
            actor.kind = row.kind
            actor.type_label = row.type_label
        actor.description = row.description or actor.description
        # An import never makes a sensitive actor public, nor un-marks the directly affected.
        actor.is_sensitive = actor.is_sensitive or row.is_sensitive
        actor.is_directly_affected = actor.is_directly_affected or row.is_directly_affected
        if row.key and not actor.external_key:
            actor.external_key = row.key
        actor.custom_fields = {**actor.custom_fields, **row.custom_fields}
        actor.version += 1
        changed.append(actor)
    bulk_update_with_history(
        changed,
        Actor,
        [
            "name",
            "kind",
            "type_label",
            "description",
            "is_sensitive",
            "is_directly_affected",
            "external_key",
            "custom_fields",
            "version",
            "updated_at",
        ],
        batch_size=BATCH,
        default_user=user,
    )


def _score_key(a) -> tuple:
    return (a.stance, a.ally_kind, a.influence, a.proximity, a.commitment)


def _apply_assessments(plan: Plan, actor_ids: dict, user, today) -> None:
    wanted = {
        actor_ids[i]: a.row.assessments
        for i, a in enumerate(plan.actors)
        if a.merged_into is None and a.row.assessments
    }
    if not wanted:
        return
    latest: dict[int, tuple] = {}
    dated: dict[int, set] = {}
    for assessment in AllyAssessment.objects.filter(actor_id__in=wanted).order_by(
        "actor_id", "assessed_on", "created_at", "id"
    ):
        latest[assessment.actor_id] = _score_key(assessment)
        dated.setdefault(assessment.actor_id, set()).add(
            (*_score_key(assessment), assessment.assessed_on)
        )
    rows = []
    for actor_id, assessments in wanted.items():
        for incoming in assessments:
            if incoming.assessed_on is None:
                # A spreadsheet's stance is the one in force: recorded today if it moved.
                if latest.get(actor_id) == _score_key(incoming):
                    continue
                on = today
            else:
                if (*_score_key(incoming), incoming.assessed_on) in dated.get(actor_id, set()):
                    continue
                on = incoming.assessed_on
            rows.append(
                AllyAssessment(
                    actor_id=actor_id,
                    stance=incoming.stance,
                    ally_kind=incoming.ally_kind,
                    influence=incoming.influence,
                    proximity=incoming.proximity,
                    commitment=incoming.commitment,
                    assessed_on=on,
                    note=incoming.note,
                    assessed_by=user,
                )
            )
            latest[actor_id] = _score_key(incoming)
    create_with_history(AllyAssessment, rows, user=user)


def _apply_contacts(plan: Plan, actor_ids: dict) -> None:
    wanted = {
        actor_ids[i]: a.row.contacts
        for i, a in enumerate(plan.actors)
        if a.merged_into is None and a.row.contacts
    }
    if not wanted:
        return
    have = set(
        ContactDetail.objects.filter(actor_id__in=wanted).values_list("actor_id", "kind", "value")
    )
    rows = [
        ContactDetail(
            actor_id=actor_id, kind=c.kind, value=c.value, label=c.label, is_primary=c.is_primary
        )
        for actor_id, contacts in wanted.items()
        for c in contacts
        if (actor_id, c.kind, c.value) not in have
    ]
    create_with_history(ContactDetail, rows)


def _end(end: tuple[str, int], actor_ids: dict) -> int:
    kind, value = end
    return actor_ids[value] if kind == "row" else value


# The columns of a new tie that a row gives (the others take their defaults).
TIE_COLUMNS = (
    *("coalition_id", "source_id", "target_id", "is_sensitive", "kind", "direction"),
    *("strength", "description", "started_on", "ended_on", "type_label", "declared_weight"),
    "custom_fields",
)


def _apply_ties(plan: Plan, actor_ids: dict, coalition, user) -> None:
    coalition_id = coalition.pk
    new = []
    updates = {}
    for tie in plan.ties:
        row = tie.row
        if tie.action == UPDATE:
            updates[tie.tie_id] = row
            continue
        source, target = tie.source, tie.target
        new.append(
            (
                coalition_id,
                actor_ids[source[1]] if source[0] == "row" else source[1],
                actor_ids[target[1]] if target[0] == "row" else target[1],
                row.is_sensitive,
                row.kind,
                row.direction,
                row.strength,
                row.description,
                row.started_on,
                row.ended_on,
                row.type_label,
                row.declared_weight,
                row.custom_fields,
            )
        )
    insert_with_history(Tie, TIE_COLUMNS, new, user=user)
    changed = []
    for tie in Tie.objects.filter(pk__in=updates).order_by("pk"):
        row = updates[tie.pk]
        tie.direction = row.direction
        tie.strength = row.strength if row.strength is not None else tie.strength
        if row.declared_weight is not None:
            tie.declared_weight = row.declared_weight
        tie.type_label = row.type_label or tie.type_label
        tie.custom_fields = {**tie.custom_fields, **row.custom_fields}
        tie.description = row.description or tie.description
        tie.started_on = row.started_on or tie.started_on
        tie.ended_on = row.ended_on or tie.ended_on
        tie.is_sensitive = tie.is_sensitive or row.is_sensitive
        tie.version += 1
        changed.append(tie)
    bulk_update_with_history(
        changed,
        Tie,
        [
            "direction",
            "strength",
            "declared_weight",
            "type_label",
            "custom_fields",
            "description",
            "started_on",
            "ended_on",
            "is_sensitive",
            "version",
            "updated_at",
        ],
        batch_size=BATCH,
        default_user=user,
    )


def _apply_interactions(plan: Plan, actor_ids: dict, coalition, user) -> None:
    for planned in plan.interactions:
        row = planned.row
        interaction = Interaction.objects.create(
            coalition=coalition,
            kind=row.kind,
            occurred_on=row.occurred_on,
            summary=row.summary,
            recorded_by=user,
        )
        InteractionParticipant.objects.bulk_create(
            [
                InteractionParticipant(interaction=interaction, actor_id=actor_id)
                for actor_id in sorted({_end(p, actor_ids) for p in planned.participants})
            ]
        )


def saved_view_filters(access, view_id: int):
    """The map filters of one of the coalition's saved views (networks.map.MapFilters); an
    unknown view, or another coalition's, is an error naming the ``view`` parameter."""
    from networks.map.filters import filters_query, map_filters_from
    from networks.map.models import SavedView

    view = SavedView.objects.filter(coalition=access.coalition, pk=view_id).first()
    if view is None:
        raise ApplicationError(
            f"There is no saved view {view_id} in this coalition.",
            field="view",
            status=404,
            code="not_found",
        )
    return view, map_filters_from(filters_query(view.filters or {}))


def coalition_export(
    *, access, file_format: str, view_id: int | None = None
) -> tuple[Iterator[bytes], str, str]:
    """The coalition's map as a file, filtered by the exporter's role (and by a saved view's
    filters when ``view_id`` is given), and its audit row. Returns (the file's chunks,
    content type, file extension): the file is written as the chunks are read, after the
    audit row, so that a large map is never held whole once encoded."""
    if file_format not in EXPORT_FORMATS:
        raise ApplicationError(
            f"Unknown format {file_format!r}: use one of {', '.join(EXPORT_FORMATS)}.",
            field="format",
        )
    access.require(Permission.MAP_VIEW)
    # The roles table: personal contact data leaves Weft only in a steward's export.
    include_contacts = access.can(Permission.EXPORT)
    view, filters = saved_view_filters(access, view_id) if view_id is not None else (None, None)
    export = map_export(access, include_contacts=include_contacts, filters=filters)
    write, content_type, extension = EXPORT_FORMATS[file_format]
    # Audited before the first chunk is written: a download cut short was still an export.
    with transaction.atomic():
        audit_record(
            coalition=access.coalition,
            user=access.user,
            action=AuditAction.EXPORT,
            format=file_format,
            role=str(access.role),
            actors=len(export["actors"]),
            ties=len(export["ties"]),
            interactions=len(export["interactions"]),
            contact_details=sum(len(a.get("contacts", [])) for a in export["actors"]),
            includes_sensitive=access.sees_sensitive,
            # A saved view's export: which view, and the filters' names (not their values).
            **({"saved_view": view.pk, "filtered_by": sorted(view.filters)} if view else {}),
        )
    return write(export), content_type, extension
