"""Gauges of the shared work in Redis, read when ``/metrics`` is scraped.

They describe the whole deployment, not one process, so any replica can report them and a dead
worker is noticed by the others: the outbox and job queue depths (acked entries are deleted,
so a stream's length is its backlog), jobs handed out more than once (a failing or crashed
handler), timers overdue by more than ``TIMER_GRACE`` by kind (nobody runs timers), time-bound
grants past their end by more than ``GRANT_GRACE`` (their removal keeps failing, or nobody
works), and how long ago the most recent worker heartbeat was. ``beat`` writes those
heartbeats: every ``HEARTBEAT_EVERY``, while its process's worker is finishing rounds
(``bot.health.Probe``), it puts the worker's name and the time in ``{p}:workers``. A few
bounded reads: at most ``SCAN_LIMIT`` pending entries, timers and requests are looked at.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections import Counter
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from redis.exceptions import RedisError, ResponseError

from approvals.effects import TimerKind
from approvals.keys import JOBS_GROUP
from approvals.lifecycle import END_RETRY_CAP
from approvals.machine import HOLDING
from approvals.model import RequestState
from approvals.store import RequestStore
from bot.metrics import Metrics

if TYPE_CHECKING:
    from bot.health import Probe

log = logging.getLogger(__name__)

HEARTBEAT_EVERY = timedelta(seconds=5)
HEARTBEAT_KEPT = timedelta(days=1)
TIMER_GRACE = timedelta(minutes=1)
GRANT_GRACE = timedelta(minutes=2)
SCAN_LIMIT = 1000
_STILL_IN_PLACE = HOLDING | {RequestState.REVOKING}


async def refresh(metrics: Metrics, store: RequestStore, now: datetime) -> None:
    """Set every backlog gauge of ``metrics`` from Redis as it is at ``now``."""
    client, keys = store.client, store.keys
    metrics.outbox_depth.set(await client.xlen(keys.outbox))
    metrics.jobs_waiting.set(await client.xlen(keys.jobs))
    metrics.jobs_redelivered.set(await _redelivered(store))
    metrics.worker_idle.set(await _worker_idle_seconds(store, now))
    reply: Any = await client.zrangebyscore(
        keys.timers,
        "-inf",
        now.timestamp(),
        start=0,
        num=SCAN_LIMIT,
        withscores=True,
    )
    due = [(str(member), float(score)) for member, score in reply]
    late_before = (now - TIMER_GRACE).timestamp()
    late = Counter(member.partition(":")[0] for member, score in due if score <= late_before)
    for kind in TimerKind:
        metrics.timers_overdue.labels(kind=kind.value).set(late[kind.value])
    metrics.grants_overdue.set(await _grants_overdue(store, now))


async def _redelivered(store: RequestStore) -> int:
    try:
        pending = await store.client.xpending_range(
            store.keys.jobs, JOBS_GROUP, min="-", max="+", count=SCAN_LIMIT
        )
    except ResponseError:  # no group yet: nothing was ever handed out
        return 0
    return sum(1 for entry in pending if int(entry["times_delivered"]) > 1)


async def _worker_idle_seconds(store: RequestStore, now: datetime) -> float:
    latest: Any = await store.client.zrange(store.keys.workers, -1, -1, withscores=True)
    return max(now.timestamp() - float(latest[0][1]), 0.0) if latest else math.inf


async def beat(probe: Probe, consumer: str, stop: asyncio.Event) -> None:
    """Record ``consumer``'s heartbeat until ``stop``, while its worker finishes rounds."""
    key = probe.store.keys.workers
    while not stop.is_set():
        if probe.worker_problem() is None:
            now = probe.clock.now().timestamp()
            try:
                async with probe.store.client.pipeline(transaction=False) as pipe:
                    pipe.zadd(key, {consumer: now})
                    pipe.zremrangebyscore(key, "-inf", now - HEARTBEAT_KEPT.total_seconds())
                    await pipe.execute()
            except (RedisError, OSError) as exc:
                log.warning("worker heartbeat not recorded (%s)", type(exc).__name__)
        try:
            await asyncio.wait_for(stop.wait(), HEARTBEAT_EVERY.total_seconds())
        except TimeoutError:
            continue


async def _grants_overdue(store: RequestStore, now: datetime) -> int:
    """Grants still holding rules more than ``GRANT_GRACE`` past their end. Such a grant's
    next attempt (``grant_ends``) is never more than ``END_RETRY_CAP`` ahead."""
    ids: Any = await store.client.zrangebyscore(
        store.keys.grant_ends, "-inf", (now + END_RETRY_CAP).timestamp(), start=0, num=SCAN_LIMIT
    )
    grants = await store.get_many([str(request_id) for request_id in ids])
    return sum(
        1
        for grant in grants
        if grant.state in _STILL_IN_PLACE
        and grant.grant_expires_at is not None
        and grant.grant_expires_at < now - GRANT_GRACE
    )
