"""Slack requests a serving process is answering, so its embedded worker can let them go first.

An ack must reach Slack within 3 s; a request's resolution or a rule's apply can wait a moment.
When ``sgbot serve`` runs its worker in the same event loop, both share one core, so under a
burst of commands the worker's cloud work would take CPU from the acks. ``FrontLoad`` counts
the requests being answered and notes when the last one came in; the worker calls ``lull``
before each round, which returns once the front has been quiet (nothing in flight, nothing new
for ``quiet`` seconds), or after ``at_most`` seconds so the worker is slowed, never stopped.
Under a burst the gaps between requests are shorter than ``quiet``; at an ordinary pace (a
command every few tens of milliseconds or slower) the worker hardly waits. A ``sgbot worker``
process has no front and never waits.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterator

QUIET_SECONDS = 0.02


class FrontLoad:
    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self._in_flight = 0
        self._last_started = -float("inf")

    @property
    def in_flight(self) -> int:
        return self._in_flight

    @contextlib.contextmanager
    def serving(self) -> Iterator[None]:
        """Around the answer to one request."""
        self._in_flight += 1
        self._last_started = self._monotonic()
        try:
            yield
        finally:
            self._in_flight -= 1

    def quiet_for(self) -> float:
        """Seconds the front has had nothing in flight and nothing new (0 while busy)."""
        if self._in_flight:
            return 0.0
        return max(0.0, self._monotonic() - self._last_started)

    async def lull(self, at_most: float, quiet: float = QUIET_SECONDS) -> None:
        """Wait until the front has been quiet for ``quiet`` seconds, or ``at_most``."""
        deadline = self._monotonic() + at_most
        while (left := quiet - self.quiet_for()) > 0:
            remaining = deadline - self._monotonic()
            if remaining <= 0:
                return
            await asyncio.sleep(min(left, remaining))
