"""The workflow's reads for the chat layer: requests, lists, history, intake bookkeeping.

Kept apart from ``approvals.service`` (which ``Service`` mixes this into) so the facade's
changes and its reads each fit on a screen. All of them use Redis only. A reading waiting for
the Confirm of the person who typed it is kept here as the chat layer serialised it, for
``READING_TTL``, so the chat layer never writes Redis itself.
"""

from __future__ import annotations

from datetime import timedelta

from approvals.keys import READING_TTL
from approvals.model import Request
from approvals.policy import Person, actor_from_user
from approvals.store import RequestStore


class ServiceReads:
    store: RequestStore

    async def status(self, request_id: str) -> Request:
        return await self.store.require(request_id)

    async def find(self, request_id: str) -> Request | None:
        return await self.store.get(request_id)

    async def first_intake(self, intake_key: str, ttl: timedelta) -> bool:
        """True the first time a chat message is seen, so a redelivered one is answered once."""
        return await self.store.work.seen_once("intake", intake_key, ttl)

    async def hold_reading(self, reading_id: str, reading: str) -> None:
        await self.store.client.set(self.store.keys.reading(reading_id), reading, ex=READING_TTL)

    async def held_reading(self, reading_id: str) -> str | None:
        held = await self.store.client.get(self.store.keys.reading(reading_id))
        return None if held is None else str(held)

    async def list_pending(self, limit: int = 50, offset: int = 0) -> list[Request]:
        return await self.store.list_pending(limit, offset)

    async def count_pending(self) -> int:
        return await self.store.count_pending()

    async def history(self, gateway_id: str | None = None, limit: int = 20) -> list[Request]:
        return await self.store.history(gateway_id, limit)

    async def list_mine(self, user: Person, limit: int = 20) -> list[Request]:
        return await self.store.list_for_user(actor_from_user(user), limit)
