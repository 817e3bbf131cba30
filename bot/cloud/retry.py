"""Backoff for cloud calls: exponential delays with full jitter, capped, server hints first.

The SDK's own retry switch on ``RuntimeOptions`` does nothing in this SDK generation, so the
adapter retries reads itself with this policy, and a job re-runs a whole step with it
(``approvals.job_context.with_retries``): those are the only two levels that re-send a cloud
call. ``bot.cloud.rules`` only sleeps with it between the re-reads that check an ambiguous
write. The sleep function and random source are injected so tests never wait.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class RetryPolicy:
    """``attempts`` counts the first try; delays are in seconds."""

    attempts: int = 4
    base_delay: float = 0.2
    max_delay: float = 5.0
    sleep: Sleep = asyncio.sleep
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, retry: int, server_hint: float | None = None) -> float:
        """Seconds to wait before retry number ``retry`` (0-based).

        A throttling reply's ``retry_after`` is the server telling us when capacity frees up,
        so it wins over our guess; full jitter spreads replicas that were throttled together.
        """
        if server_hint is not None:
            return min(server_hint, self.max_delay)
        ceiling = min(self.max_delay, self.base_delay * 2**retry)
        return self.rng.uniform(0, ceiling)

    async def pause(self, retry: int, server_hint: float | None = None) -> None:
        await self.sleep(self.delay(retry, server_hint))
