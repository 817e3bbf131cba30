"""Durations as people and settings write them (``30m``, ``4h``, ``2d``, ``1w``, also ``90s``),
and the one rule on how long a grant may be (``bot.grammar.values.check_duration`` says it)."""

from __future__ import annotations

import re
from datetime import timedelta

_DURATION_RE = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_LARGEST_FIRST = (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60))


def parse_duration(text: str) -> timedelta:
    """``30m``, ``4h``, ``2d``, ``1w`` (also ``90s``) to a timedelta."""
    match = _DURATION_RE.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not a duration; write e.g. 30m, 4h, 2d or 1w")
    amount, unit = int(match.group(1)), match.group(2).lower()
    if amount <= 0:
        raise ValueError(f"{text!r} must be longer than zero")
    return timedelta(seconds=amount * _UNIT_SECONDS[unit])


def format_duration(duration: timedelta) -> str:
    """The largest whole unit: 7200 seconds is ``2h``; ``parse_duration`` reads it back."""
    seconds = int(duration.total_seconds())
    for unit, unit_seconds in _LARGEST_FIRST:
        if seconds % unit_seconds == 0:
            return f"{seconds // unit_seconds}{unit}"
    return f"{seconds}s"


def exceeds(duration: timedelta | None, longest: timedelta) -> bool:
    """The one rule on how long a grant may be: no longer than ``longest``
    (``SGBOT_MAX_DURATION``); a permanent request (None) is not limited here."""
    return duration is not None and duration > longest
