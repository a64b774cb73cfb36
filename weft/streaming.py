"""Downloads answered a chunk at a time, so that a large file is never held whole in memory.

A writer yields small pieces (a JSON token, an XML line, a few CSV rows); ``in_chunks``
gathers them into chunks of about ``CHUNK_BYTES``, and ``attachment`` answers the chunks as
a download. The chunks are read only while the response is sent, after the view returned:
whatever must come first (the checks that answer a 4xx, the audit row) is done before the
chunks are handed over, never inside the generator, where it would wait for the first read.
"""

from collections.abc import Iterable, Iterator
from itertools import islice

from django.http import StreamingHttpResponse

# Large enough that a chunk's overhead (one write to the socket, one WSGI iteration) is
# nothing next to its bytes; small enough that many concurrent downloads cost little memory.
CHUNK_BYTES = 64 * 1024
JOINED_PIECES = 256


def in_chunks(pieces: Iterable[str | bytes], size: int = CHUNK_BYTES) -> Iterator[bytes]:
    """Small pieces (all text, encoded as UTF-8, or all bytes) in chunks of ``size`` or a
    little more; no chunk is empty."""
    # A JSON token is a few characters in an object of some fifty bytes: the pieces are
    # joined a few hundred at a time (islice, at C speed), not held until a chunk is full.
    remaining = iter(pieces)
    chunk = bytearray()
    while batch := list(islice(remaining, JOINED_PIECES)):
        chunk += _joined(batch)
        if len(chunk) >= size:
            yield bytes(chunk)
            chunk.clear()
    if chunk:
        yield bytes(chunk)


def _joined(pieces: list) -> bytes:
    if isinstance(pieces[0], str):
        return "".join(pieces).encode()
    return b"".join(pieces)


class Pipe:
    """A write-only file whose bytes are taken out as they come (``take``). ``zipfile`` writes
    an archive to it a member at a time: it cannot seek back, so it writes each member's
    sizes after its data, which every unzip reads."""

    def __init__(self) -> None:
        self._written = bytearray()

    def write(self, data: bytes) -> int:
        self._written += data
        return len(data)

    def flush(self) -> None:
        pass

    def __len__(self) -> int:
        return len(self._written)

    def take(self) -> bytes:
        data = bytes(self._written)
        self._written.clear()
        return data


def attachment(
    chunks: Iterable[str | bytes], *, content_type: str, filename: str
) -> StreamingHttpResponse:
    """A download sent as ``chunks`` are read, named ``filename``."""
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
