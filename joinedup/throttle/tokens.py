"""The long random tokens of links used without signing in (a business's reporting link, a child's speaking-out
link): shown once when issued, and kept only as a SHA-256 hash."""

import hashlib
import secrets

TOKEN_BYTES = 32  # secrets.token_urlsafe(32): 43 characters of the URL-safe alphabet


def token_new() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """What is kept of a link's token: its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()
