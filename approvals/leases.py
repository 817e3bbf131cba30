"""Per-rule leases: one worker at a time adds or deletes the rule for a (gateway, group, ports).

MSE has no idempotency token, so two workers writing the same rule at once (a job taken over
from a slow owner, two grants of one rule ending together) could add it twice or delete it
under another grant. ``RuleLeases.hold`` takes ``{p}:lease:<gw>:<sg>:<s>-<e>`` (``SET NX PX``
with a random token) and keeps it while the block runs, renewing it every third of its TTL.
The TTL is longer than one cloud call may take (connect plus read timeout), so a lease held by
a live worker never lapses mid-call; a dead worker's lease lapses after the TTL. A worker that
paused past its lease (a stopped process, a long GC) may still reach the cloud, so
``Lease.check`` reads the token again and raises ``LeaseLost`` right before each write: it is
passed to the cloud layer as ``before_write``. A lease is released only by its token.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from approvals.connect import RedisClient
from approvals.coordination import RuleKey
from approvals.keys import Keys
from approvals.scripts import LEASE_RELEASE, LEASE_RENEW
from vocabulary.errors import SgbotError

logger = logging.getLogger(__name__)
POLL_SECONDS = 0.05
WAIT_TTLS = 3  # how many TTLs to wait for a busy rule before giving the job back


class LeaseLost(SgbotError):
    """The lease ran out (or was taken) before a write; nothing was sent to the cloud."""


class RuleBusy(SgbotError):
    """Another worker kept the rule's lease for longer than a waiting worker would wait."""


class Lease:
    """A held lease; ``check`` before every write, ``lost`` once renewal found it gone."""

    def __init__(self, client: RedisClient, key: str, token: str) -> None:
        self._client = client
        self.key = key
        self.token = token
        self.lost = False

    async def check(self) -> None:
        """Raise ``LeaseLost`` unless this lease still holds the rule."""
        if self.lost or await self._client.get(self.key) != self.token:
            self.lost = True
            raise LeaseLost(f"the lease {self.key} was lost; the write was not sent")


class RuleLeases:
    """Leases on rules under ``keys``, each lasting ``ttl`` unless renewed."""

    def __init__(self, client: RedisClient, keys: Keys, ttl: timedelta) -> None:
        self._client = client
        self._keys = keys
        self._ttl_ms = int(ttl.total_seconds() * 1000)
        self._renew = client.register_script(LEASE_RENEW)
        self._release = client.register_script(LEASE_RELEASE)

    def key(self, rule: RuleKey) -> str:
        ports = rule.port_range
        return self._keys.rule_lease(
            rule.gateway_id, rule.security_group_id, ports.start, ports.end
        )

    @asynccontextmanager
    async def hold(self, rule: RuleKey) -> AsyncIterator[Lease]:
        """The rule's lease for the block; waits while another worker holds it."""
        lease = Lease(self._client, self.key(rule), secrets.token_hex(8))
        await self._acquire(lease)
        renewing = asyncio.create_task(self._keep(lease))
        try:
            yield lease
        finally:
            renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewing
            try:
                await self._release(keys=[lease.key], args=[lease.token])
            except Exception as exc:
                # It lapses after its TTL anyway; a later writer waits at most that long.
                logger.warning("could not release %s (%s)", lease.key, type(exc).__name__)

    async def _acquire(self, lease: Lease) -> None:
        deadline = time.monotonic() + WAIT_TTLS * self._ttl_ms / 1000
        while not await self._client.set(lease.key, lease.token, nx=True, px=self._ttl_ms):
            if time.monotonic() >= deadline:
                raise RuleBusy(f"{lease.key} stayed leased by another worker; trying later")
            await asyncio.sleep(POLL_SECONDS)

    async def _keep(self, lease: Lease) -> None:
        while True:
            await asyncio.sleep(self._ttl_ms / 3000)
            try:
                held = await self._renew(keys=[lease.key], args=[lease.token, self._ttl_ms])
            except Exception as exc:
                logger.warning("could not renew %s (%s)", lease.key, type(exc).__name__)
                continue
            if not held:
                lease.lost = True
                logger.warning("lease %s lapsed while held", lease.key)
                return
