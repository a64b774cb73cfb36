"""Secret tokens in links (signatures, share links, invitations, survey links): only their
SHA-256 is stored. A link's row is found by its hash, and the match is then confirmed with a
constant-time comparison, so how long a refusal takes says nothing about a stored token."""

import hashlib
import hmac
import secrets


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_matches(token: str, stored_hash: str) -> bool:
    """Whether ``token`` is the one ``stored_hash`` was made from, compared in constant time."""
    if not token or not stored_hash:
        return False
    return hmac.compare_digest(token_hash(token).encode(), stored_hash.encode())


def row_for_token(rows, token: str, field: str = "token_hash"):
    """The row of ``rows`` whose ``field`` is the token's hash, or None; confirmed in
    constant time."""
    row = rows.filter(**{field: token_hash(token or "")}).first()
    if row is None or not token_matches(token, getattr(row, field)):
        return None
    return row
