"""A coalition leaving takes its data with it and leaves nothing behind (stewards): the export
of everything it holds, history included, as one Weft JSON document, and the deletion of the
coalition with every row that belongs to it, history rows, queued tasks and the accounts that
exist only for it included. Both are audited; the deletion's entry outlives the coalition and
holds its id, a hash of its name and the counts, nothing personal.

Which rows belong to a coalition is ``coalitions.stewardship.ownership``'s to say.
"""

import base64
import datetime
import decimal
import hashlib
import json
import uuid
from collections.abc import Iterator

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.utils import timezone

from coalitions.models import AuditAction
from coalitions.roles import Access, Permission
from coalitions.services import audit_record
from coalitions.stewardship.ownership import (
    Tally,
    accounts_of_only,
    outbox_rows,
    owned_models,
    owned_rows,
    session_keys,
)
from weft.errors import ApplicationError
from weft.models import OutboxMessage

EXPORT_FORMAT = "weft-coalition/1"
BATCH = 1000


def _same_name(typed: str, name: str) -> bool:
    return " ".join((typed or "").split()).casefold() == " ".join(name.split()).casefold()


# -- Export -----------------------------------------------------------------------------------


def _plain(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return {"base64": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def _row(model, values: dict) -> dict:
    return {f.name: _plain(values[f.attname]) for f in model._meta.concrete_fields}


def export_tally(coalition_id: int) -> Tally:
    tally = Tally()
    for model in owned_models():
        tally.counts[model._meta.label] = owned_rows(model, coalition_id).count()
    return tally


def coalition_export_whole(*, access: Access) -> tuple[Iterator[str], str]:
    """Every row of every table that belongs to the coalition (history tables, many-to-many
    tables and its audit log included), as one JSON document written a batch of rows at a
    time. The export is audited before the first byte goes. Returns (chunks, file name)."""
    access.require(Permission.EXPORT)
    coalition = access.coalition
    tally = export_tally(coalition.pk)
    with transaction.atomic():
        audit_record(
            coalition=coalition,
            user=access.user,
            action=AuditAction.EXPORT,
            format="json",
            what="whole_coalition",
            role=str(access.role),
            rows=tally.rows,
            tables=tally.tables,
        )
    filename = f"weft-coalition-{coalition.pk}-{timezone.localdate().isoformat()}.json"
    return _export_chunks(coalition.pk), filename


def _export_chunks(coalition_id: int) -> Iterator[str]:
    encode = json.JSONEncoder(ensure_ascii=False).encode
    head = {
        "format": EXPORT_FORMAT,
        "exported_at": timezone.now().isoformat(),
        "coalition": coalition_id,
    }
    yield encode(head)[:-1] + ', "tables": {'
    for index, model in enumerate(owned_models()):
        rows = owned_rows(model, coalition_id).order_by(model._meta.pk.attname)
        columns = [f.attname for f in model._meta.concrete_fields]
        yield ("" if index == 0 else ", ") + encode(model._meta.label) + ": ["
        batch = []
        first = True
        for values in rows.values(*columns).iterator(chunk_size=BATCH):
            batch.append(encode(_row(model, values)))
            if len(batch) == BATCH:
                yield ("" if first else ", ") + ", ".join(batch)
                first, batch = False, []
        if batch:
            yield ("" if first else ", ") + ", ".join(batch)
        yield "]"
    yield "}}\n"


# -- Deletion ---------------------------------------------------------------------------------


def deletion_preview(*, access: Access) -> Tally:
    """What deleting the coalition removes, table by table."""
    access.require(Permission.ERASE)
    coalition_id = access.coalition.pk
    tally = Tally()
    for model in owned_models():
        tally.counts[model._meta.db_table] += owned_rows(model, coalition_id).count()
    tally.counts["weft_outboxmessage"] += outbox_rows(coalition_id).count()
    accounts = accounts_of_only(coalition_id).exclude(pk=access.user.pk)
    tally.counts[accounts.model._meta.db_table] += accounts.count()
    sessions = session_keys(coalition_id, accounts.values_list("pk", flat=True))
    tally.counts[Session._meta.db_table] += len(sessions)
    return tally


def name_hash(name: str) -> str:
    """What the audit log keeps of a deleted coalition's name: enough to recognise it when
    one knows the name, nothing to read it from."""
    normal = " ".join(name.split()).casefold()
    return hashlib.sha256(f"{settings.SECRET_KEY}:coalition:{normal}".encode()).hexdigest()[:16]


@transaction.atomic
def coalition_delete(*, access: Access, confirmation: str) -> Tally:
    """Delete the coalition and every row that belongs to it, for good, in one transaction:
    its tables' rows and their history (written without new history records), the tasks
    queued for it, the sessions that hold one of its links or belong to an account deleted
    here, and the accounts that held a role in it and in no other coalition (not the
    steward's own). ``confirmation`` must repeat the coalition's name. The audit entry is
    written last and keeps the coalition's id, a hash of its name and the counts."""
    access.require(Permission.ERASE)
    coalition = type(access.coalition).objects.select_for_update().get(pk=access.coalition.pk)
    if not _same_name(confirmation, coalition.name):
        raise ApplicationError(
            "Type the coalition's name exactly to confirm its deletion.", field="confirmation"
        )
    tally = Tally()
    # Every row found before any goes: a history row is found through its parents.
    doomed = []
    for model in owned_models():
        pks = list(owned_rows(model, coalition.pk).values_list(model._meta.pk.attname, flat=True))
        doomed.append((model, pks))
    outbox = list(outbox_rows(coalition.pk).values_list("pk", flat=True))
    accounts = list(
        accounts_of_only(coalition.pk).exclude(pk=access.user.pk).values_list("pk", flat=True)
    )
    sessions = session_keys(coalition.pk, accounts)
    # Raw deletes: no signal, so no history record of the deletion itself; the keys between
    # these rows are checked once all are gone (check_constraints below).
    for model, pks in doomed:
        for start in range(0, len(pks), BATCH):
            chunk = pks[start : start + BATCH]
            queryset = model._base_manager.filter(**{f"{model._meta.pk.attname}__in": chunk})
            tally.counts[model._meta.db_table] += queryset._raw_delete(queryset.db)
    if outbox:
        tally.counts[OutboxMessage._meta.db_table] += OutboxMessage.objects.filter(
            pk__in=outbox
        ).delete()[0]
    if sessions:
        tally.counts[Session._meta.db_table] += Session.objects.filter(
            session_key__in=sessions
        ).delete()[0]
    if accounts:
        for label, n in get_user_model().objects.filter(pk__in=accounts).delete()[1].items():
            tally.counts[apps.get_model(label)._meta.db_table] += n
    connection.check_constraints()
    audit_record(
        coalition=None,
        user=access.user,
        action=AuditAction.COALITION_DELETED,
        coalition_id=coalition.pk,
        name_hash=name_hash(coalition.name),
        rows=tally.rows,
        tables=tally.tables,
        counts=dict(tally.table_rows),
    )
    return tally
