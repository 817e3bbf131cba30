"""Acknowledging decisions only once a replica has them.

When the primary has replicas (``INFO replication``: ``connected_slaves`` > 0, re-read at most
every ``CHECK_INTERVAL_S``), a decision's commit is sent in one pipeline with ``WAIT 1
<timeout>`` on the same connection, because ``WAIT`` only covers writes made by the connection
that asks. If no replica confirms in time ``NotReplicated`` is raised: the write stands on the
primary, but the person is told it may not have stuck. On Redis Cluster the check is off; a
cluster's failover has its own guarantees and ``WAIT`` cannot follow a script's slot.
"""

from __future__ import annotations

import time
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.cluster import RedisCluster
from redis.commands.core import AsyncScript

from approvals.connect import RedisClient
from approvals.results import NotReplicated

CHECK_INTERVAL_S = 30.0


class ReplicaGuard:
    """``forced`` True/False overrides detection; None asks the server (cached)."""

    def __init__(self, client: RedisClient, forced: bool | None) -> None:
        self._client = client
        self._forced = forced
        self._cached: tuple[float, bool] | None = None

    async def needed(self) -> bool:
        if isinstance(self._client, RedisCluster):
            return False
        if self._forced is not None:
            return self._forced
        now = time.monotonic()
        if self._cached is None or now - self._cached[0] > CHECK_INTERVAL_S:
            info = await self._client.info("replication")
            self._cached = (now, int(info.get("connected_slaves", 0)) > 0)
        return self._cached[1]

    async def run(
        self, script: AsyncScript, keys: list[str], args: list[str], timeout_ms: int, wait: bool
    ) -> Any:
        """Run ``script``; when ``wait`` and replicas exist, return only once one has it."""
        if not (wait and await self.needed()):
            return await script(keys=keys, args=args)
        assert isinstance(self._client, Redis)  # needed() is False for a cluster
        async with self._client.pipeline(transaction=False) as pipe:
            await script(keys=keys, args=args, client=pipe)
            pipe.execute_command("WAIT", 1, timeout_ms)
            reply, acknowledged = await pipe.execute()
        if int(acknowledged) < 1:
            raise NotReplicated(
                f"no replica confirmed the write within {timeout_ms} ms; "
                "it is on the primary but may be lost if the primary fails now"
            )
        return reply
