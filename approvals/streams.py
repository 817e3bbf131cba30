"""A Redis Stream with one consumer group, carrying pydantic models: the job queue and outbox.

An entry holds one field, ``m``, with the model's JSON. Consumers read new entries with
``XREADGROUP``; an entry stays in the stream and in the group's pending list until it is acked,
so a consumer that dies leaves it for ``claim_stale`` (``XAUTOCLAIM``) to hand to another.
Acking deletes the entry too, so the stream holds only unfinished work. The group is created
(with ``MKSTREAM``, reading from the start) by ``ensure_group`` and again on demand when a
read or a claim finds it missing (``NOGROUP``), e.g. after a flush or a deleted stream.
``delivery_count`` is how often the group has handed out an entry (Redis counts each read and
each claim), which lets a consumer give up on an entry that keeps failing. ``heartbeat`` lets a
consumer that is still working on an entry keep it: it resets the entry's idle time while the
consumer holds it, so ``claim_stale`` takes over only what a stopped consumer left.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from redis.exceptions import ResponseError

from approvals.connect import RedisClient
from approvals.scripts import ACK_AND_DELETE, HEARTBEAT

ItemT = TypeVar("ItemT", bound=BaseModel)
T = TypeVar("T")
FIELD = "m"


@dataclass(frozen=True)
class Entry(Generic[ItemT]):
    """One stream entry: the id to ack and the decoded item."""

    entry_id: str
    item: ItemT


class StreamQueue(Generic[ItemT]):
    """``stream`` read through consumer ``group``; entries are ``model`` instances."""

    def __init__(self, client: RedisClient, stream: str, group: str, model: type[ItemT]) -> None:
        self._client = client
        self.stream = stream
        self.group = group
        self._model = model
        self._ack_and_delete = client.register_script(ACK_AND_DELETE)
        self._heartbeat = client.register_script(HEARTBEAT)

    async def ensure_group(self) -> None:
        """Create the group if it does not exist; safe to call from every replica."""
        try:
            await self._client.xgroup_create(self.stream, self.group, id="0", mkstream=True)
        except ResponseError as error:
            if not str(error).startswith("BUSYGROUP"):
                raise

    def entry_fields(self, item: ItemT) -> dict[str, str]:
        """The stream fields for ``item``; commit scripts append them with these fields."""
        return {FIELD: item.model_dump_json()}

    async def add(self, item: ItemT) -> str:
        fields: dict[Any, Any] = self.entry_fields(item)
        return str(await self._client.xadd(self.stream, fields))

    async def _with_group(self, call: Callable[[], Awaitable[T]]) -> T:
        """``call``, run again once after recreating the group if Redis says it is missing."""
        try:
            return await call()
        except ResponseError as error:
            if not str(error).startswith("NOGROUP"):
                raise
        await self.ensure_group()
        return await call()

    async def read(
        self, consumer: str, count: int = 10, block_ms: int | None = None
    ) -> list[Entry[ItemT]]:
        """New entries for ``consumer``; waits up to ``block_ms`` when there are none."""
        reply = await self._with_group(lambda: self._read(consumer, count, block_ms))
        entries: list[Entry[ItemT]] = []
        for _stream, messages in reply or []:
            entries.extend(self._decode(messages))
        return entries

    async def _read(self, consumer: str, count: int, block_ms: int | None) -> Any:
        return await self._client.xreadgroup(
            self.group, consumer, {self.stream: ">"}, count=count, block=block_ms
        )

    async def ack(self, entry_id: str) -> bool:
        """Mark ``entry_id`` done and delete it; False if it was not pending (already acked)."""
        acked = await self._ack_and_delete(keys=[self.stream], args=[self.group, entry_id])
        return bool(acked)

    async def claim_stale(
        self, consumer: str, min_idle_ms: int, count: int = 10
    ) -> list[Entry[ItemT]]:
        """Take over entries another consumer read but did not ack for ``min_idle_ms``."""
        reply = await self._with_group(
            lambda: self._client.xautoclaim(
                self.stream, self.group, consumer, min_idle_time=min_idle_ms, count=count
            )
        )
        return self._decode(reply[1])

    async def heartbeat(self, consumer: str, entry_id: str) -> bool:
        """Reset the idle time of ``entry_id`` while ``consumer`` holds it; False if it does not."""
        held = await self._with_group(
            lambda: self._heartbeat(keys=[self.stream], args=[self.group, consumer, entry_id])
        )
        return bool(held)

    async def delivery_count(self, entry_id: str) -> int:
        """How many times the group handed out ``entry_id``; 0 once it is acked."""
        pending = await self._with_group(
            lambda: self._client.xpending_range(
                self.stream, self.group, min=entry_id, max=entry_id, count=1
            )
        )
        return int(pending[0]["times_delivered"]) if pending else 0

    async def depth(self) -> int:
        """Entries not yet acked (waiting or being worked on)."""
        length: int = await self._client.xlen(self.stream)
        return length

    def _decode(self, messages: list[Any]) -> list[Entry[ItemT]]:
        # XAUTOCLAIM reports entries deleted meanwhile as (id, None); they are skipped.
        return [
            Entry(entry_id, self._model.model_validate_json(fields[FIELD]))
            for entry_id, fields in messages
            if fields
        ]
