"""Lists at scale: 10,000 pending requests page correctly, by deadline."""

from __future__ import annotations

from datetime import timedelta

import pytest

from approvals.model import RequestState
from approvals.store import RequestStore
from tests.approvals.examples import T0
from tests.approvals.store_helpers import new_request, open_store

pytestmark = pytest.mark.redis
COUNT = 10_000


async def seed_pending(store: RequestStore) -> list[str]:
    """Write COUNT pending requests straight into the hashes and index, in one pipeline.

    Deadlines run backwards from the id order so the list order must come from the index.
    """
    ids = [f"REQ-{n:05d}" for n in range(COUNT)]
    async with store.client.pipeline(transaction=False) as pipe:
        for n, request_id in enumerate(ids):
            deadline = T0 + timedelta(hours=24, seconds=COUNT - n)
            request = new_request(request_id, state=RequestState.PENDING, expires_at=deadline)
            pipe.hset(
                store.keys.request(request_id), mapping={"v": 1, "json": request.model_dump_json()}
            )
            pipe.zadd(store.keys.pending, {request_id: deadline.timestamp()})
        await pipe.execute()
    return ids


async def test_list_pending_pages_through_ten_thousand_by_deadline(redis_url: str) -> None:
    async with open_store(redis_url) as store:
        ids = await seed_pending(store)
        page = await store.list_pending(limit=50, offset=100)
        last = await store.list_pending(limit=50, offset=COUNT - 10)
        total = await store.count_pending()
    soonest_first = list(reversed(ids))
    assert [request.id for request in page] == soonest_first[100:150]
    assert [request.id for request in last] == soonest_first[-10:]
    assert total == COUNT
