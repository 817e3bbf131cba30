"""Building clients from URLs, and the store working on a real (one-node) Redis Cluster."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from redis.asyncio import Redis
from redis.asyncio.cluster import RedisCluster
from redis.asyncio.sentinel import SentinelConnectionPool

from approvals.connect import connect, redacted_url
from approvals.model import RequestState
from approvals.results import StoreConfig
from approvals.store import RequestStore
from bot.settings import load_settings
from tests.approvals.store_helpers import decide, walk_to_pending
from tests.fixtures.redis_server import RedisServer, free_port
from vocabulary.errors import ConfigError


def test_cluster_url_lists_every_startup_node_and_credentials() -> None:
    client = connect("redis+cluster://ops:s%40cret@127.0.0.1:7000,127.0.0.2:7001")
    assert isinstance(client, RedisCluster)
    nodes = client.nodes_manager.startup_nodes.values()
    assert sorted((node.host, node.port) for node in nodes) == [
        ("127.0.0.1", 7000),
        ("127.0.0.2", 7001),
    ]
    assert client.nodes_manager.connection_kwargs["password"] == "s@cret"


def test_sentinel_url_names_service_db_and_sentinels() -> None:
    client = connect("redis+sentinel://127.0.0.1:26380,127.0.0.2/mymaster/2")
    assert isinstance(client, Redis)
    pool = client.connection_pool
    assert isinstance(pool, SentinelConnectionPool)
    sentinels = [s.connection_pool.connection_kwargs for s in pool.sentinel_manager.sentinels]
    assert (pool.service_name, pool.connection_kwargs["db"]) == ("mymaster", 2)
    assert [(s["host"], s["port"]) for s in sentinels] == [
        ("127.0.0.1", 26380),
        ("127.0.0.2", 26379),
    ]


@pytest.mark.parametrize(
    ("url", "complaint"),
    [
        ("memcached://127.0.0.1:11211", "scheme"),
        ("redis+sentinel://127.0.0.1:26379", "service_name"),
        ("redis+sentinel://127.0.0.1:26379/mymaster/x", "service_name"),
        ("redis+cluster://:7000", "empty host"),
    ],
)
def test_malformed_url_is_a_config_error(url: str, complaint: str) -> None:
    with pytest.raises(ConfigError, match=complaint):
        connect(url)


@pytest.mark.redis
async def test_plain_url_decodes_responses(redis_url: str) -> None:
    client = connect(redis_url)
    try:
        await client.set("{sgbot}:probe", "1")
        assert await client.get("{sgbot}:probe") == "1"
    finally:
        await client.aclose()


async def wait_for_cluster_ok(client: Redis) -> None:
    for _ in range(500):
        info = await client.cluster("INFO")
        if info["cluster_state"] == "ok":
            return
        await asyncio.sleep(0.01)
    pytest.fail("the one-node cluster never reported cluster_state:ok")


@pytest.mark.redis
async def test_store_workflow_runs_on_redis_cluster(
    redis_server_factory: Callable[..., RedisServer],
) -> None:
    # The bus port defaults to port + 10000, which overflows for high free ports.
    bus_port = str(free_port())
    server = redis_server_factory("--cluster-enabled", "yes", "--cluster-port", bus_port)
    admin = Redis(port=server.port, decode_responses=True)
    await admin.cluster("ADDSLOTSRANGE", 0, 16383)
    await wait_for_cluster_ok(admin)
    await admin.aclose()
    client = connect(f"redis+cluster://127.0.0.1:{server.port}")
    store = RequestStore(client, StoreConfig())
    try:
        await store.setup()
        await walk_to_pending(store, "REQ-AAAA1")
        result = await decide(store, "REQ-AAAA1")
        [pending] = [r.id for r in await store.list_live()]
        jobs = await store.work.read_jobs("w1", count=10)
    finally:
        await client.aclose()
    assert result.request.state is RequestState.APPROVED
    assert pending == "REQ-AAAA1"
    assert len(jobs) == 2


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://:s3cret@cache:6379/0", "redis://:***@cache:6379/0"),
        ("redis://app:s3cret@cache:6379/0", "redis://app:***@cache:6379/0"),
        (
            "rediss://lonetoken@cache:6380",
            "rediss://***@cache:6380",
        ),  # a lone token may be a password
        (
            "redis+sentinel://app:s3cret@s1:26379,s2:26379/main/2",
            "redis+sentinel://app:***@s1:26379,s2:26379/main/2",
        ),
        ("redis+cluster://u:p%40ss@n1:7000,n2:7001", "redis+cluster://u:***@n1:7000,n2:7001"),
        ("redis://cache:6379/0", "redis://cache:6379/0"),
        ("unix:///run/redis.sock", "unix:///run/redis.sock"),
        ("redis://cache:6379/0?password=s3cret", "redis://cache:6379/0?password=***"),
        ("redis://cache?db=1&Password=s3cret", "redis://cache?db=1&Password=***"),
        (
            "redis+sentinel://s1:26379/main?sentinel_password=s3cret",
            "redis+sentinel://s1:26379/main?sentinel_password=***",
        ),
        ("unix:///run/redis.sock?password=s3cret", "unix:///run/redis.sock?password=***"),
    ],
)
def test_redacted_url_hides_only_the_password(url: str, shown: str) -> None:
    assert redacted_url(url) == shown


@pytest.mark.parametrize(
    "url",
    [
        "redis://app:s3cret@cache:notaport/0",
        "redis+cluster://app:s3cret@:7000",
        "redis+sentinel://app:s3cret@s1:26379",
        "redis+sentinel://app:s3cret@s1:x/main",
    ],
)
def test_an_unusable_url_is_named_without_its_password(url: str) -> None:
    with pytest.raises(ConfigError) as refused:
        connect(url)
    assert "s3cret" not in str(refused.value)


def test_settings_never_show_the_redis_password() -> None:
    settings = load_settings(REDIS_URL="redis://app:s3cret@cache:6379/0")
    assert "s3cret" not in repr(settings)
    assert "s3cret" not in str(settings)
