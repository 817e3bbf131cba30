"""Work shared between replicas: the job queue, the timers and the owners of cloud rules.

* Jobs: the ``{p}:jobs`` stream read through the ``workers`` group (``approvals.streams``);
  commits append to it, the worker reads, acks, and claims what a dead worker left behind.
* Timers: the ``{p}:timers`` zset of ``<kind>:<request id>`` by epoch seconds; commits set and
  clear them. ``claim_due_timers`` leases due ones in one script (their score moves to the
  lease end) so one replica acts on each, and ``ack_timer`` removes one once its effect is
  committed; a replica that dies in between leaves its timers due again when the lease ends.
  ``schedule_missing`` adds a timer only where none is set (the sweep's repairs).
* Rule owners: a cloud rule (gateway, group, port range) may serve several grants; a set of
  request ids per rule says which, and a rule is deleted only when its last live owner goes.
  A grant stays an owner until the rule is deleted or another owner is seen to keep it, under
  the rule's lease (``approvals.leases``), so a failed delete leaves its ownership intact.
* Rule creators and listings: which request created each rule of a gateway (a hash written
  when the bot adds a rule and cleared when it deletes one), and the gateway's rule listing
  cached for ``LISTING_TTL`` so paging and repeated ``list rules`` do not re-list the cloud.
  The bot drops a gateway's listing whenever it adds or deletes a rule there; a change made
  in the console shows up within ``LISTING_TTL``. What the cloud said does not exist (a
  gateway, a gateway's services) is remembered too, for as long as the caller says.
* ``seen_once``: ``SET NX EX`` dedupe of Slack event ids and similar.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pydantic import TypeAdapter

from approvals.connect import RedisClient
from approvals.effects import Job, Timer, TimerKind, timer_member
from approvals.keys import JOBS_GROUP, Keys
from approvals.scripts import ACK_TIMER, CLAIM_DUE_TIMERS, OWNERS_BESIDES
from approvals.streams import Entry, StreamQueue
from bot.cloud.port import Gateway, GatewayRule
from vocabulary.commands import PortRange

# Long enough to page through a listing, short enough that console edits show up soon.
LISTING_TTL = timedelta(seconds=30)
_GATEWAY = TypeAdapter(Gateway)
RuleListing = tuple[tuple[GatewayRule, ...], dict[int, str]]
"""A gateway's rules and, for those sgbot made, the request that created each."""
_LISTING = TypeAdapter(RuleListing)


@dataclass(frozen=True)
class ClaimedTimer:
    """A timer leased to one caller; ``lease_end`` (epoch seconds, as sent) identifies the lease."""

    timer: Timer
    lease_end: str


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
        self._ack_timer = client.register_script(ACK_TIMER)
        self._owners_besides = client.register_script(OWNERS_BESIDES)

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

    async def heartbeat_job(self, consumer: str, entry_id: str) -> bool:
        """Keep ``consumer``'s claim on a job it is working on; False once it lost it."""
        return await self.jobs.heartbeat(consumer, entry_id)

    # -- timers ----------------------------------------------------------------------

    async def set_timer(self, timer: Timer) -> None:
        """Schedule outside a commit; a timer of the same kind and request is moved."""
        await self._client.zadd(self._keys.timers, {timer.member: timer.due.timestamp()})

    async def clear_timer(self, kind: TimerKind, request_id: str) -> None:
        await self._client.zrem(self._keys.timers, timer_member(kind, request_id))

    async def claim_due_timers(
        self, now: datetime, lease: timedelta, limit: int = 100
    ) -> list[ClaimedTimer]:
        """Lease the timers due at ``now`` until ``now + lease``; each goes to one caller only.

        The caller calls ``ack_timer`` once a timer's effect is committed; one it never acks is
        due again when the lease ends.
        """
        lease_end = f"{(now + lease).timestamp():.3f}"
        flat = await self._claim_due(
            keys=[self._keys.timers], args=[now.timestamp(), limit, lease_end]
        )
        claimed: list[ClaimedTimer] = []
        for member, score in zip(flat[::2], flat[1::2], strict=True):
            kind, _, request_id = member.partition(":")
            due = datetime.fromtimestamp(float(score), UTC)
            timer = Timer(kind=TimerKind(kind), request_id=request_id, due=due)
            claimed.append(ClaimedTimer(timer, lease_end))
        return claimed

    async def ack_timer(self, claimed: ClaimedTimer) -> bool:
        """Remove a handled timer, unless it was set again since it was claimed."""
        removed = await self._ack_timer(
            keys=[self._keys.timers], args=[claimed.timer.member, claimed.lease_end]
        )
        return bool(removed)

    async def schedule_missing(self, timers: list[Timer]) -> int:
        """Add each timer that is not set at all (one set or leased is left alone); how many."""
        if not timers:
            return 0
        added = await self._client.zadd(
            self._keys.timers, {t.member: t.due.timestamp() for t in timers}, nx=True
        )
        return int(added or 0)

    async def index_grant_ends(self, grants: list[tuple[str, datetime]]) -> None:
        """Put grants missing from ``grant_ends`` there (request id, end due); others stay."""
        if grants:
            mapping = {request_id: due.timestamp() for request_id, due in grants}
            await self._client.zadd(self._keys.grant_ends, mapping, nx=True)

    # -- rule owners -----------------------------------------------------------------

    def _owners_key(self, rule: RuleKey) -> str:
        ports = rule.port_range
        return self._keys.owners(rule.gateway_id, rule.security_group_id, ports.start, ports.end)

    async def add_owner(self, rule: RuleKey, request_id: str) -> None:
        await self._client.sadd(self._owners_key(rule), request_id)

    async def owners(self, rule: RuleKey) -> set[str]:
        members = await self._client.smembers(self._owners_key(rule))
        return {str(member) for member in members}

    async def owners_besides(self, rule: RuleKey, request_id: str) -> list[str]:
        """The live requests other than ``request_id`` that hold the rule (the dead are pruned)."""
        others = await self._owners_besides(
            keys=[self._owners_key(rule), self._keys.live], args=[request_id]
        )
        return sorted(str(owner) for owner in others)

    async def remove_owner(self, rule: RuleKey, request_id: str) -> None:
        """``request_id`` no longer holds the rule (its removal is done, or others keep it)."""
        await self._client.srem(self._owners_key(rule), request_id)

    # -- rule creators and cached listings ----------------------------------------------

    async def record_creator(self, gateway_id: str, rule_id: int, request_id: str) -> None:
        """``request_id`` created rule ``rule_id``; the gateway's cached listing is stale."""
        async with self._client.pipeline(transaction=False) as pipe:
            pipe.hset(self._keys.rule_creators(gateway_id), str(rule_id), request_id)
            pipe.delete(self._keys.rules_cache(gateway_id))
            await pipe.execute()

    async def forget_rule(self, gateway_id: str, rule_id: int) -> None:
        """Rule ``rule_id`` was deleted; the gateway's cached listing is stale."""
        async with self._client.pipeline(transaction=False) as pipe:
            pipe.hdel(self._keys.rule_creators(gateway_id), str(rule_id))
            pipe.delete(self._keys.rules_cache(gateway_id))
            await pipe.execute()

    async def rule_creators(self, gateway_id: str) -> dict[int, str]:
        """Rule id to the request that created it, for the rules the bot made on a gateway."""
        found = await self._client.hgetall(self._keys.rule_creators(gateway_id))
        return {int(rule_id): str(request_id) for rule_id, request_id in found.items()}

    async def cached_gateway(self, gateway_ref: str) -> Gateway | None:
        text = await self._client.get(self._keys.gateway_cache(gateway_ref))
        return None if text is None else _GATEWAY.validate_json(text)

    async def cache_gateway(self, gateway_ref: str, gateway: Gateway) -> None:
        key = self._keys.gateway_cache(gateway_ref)
        await self._client.set(key, _GATEWAY.dump_json(gateway), px=_ms(LISTING_TTL))

    async def known_missing(self, kind: str, ref: str) -> str | None:
        """Why the cloud said ``ref`` does not exist, if it said so lately (else None)."""
        text = await self._client.get(self._keys.missing_cache(kind, ref))
        return None if text is None else str(text)

    async def remember_missing(self, kind: str, ref: str, why: str, ttl: timedelta) -> None:
        await self._client.set(self._keys.missing_cache(kind, ref), why, px=_ms(ttl))

    async def cached_listing(self, gateway_id: str) -> RuleListing | None:
        text = await self._client.get(self._keys.rules_cache(gateway_id))
        return None if text is None else _LISTING.validate_json(text)

    async def cache_listing(self, gateway_id: str, listing: RuleListing) -> None:
        # One string, creators included: reading back a large hash costs more than the JSON.
        key = self._keys.rules_cache(gateway_id)
        await self._client.set(key, _LISTING.dump_json(listing), px=_ms(LISTING_TTL))

    # -- dedupe ----------------------------------------------------------------------

    async def seen_once(self, kind: str, key: str, ttl: timedelta) -> bool:
        """True the first time (``kind``, ``key``) is seen within ``ttl``, False after."""
        first = await self._client.set(self._keys.seen(kind, key), "1", nx=True, px=_ms(ttl))
        return bool(first)


def _ms(duration: timedelta) -> int:
    return int(duration.total_seconds() * 1000)
