"""Time as a port: the core asks a ``Clock`` for "now" instead of reading the system clock.

``SystemClock`` is the production adapter; ``FixedClock`` lets tests set and advance time
without sleeping or patching. Every instant is timezone-aware UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime) -> None:
        self._now = _aware_utc(start)

    def now(self) -> datetime:
        return self._now

    def set(self, instant: datetime) -> None:
        self._now = _aware_utc(instant)

    def advance(self, delta: timedelta) -> datetime:
        self._now += delta
        return self._now


def _aware_utc(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError(f"{instant.isoformat()} has no time zone; give an aware datetime")
    return instant.astimezone(UTC)
