"""Codes an authenticator app would show (RFC 6238: HMAC-SHA1 over 30-second steps, 6 digits),
computed here so that tests sign in with a second factor the way a person does."""

import base64
import hashlib
import hmac
import struct
import time


def totp_code(secret: str, *, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def fresh_totp_code(secret: str, used: str, *, step: int = 30) -> str:
    """The next code that is not ``used``: an authenticator refuses a code twice (replay), so a
    test that activates and then signs in within one step waits for the next, as a person
    would see their app change."""
    deadline = time.time() + step + 2
    while (code := totp_code(secret, step=step)) == used and time.time() < deadline:
        time.sleep(0.5)
    return code
