"""Decisions are acknowledged only once a replica holds them, when there are replicas."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from approvals.connect import RedisClient, connect
from approvals.model import RequestState
from approvals.results import NotReplicated, StoreConfig
from approvals.store import RequestStore
from tests.approvals.store_helpers import decide, walk_to_pending
from tests.fixtures.redis_server import RedisServer

pytestmark = pytest.mark.redis


async def approve(store: RequestStore) -> RequestState:
    result = await decide(store, "REQ-AAAA1")
    return result.request.state


async def wait_for_link(primary: RedisClient) -> None:
    for _ in range(1000):
        info = await primary.info("replication")
        if info.get("connected_slaves", 0) and "online" in str(info.get("slave0", "")):
            return
        await asyncio.sleep(0.01)
    pytest.fail("the replica never came online")


async def test_decision_is_on_the_replica_when_decide_returns(
    redis_server_factory: Callable[..., RedisServer],
) -> None:
    primary = redis_server_factory("--repl-diskless-sync-delay", "0")
    replica = redis_server_factory("--replicaof", "127.0.0.1", str(primary.port))
    client = connect(primary.url)
    replica_client = connect(replica.url)
    try:
        await wait_for_link(client)
        store = RequestStore(client, StoreConfig())
        await walk_to_pending(store, "REQ-AAAA1")
        assert await store.replicas.needed()
        assert await approve(store) is RequestState.APPROVED
        copied = await RequestStore(replica_client, StoreConfig()).require("REQ-AAAA1")
    finally:
        await client.aclose()
        await replica_client.aclose()
    assert copied.state is RequestState.APPROVED


async def test_no_replica_confirming_in_time_is_reported(redis_url: str) -> None:
    client = connect(redis_url)
    store = RequestStore(client, StoreConfig(wait_for_replicas=True, replica_timeout_ms=20))
    try:
        await walk_to_pending(store, "REQ-AAAA1")
        with pytest.raises(NotReplicated, match="no replica"):
            await approve(store)
    finally:
        await client.aclose()
