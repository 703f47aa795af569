"""Capability tokens (share links, self-assessment invites, workspaces).

A token is shown once, to the person who creates it; the database keeps only its
SHA-256, so a read of the database grants no access. Tokens carry 256 random bits,
well above the 128 asked for; at that size a fast unsalted hash is the right tool
(nothing to brute-force), and lookups stay one indexed equality.
"""

from __future__ import annotations

import hashlib
import re
import secrets

TOKEN_BYTES = 32
# token_urlsafe(32) is 43 characters; older links may be shorter (>= 22 = 128 bits).
TOKEN_FORM = re.compile(r"[A-Za-z0-9_-]{22,86}")


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def is_token_shaped(value: object) -> bool:
    """A string of the token alphabet and length, whole (no trailing newline)."""
    return isinstance(value, str) and TOKEN_FORM.fullmatch(value) is not None


def hash_token(token: str) -> str:
    """What the database stores and looks up: hex SHA-256 of the token."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()
