"""The stream queue on a real Redis: a lost consumer group is recreated by reads and claims."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from pydantic import BaseModel

from approvals.connect import RedisClient, connect
from approvals.streams import StreamQueue

pytestmark = pytest.mark.redis


class Item(BaseModel):
    name: str


@pytest.fixture
async def queue(redis_url: str) -> AsyncIterator[StreamQueue[Item]]:
    client: RedisClient = connect(redis_url)
    stream: StreamQueue[Item] = StreamQueue(client, "{t}:stream", "group", Item)
    await stream.ensure_group()
    try:
        yield stream
    finally:
        await client.aclose()


async def test_claim_after_the_stream_was_deleted_recreates_the_group(
    queue: StreamQueue[Item], redis_url: str
) -> None:
    await queue.add(Item(name="first"))
    assert [e.item.name for e in await queue.read("a")] == ["first"]
    client: RedisClient = connect(redis_url)
    try:
        await client.delete(queue.stream)  # takes the group with it, like a flush
    finally:
        await client.aclose()

    assert await queue.claim_stale("b", min_idle_ms=0) == []
    await queue.add(Item(name="second"))
    assert [e.item.name for e in await queue.claim_stale("b", min_idle_ms=0)] == []
    assert [e.item.name for e in await queue.read("b")] == ["second"]


async def test_delivery_count_grows_with_each_claim_and_ends_with_the_ack(
    queue: StreamQueue[Item],
) -> None:
    entry_id = await queue.add(Item(name="job"))
    assert await queue.delivery_count(entry_id) == 0
    await queue.read("a")
    assert await queue.delivery_count(entry_id) == 1
    for expected in (2, 3):
        claimed = await queue.claim_stale("b", min_idle_ms=0)
        assert [e.entry_id for e in claimed] == [entry_id]
        assert await queue.delivery_count(entry_id) == expected
    assert await queue.ack(entry_id)
    assert await queue.delivery_count(entry_id) == 0
