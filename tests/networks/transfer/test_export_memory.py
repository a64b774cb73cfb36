"""A large map's export is sent as it is written (issue #24 item 2): exporting 2,000 actors
and 6,000 ties, the download read to its end, never holds the encoded file whole.

What is measured is the peak of Python's memory (tracemalloc) from the moment the map has
been read (``map_export``: the plain dicts every format is written from, held by any
export) until the last chunk has been read: the writing, whether it happens in the view or
as the chunks are read. A streamed export adds a chunk or two and the writer's own state;
one that wrote the whole file first adds at least the file. The test asserts both, on the
same request: streamed, less than half the file; written whole (the writer swapped for one
that joins its chunks before the first is sent), more than the file."""

import base64
import random
import tracemalloc

import pytest

from allies.models import Actor
from coalitions import roles
from networks.models import Tie
from networks.transfer import services
from networks.transfer.selectors import map_export
from networks.transfer.services import EXPORT_FORMATS
from weft.vocabulary import ActorKind

ACTORS, TIES = 2000, 6000


def note(number: int) -> str:
    """Four hundred characters as varied as real notes, that a zip cannot squeeze away: the
    files, zipped or not, run to megabytes."""
    return base64.b64encode(random.Random(number).randbytes(300)).decode()


@pytest.fixture
def large_map(coalition):
    actors = Actor.objects.bulk_create(
        [
            Actor(
                coalition=coalition,
                name=f"Organisation {number}",
                kind=ActorKind.ORGANISATION,
                description=note(number),
                custom_fields={"District": number % 40, "Founded": 1950 + number % 70},
            )
            for number in range(ACTORS)
        ]
    )
    Tie.objects.bulk_create(
        [
            Tie(
                coalition=coalition,
                source=actors[number % ACTORS],
                # A neighbour one, two or three places on: never itself, never twice.
                target=actors[(number + 1 + number // ACTORS) % ACTORS],
                strength=1 + number % 5,
                description=note(ACTORS + number),
            )
            for number in range(TIES)
        ]
    )
    return coalition


def file_size(access, file_format: str) -> int:
    write, _, _ = EXPORT_FORMATS[file_format]
    return sum(len(chunk) for chunk in write(map_export(access, include_contacts=True)))


def added_after_the_map_is_read(monkeypatch, client, coalition, file_format) -> int:
    """The peak memory (bytes) the export adds once the map is read, until its last chunk is
    read (each chunk dropped once counted): the writing, wherever it happens."""
    read = services.map_export
    read_at = []

    def read_then_measure(*args, **kwargs):
        export = read(*args, **kwargs)
        read_at.append(tracemalloc.get_traced_memory()[0])
        tracemalloc.reset_peak()
        return export

    monkeypatch.setattr(services, "map_export", read_then_measure)
    tracemalloc.start()
    try:
        response = client.get(f"/api/v1/coalitions/{coalition.pk}/export/?format={file_format}")
        assert response.status_code == 200 and response.streaming
        # Read to the end: the test client's wrapper then closes the response (an explicit
        # close() would also end the test's database connection, as at the end of a request).
        for _chunk in response.streaming_content:
            pass
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        monkeypatch.setattr(services, "map_export", read)
    return peak - read_at[0]


def whole_file(write):
    """The export as it was before it streamed: the whole file written, then sent."""
    return lambda export: iter([b"".join(write(export))])


@pytest.mark.parametrize("file_format", ["json", "csv", "gexf"])
def test_a_large_maps_export_never_holds_the_encoded_file(
    client_for, large_map, personas, monkeypatch, file_format
):
    size = file_size(roles.access_for(personas["steward"], large_map.pk), file_format)
    client = client_for("steward")
    streamed = added_after_the_map_is_read(monkeypatch, client, large_map, file_format)
    assert streamed < size / 2, (streamed, size)
    # The same measure cannot pass when the whole file is written before it is sent.
    write, content_type, extension = EXPORT_FORMATS[file_format]
    monkeypatch.setitem(EXPORT_FORMATS, file_format, (whole_file(write), content_type, extension))
    whole = added_after_the_map_is_read(monkeypatch, client, large_map, file_format)
    assert whole > size, (whole, size)
