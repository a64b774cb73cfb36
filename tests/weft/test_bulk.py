"""Bulk writes (weft/bulk.py): COPY on PostgreSQL must write exactly the rows, defaults and
history rows that django-simple-history's bulk_create_with_history writes (on SQLite it is
that function)."""

import datetime

import pytest
from simple_history.utils import bulk_create_with_history

from allies.models import Actor
from networks.models import Tie
from weft.bulk import create_with_history
from weft.vocabulary import ActorKind

pytestmark = pytest.mark.django_db
AWKWARD = "Tab\there, a new\nline, a back\\slash, \\N, «ü» and 'quotes'"


def actor_values(actor):
    return (
        actor.name,
        actor.kind,
        actor.description,
        actor.custom_fields,
        actor.is_sensitive,
        actor.version,
        actor.external_key,
    )


def history_values(record):
    return (
        record.history_type,
        record.history_user_id,
        record.history_change_reason,
        record.name,
        record.description,
        record.custom_fields,
        record.version,
    )


def test_copy_writes_what_bulk_create_with_history_writes(coalition, personas):
    user = personas["organizer"]

    def batch(prefix):
        return [
            Actor(
                coalition=coalition,
                name=f"{prefix} {i}",
                kind=ActorKind.ORGANISATION,
                description=AWKWARD if i == 0 else "",
                custom_fields={"Founded": 1999, "Note": AWKWARD, "none": None} if i < 2 else {},
            )
            for i in range(3)
        ]

    ours = create_with_history(Actor, batch("Ours"), user=user)
    theirs = bulk_create_with_history(batch("Theirs"), Actor, default_user=user)
    assert all(actor.pk for actor in ours) and len({a.pk for a in ours}) == 3
    for mine, reference in zip(ours, theirs, strict=True):
        stored = Actor.objects.get(pk=mine.pk)
        expected = Actor.objects.get(name=reference.name)
        assert actor_values(stored)[1:] == actor_values(expected)[1:]
        assert stored.created_at is not None and stored.updated_at is not None
        (record,) = stored.history.all()
        (expected_record,) = expected.history.all()
        assert history_values(record)[:3] == history_values(expected_record)[:3]
        assert history_values(record)[4:] == history_values(expected_record)[4:]
        assert record.history_user_id == user.pk

    # The objects come back usable: ties to them save, and their ids are in order.
    ids = [actor.pk for actor in ours]
    assert ids == sorted(ids)
    ties = create_with_history(
        Tie,
        [
            Tie(
                coalition=coalition,
                source=ours[0],
                target=ours[1],
                strength=4,
                started_on=datetime.date(2025, 5, 1),
                description=AWKWARD,
            )
        ],
        user=user,
    )
    tie = Tie.objects.get(pk=ties[0].pk)
    assert (tie.description, tie.started_on, tie.strength, tie.version) == (
        AWKWARD,
        datetime.date(2025, 5, 1),
        4,
        1,
    )
    assert tie.history.get().source_id == ours[0].pk


def test_rows_given_as_values_are_written_with_their_defaults_and_history(coalition, personas):
    from weft.bulk import insert_with_history

    user = personas["organizer"]
    columns = ("coalition_id", "name", "kind", "description", "custom_fields")
    rows = [
        (coalition.pk, "First", ActorKind.ORGANISATION, AWKWARD, {"Note": AWKWARD, "n": 2}),
        (coalition.pk, "Second", ActorKind.PERSON, "", {}),
    ]
    ids = insert_with_history(Actor, columns, rows, user=user)
    assert ids == sorted(ids) and len(set(ids)) == 2
    first, second = (Actor.objects.get(pk=pk) for pk in ids)
    assert (first.name, first.description, first.custom_fields) == (
        "First",
        AWKWARD,
        {"Note": AWKWARD, "n": 2},
    )
    assert (second.name, second.kind, second.version, second.external_key) == (
        "Second",
        ActorKind.PERSON,
        1,
        "",
    )
    assert first.created_at is not None and first.updated_at is not None
    (record,) = first.history.all()
    assert (record.history_type, record.history_user_id, record.description) == (
        "+",
        user.pk,
        AWKWARD,
    )
    with pytest.raises(ValueError, match="no column"):
        insert_with_history(Actor, ("coalition_id", "nickname"), [(coalition.pk, "x")])


def test_an_upsert_inserts_new_rows_and_updates_the_ones_there(coalition):
    from networks.models import ActorPosition
    from weft.bulk import upsert_rows

    placed, moved = (
        Actor.objects.create(coalition=coalition, name=name, kind=ActorKind.GROUP)
        for name in ("Placed", "Moved")
    )
    ActorPosition.objects.create(actor=moved, x=1.0, y=1.0, is_pinned=False)
    upsert_rows(
        ActorPosition,
        ("actor_id", "x", "y", "is_pinned"),
        [(placed.pk, 5.5, -2.0, True), (moved.pk, 3.0, 4.0, True)],
        unique=["actor_id"],
        update=["x", "y", "is_pinned"],
    )
    positions = {p.actor_id: (p.x, p.y, p.is_pinned) for p in ActorPosition.objects.all()}
    assert positions == {placed.pk: (5.5, -2.0, True), moved.pk: (3.0, 4.0, True)}
    assert ActorPosition.objects.get(actor=placed).updated_at is not None
