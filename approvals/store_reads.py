"""Reading stored requests: one by id, many in one pipeline, and the indexes in order.

``RequestReader`` is the reading half of the store (``approvals.store.RequestStore`` adds the
writes on top): lists read an index zset and fetch the hashes in one pipeline, skipping ids
whose hash has expired. ``due_ids`` reads a zset scored by epoch seconds up to a moment, which
is how the sweep finds pending requests past their deadline and grants past their end.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from approvals.connect import RedisClient
from approvals.keys import Keys
from approvals.model import Actor, Request
from approvals.results import UnknownRequest


class RequestReader:
    """Reads requests under ``keys`` through ``client`` (which decodes replies to ``str``)."""

    def __init__(self, client: RedisClient, keys: Keys, default_region: str | None = None) -> None:
        self.client = client
        self.keys = keys
        self._context = {"default_region": default_region} if default_region else None

    def _load(self, text: str | bytes) -> Request:
        return Request.model_validate_json(text, context=self._context)

    async def get(self, request_id: str) -> Request | None:
        text = await self.client.hget(self.keys.request(request_id), "json")
        return None if text is None else self._load(text)

    async def require(self, request_id: str) -> Request:
        request = await self.get(request_id)
        if request is None:
            raise UnknownRequest(request_id)
        return request

    async def get_many(self, request_ids: Sequence[str]) -> list[Request]:
        """The requests that exist, in the order asked; expired or unknown ids are skipped."""
        async with self.client.pipeline(transaction=False) as pipe:
            for request_id in request_ids:
                pipe.hget(self.keys.request(request_id), "json")
            texts = await pipe.execute()
        return [self._load(text) for text in texts if text is not None]

    async def _ranked(self, key: str, offset: int, limit: int, *, newest: bool) -> list[Request]:
        ids = await self.client.zrange(key, offset, offset + limit - 1, desc=newest)
        return await self.get_many([str(request_id) for request_id in ids])

    async def list_pending(self, limit: int = 50, offset: int = 0) -> list[Request]:
        """Pending requests, soonest deadline first."""
        return await self._ranked(self.keys.pending, offset, limit, newest=False)

    async def count_pending(self) -> int:
        count: int = await self.client.zcard(self.keys.pending)
        return count

    async def list_live(self, limit: int = 500, offset: int = 0) -> list[Request]:
        """Requests not yet in a terminal state, oldest first (crash recovery walks these)."""
        return await self._ranked(self.keys.live, offset, limit, newest=False)

    async def list_for_user(self, actor: Actor, limit: int = 20) -> list[Request]:
        """The person's requests, newest first, any state."""
        index = self.keys.user_index(actor.org_id, actor.user_id)
        return await self._ranked(index, 0, limit, newest=True)

    async def list_for_gateway(self, gateway_id: str, limit: int = 20) -> list[Request]:
        """Requests on one gateway, newest first, any state."""
        return await self._ranked(self.keys.gateway_index(gateway_id), 0, limit, newest=True)

    async def history(self, gateway_id: str | None = None, limit: int = 20) -> list[Request]:
        """Newest first, all gateways or one; finished requests drop out after retention."""
        if gateway_id is not None:
            return await self.list_for_gateway(gateway_id, limit)
        return await self._ranked(self.keys.history, 0, limit, newest=True)

    async def due_ids(self, index: str, now: datetime, limit: int, offset: int = 0) -> list[str]:
        """Ids in the zset ``index`` scored at or before ``now``, earliest first."""
        ids = await self.client.zrange(
            index, "-inf", now.timestamp(), byscore=True, offset=offset, num=limit
        )
        return [str(request_id) for request_id in ids]
