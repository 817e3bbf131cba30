"""Human-friendly ids: request ids (``REQ-7K2QD``) and incident ids (``INC-4F9Z0M1C``).

Both use Crockford base32, which has no I, L, O or U, so an id read aloud or retyped survives;
``normalise_request_id`` accepts the common slips (lower case, O for 0, I or L for 1). The
randomness source is passed in: ``secrets.token_bytes`` in production, a seeded
``random.Random`` in tests.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable

from bot.catalogue import say
from vocabulary.commands import REQUEST_ID_RE
from vocabulary.errors import UsageError

CROCKFORD_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REQUEST_ID_CHARS = 5
INCIDENT_ID_CHARS = 8
_BITS_PER_CHAR = 5
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})

RandomSource = random.Random | Callable[[int], bytes]
"""A seeded ``random.Random`` or a ``token_bytes``-like function returning n random bytes."""


def _random_bits(source: RandomSource, bits: int) -> int:
    if isinstance(source, random.Random):
        return source.getrandbits(bits)
    nbytes = -(-bits // 8)
    return int.from_bytes(source(nbytes), "big") >> (nbytes * 8 - bits)


def _crockford(source: RandomSource, chars: int) -> str:
    value = _random_bits(source, chars * _BITS_PER_CHAR)
    digits = []
    for _ in range(chars):
        value, index = divmod(value, len(CROCKFORD_ALPHABET))
        digits.append(CROCKFORD_ALPHABET[index])
    return "".join(reversed(digits))


def new_request_id(source: RandomSource = secrets.token_bytes) -> str:
    return f"REQ-{_crockford(source, REQUEST_ID_CHARS)}"


def new_incident_id(source: RandomSource = secrets.token_bytes) -> str:
    return f"INC-{_crockford(source, INCIDENT_ID_CHARS)}"


def normalise_request_id(text: str) -> str:
    """``req-7k2qd``, `` `REQ 7K2QD` `` or ``7K2QD`` to ``REQ-7K2QD``; anything else is refused."""
    cleaned = text.strip().strip("`*_").strip().upper()
    body = cleaned.removeprefix("REQ").lstrip("-_ ")
    candidate = f"REQ-{body.translate(_READ_AS)}"
    if REQUEST_ID_RE.fullmatch(candidate) is None:
        raise UsageError(say("usage.not_a_request_id", text=repr(text.strip())))
    return candidate
