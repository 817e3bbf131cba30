"""The resolution cache against the emulator: what a warm resolution skips, when entries expire,
and how an entry that disagrees with the cloud is dropped without changing the answer."""

from __future__ import annotations

import pytest

from bot.cloud import preflight
from bot.cloud.port import Cluster, Gateway, ServiceSource
from bot.cloud.resolve_cache import CacheKey, Kind, ResolveCache
from bot.cloud.resolve_flow import Found, resolve_named
from tests.cloud.adapter_support import PROD_ACK, PROD_GW, STAGING_GW, make_cloud
from tests.fixtures.emulator import EmulatorHandle
from vocabulary.commands import GatewayRef, ServiceTarget, Target
from vocabulary.errors import NotFound

REGION = "cn-hangzhou"
PROD = GatewayRef(value="prod-gw")
ORDERS = ServiceTarget(name="orders")
POOL_GROUPS = ["sg-ackpoola01", "sg-ackpoolb01", "sg-ackpoolb02"]
METADATA = ("ListGateway", "ListServiceSource", "DescribeClusterDetail")


class Ticks:
    """A monotonic clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def resolve(
    emulator: EmulatorHandle, cache: ResolveCache, target: Target = ORDERS
) -> tuple[Found, dict[str, int]]:
    """One resolution as the resolve job makes it, and the calls it cost."""
    emulator.reset_calls()
    found = await resolve_named(
        make_cloud(emulator), PROD, target, cache=cache, plannable=preflight.plannable
    )
    return found, emulator.calls()


def groups(found: Found) -> list[str]:
    return [g.security_group_id for g in found.resolution.groups]


async def test_a_warm_resolution_reads_no_metadata_but_everything_a_plan_rests_on(
    emulator: EmulatorHandle,
) -> None:
    cache = ResolveCache(now=Ticks())
    cold, cold_calls = await resolve(emulator, cache)
    warm, warm_calls = await resolve(emulator, cache)

    assert groups(cold) == groups(warm) == POOL_GROUPS
    assert warm.resolution.path == cold.resolution.path
    assert all(cold_calls[action] == 1 for action in METADATA)
    assert not set(METADATA) & set(warm_calls)
    # Read fresh every time: the gateway itself, its rules, the groups and their inbound rules.
    for action in ("GetGateway", "ListSecurityGroupRule", "DescribeSecurityGroups"):
        assert warm_calls[action] == 1
    assert warm_calls["DescribeSecurityGroupAttribute"] == len(POOL_GROUPS)
    assert len(cache) == len(METADATA)


async def test_entries_expire_after_the_ttl(emulator: EmulatorHandle) -> None:
    ticks = Ticks()
    cache = ResolveCache(ttl=60, now=ticks)
    await resolve(emulator, cache)

    ticks.now += 59
    _, within = await resolve(emulator, cache)
    ticks.now += 1
    _, after = await resolve(emulator, cache)

    assert "ListGateway" not in within
    assert all(after[action] == 1 for action in METADATA)


def test_a_ttl_of_zero_keeps_nothing() -> None:
    cache = ResolveCache(ttl=0)
    cache.put(CacheKey(REGION, Kind.GATEWAY, "prod-gw"), Gateway(PROD_GW, "prod-gw", "sg", "vpc"))
    assert len(cache) == 0


def test_the_oldest_entry_goes_once_the_bound_is_reached() -> None:
    cache = ResolveCache(max_entries=2, now=Ticks())
    for name in ("a", "b", "c"):
        cache.put(CacheKey(REGION, Kind.GATEWAY, name), Gateway(PROD_GW, name, "sg", "vpc"))
    assert cache.gateway(REGION, "a") is None
    assert cache.gateway(REGION, "c") is not None
    assert cache.gateway("cn-shanghai", "c") is None  # entries are per region


async def test_a_name_that_now_means_another_gateway_is_dropped(emulator: EmulatorHandle) -> None:
    cache = ResolveCache(now=Ticks())
    # As if "prod-gw" had named the staging gateway when it was cached.
    staging = Gateway(STAGING_GW, "staging-gw", "sg-gwstaging01", "vpc-demo01")
    cache.put(CacheKey(REGION, Kind.GATEWAY, "prod-gw"), staging)

    found, calls = await resolve(emulator, cache)

    assert found.resolution.gateway.unique_id == PROD_GW
    assert groups(found) == POOL_GROUPS
    assert calls["ListGateway"] == 1  # asked again once the entry disagreed
    cached = cache.gateway(REGION, "prod-gw")
    assert cached is not None
    assert cached.unique_id == PROD_GW


async def test_a_source_that_points_at_a_cluster_gone_is_dropped_on_not_found(
    emulator: EmulatorHandle,
) -> None:
    cache = ResolveCache(now=Ticks())
    await resolve(emulator, cache)
    gone = "c" + "0" * 32
    moved = ServiceSource(source_id=1, source="K8s", address=gone, name="prod-ack")
    cache.put(CacheKey(REGION, Kind.SOURCES, PROD_GW), [moved])

    found, calls = await resolve(emulator, cache)

    assert groups(found) == POOL_GROUPS
    assert calls["ListServiceSource"] == 1
    assert calls["DescribeClusterDetail"] == 2  # the gone cluster's NotFound, then prod-ack's
    sources = cache.sources(REGION, PROD_GW)
    assert sources is not None
    assert {s.address for s in sources} >= {PROD_ACK}


async def test_a_cluster_entry_is_dropped_when_the_cloud_says_its_pools_are_gone(
    emulator: EmulatorHandle,
) -> None:
    cache = ResolveCache(now=Ticks())
    await resolve(emulator, cache)
    emulator.set_faults(
        fail=[
            {
                "action": "DescribeClusterNodePools",
                "code": "ErrorClusterNotFound",
                "http_status": 404,
            }
        ]
    )

    found, calls = await resolve(emulator, cache)

    assert groups(found) == POOL_GROUPS
    assert all(calls[action] == 1 for action in METADATA)  # every entry used was dropped
    assert isinstance(cache.cluster(REGION, PROD_ACK), Cluster)


async def test_an_error_the_cache_did_not_cause_is_not_retried(emulator: EmulatorHandle) -> None:
    cache = ResolveCache(now=Ticks())
    with pytest.raises(NotFound, match="routes no service named 'order'"):
        await resolve(emulator, cache, ServiceTarget(name="order"))
    assert emulator.calls()["ListGatewayService"] == 1
