"""Nothing is lost when Redis is killed: AOF with fsync always, restart on the same data."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from approvals.connect import connect
from approvals.model import RequestState
from approvals.results import StoreConfig
from approvals.store import RequestStore
from tests.approvals.store_helpers import NO_LIMIT, decide, new_request, walk_to_pending
from tests.fixtures.redis_server import RedisServer
from vocabulary.commands import PortRange

pytestmark = pytest.mark.redis
AOF = ("--appendonly", "yes", "--appendfsync", "always")


async def test_requests_indexes_and_jobs_survive_sigkill(
    redis_server_factory: Callable[..., RedisServer],
) -> None:
    server = redis_server_factory(*AOF)
    client = connect(server.url)
    store = RequestStore(client, StoreConfig())
    await store.setup()
    await store.create(new_request("REQ-AAAA1"), rate_limit=NO_LIMIT)
    await walk_to_pending(store, "REQ-AAAA2", ports=(PortRange(start=443, end=443),))
    await walk_to_pending(store, "REQ-AAAA3")
    await decide(store, "REQ-AAAA3")
    in_flight = await store.work.read_jobs("worker-that-dies", count=2)
    before = {r.id: r for r in await store.get_many(["REQ-AAAA1", "REQ-AAAA2", "REQ-AAAA3"])}
    await client.aclose()

    server.kill()
    restarted = RedisServer(server.data_dir, *AOF)
    restarted.port = server.port  # same address, as a supervisor restarting it would use
    restarted.start()
    client = connect(restarted.url)
    store = RequestStore(client, StoreConfig())
    try:
        after = {r.id: r for r in await store.get_many(list(before))}
        pending = [r.id for r in await store.list_pending()]
        live = [r.id for r in await store.list_live()]
        unacked = await client.xpending(store.keys.jobs, "workers")
        waiting = await store.work.read_jobs("new-worker", count=10)
        timers = await client.zrange(store.keys.timers, 0, -1)
    finally:
        await client.aclose()
        restarted.kill()
    assert after == before
    assert [after[i].state for i in sorted(after)] == [
        RequestState.RECEIVED,
        RequestState.PENDING,
        RequestState.APPROVED,
    ]
    assert pending == ["REQ-AAAA2"]
    assert sorted(live) == ["REQ-AAAA1", "REQ-AAAA2", "REQ-AAAA3"]
    assert unacked["pending"] == len(in_flight) == 2
    # Three resolve jobs and one apply were written; two were read before the crash.
    assert len(waiting) == 2
    assert sorted(timers) == ["expire:REQ-AAAA2", "remind:REQ-AAAA2"]
