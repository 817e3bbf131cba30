"""The worker: takes jobs from the Redis Stream consumer group, runs timers, recovers crashes.

Any number of workers (``sgbot worker`` processes, or a ``Worker`` the serve process embeds)
share the ``workers`` consumer group, so each job goes to one of them. A job's entry is acked
only after its handler returns; a worker that dies leaves it pending, and after ``claim_idle``
another worker takes it over with ``XAUTOCLAIM`` and finishes it (the handlers resume from the
stored state, see ``approvals.jobs``). A handler that fails unexpectedly is logged with an
incident id and its entry left for a later claim, so a bug or an outage never loses a job.
``run_once`` is one round (timers, stale claims, new jobs) for tests and tools; ``run`` loops
until its stop event is set and then finishes the jobs it holds.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from dataclasses import dataclass
from datetime import timedelta

from approvals.effects import Job
from approvals.jobs import JobContext, run_job
from approvals.streams import Entry
from approvals.timers import run_due_timers

logger = logging.getLogger(__name__)


def default_consumer_name() -> str:
    """Unique per process, so a restarted worker never inherits a dead one's entries directly."""
    return f"{socket.gethostname()}-{os.getpid()}"


@dataclass(frozen=True)
class WorkerConfig:
    consumer: str
    claim_idle: timedelta = timedelta(seconds=30)  # SGBOT_JOB_CLAIM_IDLE
    concurrency: int = 4  # SGBOT_WORKER_CONCURRENCY: jobs handled at once
    block: timedelta = timedelta(seconds=1)  # how long ``run`` waits for new jobs per round


class Worker:
    def __init__(self, ctx: JobContext, config: WorkerConfig) -> None:
        self.ctx = ctx
        self.config = config
        self._work = ctx.store.work

    async def run_once(self, *, block: timedelta | None = None) -> int:
        """One round; returns how many timers and jobs it handled (0: nothing to do)."""
        handled = await run_due_timers(self.ctx)
        limit = self.config.concurrency
        idle_ms = int(self.config.claim_idle.total_seconds() * 1000)
        entries = await self._work.claim_stale_jobs(self.config.consumer, idle_ms, limit)
        if len(entries) < limit:
            block_ms = None if block is None else max(1, int(block.total_seconds() * 1000))
            entries += await self._work.read_jobs(
                self.config.consumer, limit - len(entries), block_ms
            )
        results = await asyncio.gather(*(self._handle(entry) for entry in entries))
        return handled + sum(results)

    async def run_until_idle(self, max_rounds: int = 100) -> int:
        """Rounds until one finds nothing to do; for tests and one-shot tools."""
        total = 0
        for _ in range(max_rounds):
            done = await self.run_once()
            if not done:
                return total
            total += done
        raise RuntimeError(f"worker still busy after {max_rounds} rounds")

    async def run(self, stop: asyncio.Event) -> None:
        """Work until ``stop`` is set; jobs already taken are finished before returning."""
        await self.ctx.store.setup()
        logger.info("worker %s started", self.config.consumer)
        while not stop.is_set():
            try:
                await self.run_once(block=self.config.block)
            except Exception:
                # Redis unreachable or similar: keep the process, try again shortly.
                logger.exception("worker round failed; retrying")
                await _wait(stop, self.config.block)
        logger.info("worker %s stopped", self.config.consumer)

    async def _handle(self, entry: Entry[Job]) -> int:
        job = entry.item
        try:
            await run_job(self.ctx, job)
        except Exception:
            incident = self.ctx.incident_id()
            logger.exception(
                "incident %s: %s job for %s failed; left for a later claim",
                incident, job.kind.value, job.request_id,
            )  # fmt: skip
            return 0
        await self._work.ack_job(entry.entry_id)
        return 1


async def _wait(stop: asyncio.Event, delay: timedelta) -> None:
    try:
        await asyncio.wait_for(stop.wait(), delay.total_seconds())
    except TimeoutError:
        return
