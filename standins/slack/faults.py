"""Faults the local Slack can be told to show: rate limits per method and a Web API outage.

A rate limit answers the next ``count`` calls of one method with HTTP 429 and ``Retry-After``,
as Slack does when a tier is exhausted. An outage answers every Web API call with HTTP 503
until it is cleared or its time (by the injected clock) has passed. Closing the listener for a
real connection-refused outage is the server's job (``LocalSlack.go_offline``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class InjectedFailure:
    """The HTTP answer that replaces a real one."""

    status: int
    error: str
    retry_after_seconds: int | None = None


@dataclass
class _RateLimit:
    remaining: int
    retry_after_seconds: int


class Faults:
    """Thread-safe fault switches, consulted once per Web API call."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._rate_limits: dict[str, _RateLimit] = {}
        self._outage = False
        self._outage_until: float | None = None

    def rate_limit(self, method: str, count: int, retry_after_seconds: int) -> None:
        with self._lock:
            self._rate_limits[method] = _RateLimit(count, retry_after_seconds)

    def outage(self, seconds: float | None = None) -> None:
        """Fail every call, for ``seconds`` by the clock or until ``clear_outage``."""
        with self._lock:
            self._outage = True
            self._outage_until = None if seconds is None else self._clock() + seconds

    def clear_outage(self) -> None:
        with self._lock:
            self._outage = False
            self._outage_until = None

    def failure_for(self, method: str) -> InjectedFailure | None:
        """The injected answer for this call, if any; consumes one rate-limited call."""
        with self._lock:
            if self._outage and (self._outage_until is None or self._clock() < self._outage_until):
                return InjectedFailure(status=503, error="service_unavailable")
            self._outage = False
            limit = self._rate_limits.get(method)
            if limit is None or limit.remaining <= 0:
                return None
            limit.remaining -= 1
            return InjectedFailure(
                status=429, error="ratelimited", retry_after_seconds=limit.retry_after_seconds
            )
