"""Liveness, readiness and metrics over HTTP, for every long-running sgbot process.

``sgbot serve`` answers these on its Slack port; ``sgbot socket`` and ``sgbot worker`` (and
``serve`` too) also on ``SGBOT_HEALTH_PORT`` when it is set, so probes and the metrics scraper
reach every process the same way:

* ``GET /healthz`` is liveness: 200 whenever the process's event loop answers. It does not ask
  Redis: a Redis outage is not cured by restarting every replica (the processes keep retrying
  and recover by themselves), so it must not fail liveness.
* ``GET /readyz`` is readiness: 200 only while Redis answers a ``PING`` within two seconds and,
  in a process that runs a worker, that worker finished a round within its claim interval
  (``SGBOT_JOB_CLAIM_IDLE`` plus one read's block): a worker stuck longer than that has its
  jobs taken over by the others anyway. Otherwise 503 with what failed.
* ``GET /metrics`` is Prometheus text (``bot.metrics``), with the backlog gauges read from
  Redis at scrape time (``bot.backlog``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aiohttp import web
from redis.exceptions import RedisError

from approvals.clock import Clock
from approvals.store import RequestStore
from bot import backlog
from bot.front_load import FrontLoad
from bot.metrics import CONTENT_TYPE, Metrics

if TYPE_CHECKING:
    from approvals.worker import Worker

log = logging.getLogger(__name__)

CHECK_TIMEOUT_SECONDS = 2.0


@dataclass
class Probe:
    """What the health endpoints of one process look at."""

    store: RequestStore
    metrics: Metrics
    clock: Clock
    cloud_label: str
    worker: Worker | None = None  # the worker this process runs, if any
    # The Slack requests being answered; a worker in the same process lets them go first.
    front: FrontLoad = field(default_factory=FrontLoad)
    monotonic: Callable[[], float] = field(default=time.monotonic)
    started_at: float = field(init=False)

    def __post_init__(self) -> None:
        self.started_at = self.monotonic()

    def worker_problem(self) -> str | None:
        """Why this process's worker is not ready, or None. A worker that just started has
        one interval to finish its first round."""
        if self.worker is None:
            return None
        last = self.worker.last_round_at
        config = self.worker.config
        allowed = (config.claim_idle + config.block).total_seconds()
        waited = self.monotonic() - (self.started_at if last is None else last)
        if waited > allowed:
            return f"the worker has not finished a round for {waited:.0f} s"
        return None

    async def redis_problem(self) -> str | None:
        try:
            async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
                await self.store.client.ping()
        except (RedisError, OSError, TimeoutError) as exc:
            return f"Redis does not answer ({type(exc).__name__})"
        return None


PROBE = web.AppKey("probe", Probe)


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok", "cloud": request.app[PROBE].cloud_label})


async def readyz(request: web.Request) -> web.Response:
    probe = request.app[PROBE]
    problems = [p for p in (await probe.redis_problem(), probe.worker_problem()) if p]
    if problems:
        log.warning("not ready: %s", "; ".join(problems))
        return web.json_response({"status": "unavailable", "problems": problems}, status=503)
    return web.json_response({"status": "ok", "redis": "up", "cloud": probe.cloud_label})


async def metrics(request: web.Request) -> web.Response:
    probe = request.app[PROBE]
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
            await backlog.refresh(probe.metrics, probe.store, probe.clock.now())
    except (RedisError, OSError, TimeoutError):
        log.warning("metrics: backlog gauges unavailable, Redis does not answer")
    return web.Response(body=probe.metrics.render(), headers={"Content-Type": CONTENT_TYPE})


def add_health_routes(app: web.Application, probe: Probe) -> None:
    app[PROBE] = probe
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)


@asynccontextmanager
async def listening(app: web.Application, host: str, port: int) -> AsyncIterator[str]:
    """Serve ``app`` on ``host:port`` (0: a free port) while entered; yields its base URL."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        bound_host, bound_port = runner.addresses[0][:2]
        yield f"http://{bound_host}:{bound_port}"
    finally:
        await runner.cleanup()


@asynccontextmanager
async def health_listener(host: str, port: int | None, probe: Probe) -> AsyncIterator[str | None]:
    """Serve the health endpoints on ``host:port`` while entered (nothing when ``port`` is
    None); yields the line saying where, for the process to print."""
    if port is None:
        yield None
        return
    app = web.Application()
    add_health_routes(app, probe)
    async with listening(app, host, port) as url:
        yield f"sgbot health on {url}"
