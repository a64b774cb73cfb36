"""Two-mode (affiliation) data in: people and the groups they belong to — events attended,
boards sat on, campaigns joined — imported as affiliations (``allies.Affiliation``), from which
every metric run computes the one-mode projection (networks/graph/strength.py, co-affiliation
evidence).

A CSV file in either of the two shapes such data come in:

* an **incidence matrix** (UCINET's and most published data sets', e.g. Davis's Southern
  Women): a header row naming the groups after one first cell, then one row per person, its
  name first and then a number per group, anything above 0 meaning "belongs";
* an **affiliation list**: two columns, the person and a group, one row per membership (a
  header row is recognised by its first cell: person, actor, member, name, woman, man).

People are matched to the coalition's actors by exact name (case and spacing aside); a name
that matches no actor becomes a person, a group that matches none becomes an actor of kind
group. A row naming as a person an actor that is not one is refused, with nothing written; so
is an empty or unreadable file. An affiliation that already exists is not added twice.
"""

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction

from allies.models import Actor, Affiliation
from allies.services.actors import actor_create
from allies.services.affiliations import affiliation_create
from coalitions.roles import Access, Permission
from networks.transfer.services import max_file_bytes
from weft.errors import ApplicationError
from weft.vocabulary import ActorKind

MAX_ROWS = 20_000
# How many refused rows one refusal lists (the rest are counted).
ROWS_LISTED = 10
_LIST_HEADERS = {"person", "actor", "member", "name", "woman", "man", "people"}


@dataclass
class AffiliationTable:
    # (row number in the file, person's name, group's name)
    memberships: list[tuple[int, str, str]] = field(default_factory=list)


def read_affiliations(data: bytes) -> AffiliationTable:
    """The memberships a CSV file holds. Raises ``ApplicationError`` on the ``file`` field for
    a file that is not text, is empty, or has a cell that is neither a name nor a number."""
    rows = _rows(data)
    header = [cell.strip() for cell in rows[0]]
    if len(header) > 2 or (len(rows) > 1 and _is_matrix(rows[1:])):
        return _from_matrix(header[1:], rows[1:])
    table = AffiliationTable()
    start = 1 if header[0].casefold() in _LIST_HEADERS else 0
    for number, row in enumerate(rows[start:], start=start + 1):
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            raise ApplicationError(f"row {number}: a person and a group are needed.", field="file")
        table.memberships.append((number, row[0].strip(), row[1].strip()))
    return table


def _rows(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ApplicationError("is not a UTF-8 text file.", field="file") from None
    try:
        delimiter = csv.Sniffer().sniff(text[:4096], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    rows = [row for row in csv.reader(io.StringIO(text), delimiter=delimiter) if any(row)]
    if not rows:
        raise ApplicationError("is empty.", field="file")
    if len(rows) > MAX_ROWS:
        raise ApplicationError(f"has more than {MAX_ROWS:,} rows.", field="file")
    return rows


def _from_matrix(groups: list[str], rows: list[list[str]]) -> AffiliationTable:
    table = AffiliationTable()
    for number, row in enumerate(rows, start=2):
        person = row[0].strip()
        for group, cell in zip(groups, row[1:], strict=False):
            if _belongs(cell, number) and person and group:
                table.memberships.append((number, person, group))
    return table


def _is_matrix(rows: list[list[str]]) -> bool:
    return all(_number(cell) is not None for row in rows for cell in row[1:] if cell.strip())


def _number(cell: str) -> float | None:
    try:
        return float(cell.strip())
    except ValueError:
        return None


def _belongs(cell: str, row: int) -> bool:
    if not cell.strip():
        return False
    value = _number(cell)
    if value is None:
        raise ApplicationError(f"row {row}: {cell.strip()[:40]!r} is not a number.", field="file")
    return value > 0


def affiliations_import_upload(*, access: Access, uploaded) -> dict:
    """A two-mode file as uploaded, from the API or the import page: refused over the upload
    limit, else imported (``affiliations_import``)."""
    if uploaded.size > max_file_bytes():
        raise ApplicationError(
            f"The file is over the limit of {max_file_bytes() // 1048576} MB.",
            field="file",
            status=413,
            code="too_large",
        )
    return affiliations_import(access=access, data=uploaded.read())


@transaction.atomic
def affiliations_import(*, access: Access, data: bytes) -> dict:
    """Bring a two-mode file in as people, groups and affiliations, in one transaction.
    Returns the counts of what was created."""
    access.require(Permission.MAP_EDIT_ALL)
    table = read_affiliations(data)
    if not table.memberships:
        raise ApplicationError("holds no membership.", field="file")
    by_name = {
        _key(actor.name): actor
        for actor in Actor.objects.filter(coalition=access.coalition).order_by("-id")
    }
    created = {"people": 0, "groups": 0, "affiliations": 0}
    refused = []
    for row, person_name, _ in table.memberships:
        person = by_name.get(_key(person_name))
        if person is not None and person.kind != ActorKind.PERSON:
            refused.append(
                f"row {row}: {person_name[:80]!r} is an actor of kind {person.kind}, not a person"
            )
    if refused:
        more = len(refused) - ROWS_LISTED
        listed = "; ".join(refused[:ROWS_LISTED]) + (f"; and {more} more rows" if more > 0 else "")
        raise ApplicationError(f"{listed}. Nothing was imported.", field="file")
    existing = set(
        Affiliation.objects.filter(person__coalition=access.coalition).values_list(
            "person_id", "organisation_id"
        )
    )
    for _, person_name, group_name in table.memberships:
        person = by_name.get(_key(person_name))
        if person is None:
            person = actor_create(access=access, name=person_name, kind=ActorKind.PERSON)
            by_name[_key(person_name)] = person
            created["people"] += 1
        group = by_name.get(_key(group_name))
        if group is None or group.kind == ActorKind.PERSON:
            group = actor_create(access=access, name=group_name, kind=ActorKind.GROUP)
            by_name[_key(group_name)] = group
            created["groups"] += 1
        if (person.pk, group.pk) in existing:
            continue
        affiliation_create(access=access, person=person, organisation=group)
        existing.add((person.pk, group.pk))
        created["affiliations"] += 1
    return created


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()
