"""The rows a preview read, kept for its confirm: the confirm then plans them against the map
as it is now without reading the upload a second time (for a 5,000-node GEXF, reading is
about a third of the whole import: bench/import_bench.py).

They are kept as a pickle, and a pickle must never be loaded from bytes an attacker could
have written: the kept bytes carry an HMAC of the project's SECRET_KEY (Django's
``salted_hmac``), and bytes whose HMAC does not match (altered in the database, or signed
under an earlier key) are not loaded. Nor are rows that no longer unpickle (the reader's
classes changed by a deploy between preview and confirm). In either case the confirm reads
the upload again, as it did before, and nothing is lost but time."""

import logging
import pickle

from django.utils.crypto import constant_time_compare, salted_hmac

from networks.transfer.parsed import ParsedMap
from weft.ceiling import gc_paused

logger = logging.getLogger(__name__)

SALT = "weft.networks.transfer.kept"
DIGEST_BYTES = 32  # SHA-256


def _mac(payload: bytes) -> bytes:
    return salted_hmac(SALT, payload, algorithm="sha256").digest()


def keep(parsed: ParsedMap) -> bytes:
    """The bytes to store beside the upload: an HMAC, then the pickled rows."""
    payload = pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL)
    return _mac(payload) + payload


def kept(stored) -> ParsedMap | None:
    """The rows ``keep`` stored, or None when there are none or they cannot be trusted or
    loaded (then the upload is read again)."""
    stored = bytes(stored or b"")
    if len(stored) <= DIGEST_BYTES:
        return None
    mac, payload = stored[:DIGEST_BYTES], stored[DIGEST_BYTES:]
    if not constant_time_compare(mac, _mac(payload)):
        logger.warning("import: kept rows fail their HMAC; the upload is read again")
        return None
    try:
        with gc_paused():
            parsed = pickle.loads(payload)  # noqa: S301 - HMAC-checked bytes Weft wrote
    except Exception as error:
        logger.warning(
            "import: kept rows do not load (%s); the upload is read again", type(error).__name__
        )
        return None
    return parsed if isinstance(parsed, ParsedMap) else None
