"""The worker: takes jobs from the Redis Stream consumer group, runs timers, recovers crashes.

Any number of workers (``sgbot worker`` processes, or a ``Worker`` the serve process embeds)
share the ``workers`` consumer group, so each job goes to one of them. A job's entry is acked
only after its handler returns; while the handler runs the worker beats on the entry
(``heartbeat``, every third of ``claim_idle``), so a slow cloud call keeps its owner. A worker
that dies stops beating, and after ``claim_idle`` another worker takes the entry over with
``XAUTOCLAIM`` and finishes it (the handlers resume from the stored state, see
``approvals.jobs``). Timers are leased for ``claim_idle`` (``approvals.timers``), and every
``sweep_every`` the worker re-derives due work from the requests (``approvals.sweep``).
A handler that fails unexpectedly is logged with an incident id and its entry left for a later
claim, so an outage never loses a job; but once the group has handed the entry out
``max_deliveries`` times (Redis counts every read and claim) it is a dead letter: the request
is settled (``failed``, or ``partly_applied`` if it holds rules, or ``rejected`` before it was
pending, or left holding its rules with its end retried for a grant being removed) with the
incident id, which the audit entry and an error log line record, and the job is acked.
``run_once`` is one round (timers, stale claims, new jobs) for tests and tools; ``run`` loops
until its stop event is set and then finishes the jobs it holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from approvals import lifecycle
from approvals.effects import Effects, Job
from approvals.grants import keep_holding
from approvals.job_context import told
from approvals.jobs import JobContext, run_job
from approvals.machine import transition
from approvals.model import Request, RequestState
from approvals.outbox import NotificationKind
from approvals.streams import Entry
from approvals.sweep import sweep
from approvals.timers import run_due_timers
from bot.catalogue import say
from bot.logs import bind, log_context, request_fields

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
    max_deliveries: int = 5  # SGBOT_JOB_MAX_DELIVERIES: deliveries before a dead letter
    sweep_every: timedelta = timedelta(minutes=1)  # SGBOT_SWEEP_EVERY


MIN_HEARTBEAT_SECONDS = 0.05  # a claim idle of a few milliseconds (tests) must not spin


class Worker:
    """``before_round``, if given, is awaited before each round of ``run``: a worker that
    shares its process with a Slack front lets the front's requests go first there."""

    def __init__(
        self,
        ctx: JobContext,
        config: WorkerConfig,
        *,
        before_round: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.ctx = ctx
        self.config = config
        self._before_round = before_round
        self._work = ctx.store.work
        self.last_round_at: float | None = None  # time.monotonic() after the last full round
        self._next_sweep: datetime | None = None  # None: the first, full sweep is still to do

    async def run_once(self, *, block: timedelta | None = None) -> int:
        """One round; returns how many timers and jobs it handled (0: nothing to do)."""
        await self._sweep_if_due()
        handled = await run_due_timers(self.ctx, self.config.claim_idle)
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
                if self._before_round is not None:
                    await self._before_round()
                await self.run_once(block=self.config.block)
                self.last_round_at = time.monotonic()
            except Exception:
                # Redis unreachable or similar: keep the process, try again shortly.
                logger.exception("worker round failed; retrying")
                await _wait(stop, self.config.block)
        logger.info("worker %s stopped", self.config.consumer)

    async def _sweep_if_due(self) -> None:
        now = self.ctx.clock.now()
        if self._next_sweep is not None and now < self._next_sweep:
            return
        try:
            await sweep(self.ctx.store, now, full=self._next_sweep is None)
        except Exception:
            # Redis away: the timers still run; the sweep is tried again next round.
            logger.exception("sweep failed; trying again")
            return
        self._next_sweep = now + self.config.sweep_every

    async def _beat(self, entry: Entry[Job]) -> None:
        """Keep the claim on ``entry`` alive while its handler runs."""
        interval = max(self.config.claim_idle.total_seconds() / 3, MIN_HEARTBEAT_SECONDS)
        while True:
            await asyncio.sleep(interval)
            try:
                held = await self._work.heartbeat_job(self.config.consumer, entry.entry_id)
            except Exception as exc:
                logger.warning("heartbeat of job %s failed (%s)", entry.entry_id, exc)
                continue
            if not held:
                logger.warning(
                    "%s job for %s was taken over by another worker",
                    entry.item.kind.value, entry.item.request_id,
                )  # fmt: skip
                return

    async def _handle(self, entry: Entry[Job]) -> int:
        with log_context(request_id=entry.item.request_id, job=entry.item.kind.value):
            return await self._handle_in_context(entry)

    async def _handle_in_context(self, entry: Entry[Job]) -> int:
        beat = asyncio.create_task(self._beat(entry))
        try:
            return await self._handle_beating(entry)
        finally:
            beat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beat

    async def _handle_beating(self, entry: Entry[Job]) -> int:
        job = entry.item
        try:
            bind(**request_fields(await self.ctx.store.get(job.request_id)))
            await run_job(self.ctx, job)
        except Exception as exc:
            incident = self.ctx.incident_id()
            deliveries = await self._work.jobs.delivery_count(entry.entry_id)
            if deliveries < self.config.max_deliveries:
                logger.exception(
                    "incident %s: %s job for %s failed (delivery %d of %d); left for a later claim",
                    incident, job.kind.value, job.request_id, deliveries,
                    self.config.max_deliveries,
                )  # fmt: skip
                return 0
            logger.exception(
                "incident %s: dead letter: %s job for %s failed on all %d deliveries; giving up",
                incident, job.kind.value, job.request_id, deliveries,
            )  # fmt: skip
            await settle_dead_letter(self.ctx, job.request_id, incident, f"{type(exc).__name__}")
        await self._work.ack_job(entry.entry_id)
        return 1


async def settle_dead_letter(ctx: JobContext, request_id: str, incident: str, why: str) -> None:
    """Settle the request of a job given up on, so nobody waits on it forever."""
    if await ctx.store.get(request_id) is None:
        return  # nothing left to settle
    now = ctx.clock.now()
    reason = say("why.gave_up", why=why, incident=incident)
    if (await ctx.store.require(request_id)).state is RequestState.REVOKING:
        # The grant's rules are still in the cloud: it keeps them and its end is tried again.
        await keep_holding(ctx, request_id, reason, incident)
        return

    def settle(current: Request) -> tuple[Request, Effects] | None:
        if current.state in (RequestState.RECEIVED, RequestState.RESOLVING):
            rejected = transition(current, RequestState.REJECTED, at=now, reason=reason)
            effects = told(current, NotificationKind.TELL_REQUESTER)
            return rejected.evolve(incident_id=incident), effects
        if current.state is RequestState.APPROVED:
            current = transition(current, RequestState.APPLYING, at=now)
        if current.state is RequestState.APPLYING:
            return lifecycle.apply_failed(current, now, reason, incident, ctx.policy)
        return None  # settled meanwhile

    await ctx.store.update(request_id, settle)


async def _wait(stop: asyncio.Event, delay: timedelta) -> None:
    try:
        await asyncio.wait_for(stop.wait(), delay.total_seconds())
    except TimeoutError:
        return
