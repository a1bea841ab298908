"""Deterministic randomness keyed by entity, so any record can be regenerated alone.

Python's ``hash`` is salted per process and ``random.Random(str)`` is slow, so a
key is hashed with blake2b once and seeds a private ``random.Random``.
"""
from __future__ import annotations

import hashlib
import random
import struct

_U64 = 2.0**64


def rng(*key: object) -> random.Random:
    """A generator that depends only on ``key`` (e.g. ``rng(seed, "customer", 17)``)."""
    digest = hashlib.blake2b(repr(key).encode(), digest_size=8).digest()
    return random.Random(int.from_bytes(digest, "little"))


def uniforms(*key: object) -> tuple[float, ...]:
    """Eight independent uniforms in [0, 1) for ``key``: cheaper than ``rng`` when eight suffice."""
    digest = hashlib.blake2b(repr(key).encode(), digest_size=64).digest()
    return tuple(x / _U64 for x in struct.unpack("<8Q", digest))


def stable_int(*key: object, digits: int = 17) -> int:
    """A large stable id, shaped like the numeric ids platforms hand out."""
    digest = hashlib.blake2b(repr(key).encode(), digest_size=16).digest()
    low = 10 ** (digits - 1)
    return low + int.from_bytes(digest, "little") % (9 * low)


def stable_hex(*key: object, length: int = 10) -> str:
    return hashlib.blake2b(repr(key).encode(), digest_size=(length + 1) // 2).hexdigest()[:length]
