"""Capability tokens: enough randomness, whole-string shape checks, stored only as hashes."""

from __future__ import annotations

import pytest

from planner.store import (
    hash_token,
    is_token_shaped,
    new_token,
)


def test_new_tokens_are_long_random_and_well_shaped() -> None:
    tokens = {new_token() for _ in range(200)}
    assert len(tokens) == 200
    assert all(is_token_shaped(tok) and len(tok) >= 43 for tok in tokens)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "short",
        "a" * 21,
        "a" * 87,
        "a" * 30 + "\n",  # `$` would have accepted a final newline
        "a" * 30 + "\r",
        " " + "a" * 30,
        "a" * 15 + "/" + "a" * 15,
        "a" * 15 + "." + "a" * 15,
        "ａ" * 30,  # full-width letters
        None,
        12345678901234567890123,
        b"a" * 30,
    ],
)
def test_malformed_tokens_are_refused(value: object) -> None:
    assert not is_token_shaped(value)


def test_the_hash_is_stable_hex_and_never_the_token() -> None:
    token = new_token()
    digest = hash_token(token)
    assert digest == hash_token(token)
    assert len(digest) == 64 and int(digest, 16) >= 0
    assert token not in digest and hash_token(new_token()) != digest
