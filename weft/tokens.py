"""Secret tokens in links (signatures, share links): only their SHA-256 is stored."""

import hashlib
import secrets


# -- Signatures on the public page
def token_hash(token: str) -> str:

    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:

    token = secrets.token_urlsafe(32)
    return token, token_hash(token)
