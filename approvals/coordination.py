"""Work shared between replicas: the job queue, the timers and the owners of cloud rules.

* Jobs: the ``{p}:jobs`` stream read through the ``workers`` group (``approvals.streams``);
  commits append to it, the worker reads, acks, and claims what a dead worker left behind.
* Timers: the ``{p}:timers`` zset of ``<kind>:<request id>`` by epoch seconds; commits set and
  clear them, ``claim_due`` removes due ones in one script so exactly one replica acts on each.
* Rule owners: a cloud rule (gateway, group, port range) may serve several grants; a set of
  request ids per rule says which, and a rule is deleted only when its last live owner goes.
* ``seen_once``: ``SET NX EX`` dedupe of Slack event ids and similar.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from approvals.connect import RedisClient
from approvals.effects import Job, Timer, TimerKind, timer_member
from approvals.keys import JOBS_GROUP, Keys
from approvals.scripts import CLAIM_DUE_TIMERS, REMOVE_OWNER_AND_COUNT
from approvals.streams import Entry, StreamQueue
from bot.commands import PortRange


@dataclass(frozen=True)
class RuleKey:
    """One cloud rule as the owners index names it."""

    gateway_id: str
    security_group_id: str
    port_range: PortRange


class Coordination:
    def __init__(self, client: RedisClient, keys: Keys) -> None:
        self._client = client
        self._keys = keys
        self.jobs: StreamQueue[Job] = StreamQueue(client, keys.jobs, JOBS_GROUP, Job)
        self._claim_due = client.register_script(CLAIM_DUE_TIMERS)
        self._remove_owner = client.register_script(REMOVE_OWNER_AND_COUNT)

    # -- jobs ------------------------------------------------------------------------

    async def enqueue_job(self, job: Job) -> str:
        """Append a job outside a commit (a worker retrying with ``attempt + 1``)."""
        return await self.jobs.add(job)

    async def read_jobs(
        self, consumer: str, count: int = 10, block_ms: int | None = None
    ) -> list[Entry[Job]]:
        return await self.jobs.read(consumer, count, block_ms)

    async def ack_job(self, entry_id: str) -> bool:
        return await self.jobs.ack(entry_id)

    async def claim_stale_jobs(
        self, consumer: str, min_idle_ms: int, count: int = 10
    ) -> list[Entry[Job]]:
        return await self.jobs.claim_stale(consumer, min_idle_ms, count)

    # -- timers ----------------------------------------------------------------------

    async def set_timer(self, timer: Timer) -> None:
        """Schedule outside a commit; a timer of the same kind and request is moved."""
        await self._client.zadd(self._keys.timers, {timer.member: timer.due.timestamp()})

    async def clear_timer(self, kind: TimerKind, request_id: str) -> None:
        await self._client.zrem(self._keys.timers, timer_member(kind, request_id))

    async def claim_due_timers(self, now: datetime, limit: int = 100) -> list[Timer]:
        """Remove and return timers due at ``now``; a timer is returned to one caller only."""
        flat = await self._claim_due(keys=[self._keys.timers], args=[now.timestamp(), limit])
        timers: list[Timer] = []
        for member, score in zip(flat[::2], flat[1::2], strict=True):
            kind, _, request_id = member.partition(":")
            due = datetime.fromtimestamp(float(score), UTC)
            timers.append(Timer(kind=TimerKind(kind), request_id=request_id, due=due))
        return timers

    # -- rule owners -----------------------------------------------------------------

    def _owners_key(self, rule: RuleKey) -> str:
        ports = rule.port_range
        return self._keys.owners(rule.gateway_id, rule.security_group_id, ports.start, ports.end)

    async def add_owner(self, rule: RuleKey, request_id: str) -> None:
        await self._client.sadd(self._owners_key(rule), request_id)

    async def owners(self, rule: RuleKey) -> set[str]:
        members = await self._client.smembers(self._owners_key(rule))
        return {str(member) for member in members}

    async def remove_owner_and_count(self, rule: RuleKey, request_id: str) -> int:
        """Drop ``request_id`` as an owner; how many other live requests still need the rule."""
        remaining = await self._remove_owner(
            keys=[self._owners_key(rule), self._keys.live], args=[request_id]
        )
        return int(remaining)

    # -- dedupe ----------------------------------------------------------------------

    async def seen_once(self, kind: str, key: str, ttl: timedelta) -> bool:
        """True the first time (``kind``, ``key``) is seen within ``ttl``, False after."""
        first = await self._client.set(
            self._keys.seen(kind, key), "1", nx=True, px=int(ttl.total_seconds() * 1000)
        )
        return bool(first)
