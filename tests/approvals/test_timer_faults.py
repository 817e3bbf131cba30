"""Time-bound grants still end when the worker that claimed their timers fails to handle them.

A claim used to remove the due timers and hand them out one by one; anything between the claim
and the last handler (a Redis error, a SIGKILL) dropped every timer of the batch, and nothing
looked at the requests again, so those grants stayed open for good. To stop a worker exactly
between the two steps, it connects to Redis as a user the ACL denies ``HGET``: its claim (a
script of ZRANGE/ZADD) goes through, and the first read of a request fails with a Redis error,
deterministically. The sweep tests lose timers outright and check the requests bring them back.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import pytest
import redis as sync_redis
from redis.exceptions import RedisError

from approvals.connect import connect
from approvals.jobs import JobContext
from approvals.model import Request, RequestState
from approvals.results import StoreConfig
from approvals.store import RequestStore
from approvals.worker import Worker, WorkerConfig
from tests.approvals.test_worker_crash import worker_env
from tests.approvals.workflow import Flow, open_flow, to_group
from tests.fixtures.emulator import EmulatorHandle
from tests.fixtures.redis_server import RedisServer

pytestmark = [pytest.mark.redis, pytest.mark.fault]
LEGACY = "sg-legacyapp01"
PORTS = (8081, 8082, 8083)
HOUR = timedelta(hours=1)
CLAIM_IDLE = timedelta(seconds=30)
WAIT_LIMIT_S = 60.0


def no_hget_url(server: RedisServer) -> str:
    """A URL for a Redis user that may do anything but ``HGET`` (so it cannot read requests)."""
    admin = sync_redis.Redis.from_url(server.url)
    admin.execute_command(  # type: ignore[no-untyped-call]
        "ACL", "SETUSER", "claimer", "on", ">claimer-pw", "~*", "&*", "+@all", "-hget"
    )
    admin.close()
    return f"redis://claimer:claimer-pw@127.0.0.1:{server.port}/0"


@pytest.fixture
async def flow(
    redis_server_factory: Callable[..., RedisServer], emulator: EmulatorHandle
) -> AsyncIterator[tuple[Flow, RedisServer]]:
    server = redis_server_factory()
    async with open_flow(server.url, emulator, prefix=f"tf{uuid.uuid4().hex[:6]}") as opened:
        yield opened, server


async def grants_ending_now(flow: Flow) -> list[Request]:
    """Three one-hour grants, the clock moved to their end without running the worker."""
    grants = [await flow.grant(to_group(LEGACY, ports=(port,), duration=HOUR)) for port in PORTS]
    assert all(g.state is RequestState.APPLIED for g in grants)
    flow.clock.advance(HOUR)
    return grants


async def states(flow: Flow, grants: list[Request]) -> list[RequestState]:
    return [(await flow.store.require(grant.id)).state for grant in grants]


async def assert_all_ended(flow: Flow, grants: list[Request]) -> None:
    for grant in grants:
        ended = await flow.store.require(grant.id)
        assert ended.state is RequestState.REVOKED, f"{grant.id} is {ended.state}"
    for port in PORTS:
        assert flow.rules_for(LEGACY, f"{port}/{port}") == []


async def test_a_redis_error_after_the_claim_drops_no_timer(
    flow: tuple[Flow, RedisServer],
) -> None:
    workflow, server = flow
    grants = await grants_ending_now(workflow)
    client = connect(no_hget_url(server))
    try:
        store = RequestStore(client, StoreConfig(prefix=workflow.store.config.prefix))
        context = JobContext(
            store=store, cloud=workflow.cloud, clock=workflow.clock, policy=workflow.context.policy
        )
        failing = Worker(context, WorkerConfig(consumer="failing", claim_idle=CLAIM_IDLE))
        with contextlib.suppress(RedisError):
            await failing.run_once()
    finally:
        await client.aclose()
    lease_end = (workflow.clock.now() + CLAIM_IDLE).timestamp()
    scores = [
        await workflow.store.client.zscore(workflow.store.keys.timers, f"grant_end:{g.id}")
        for g in grants
    ]
    assert scores == [lease_end] * len(grants)  # claimed (leased), not handled, not lost
    assert await states(workflow, grants) == [RequestState.APPLIED] * len(grants)

    await workflow.advance(CLAIM_IDLE)
    await assert_all_ended(workflow, grants)


async def test_a_worker_killed_between_claim_and_handling_loses_no_grant_end(
    flow: tuple[Flow, RedisServer], emulator: EmulatorHandle
) -> None:
    workflow, server = flow
    grants = await grants_ending_now(workflow)
    env = worker_env(no_hget_url(server), workflow.store.config.prefix, emulator)
    env["SGBOT_JOB_CLAIM_IDLE"] = "2s"
    process = await asyncio.create_subprocess_exec(
        *[sys.executable, "-m", "bot", "worker", "--consumer", "doomed"],
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    members = [f"grant_end:{g.id}" for g in grants]
    try:
        # The worker's clock is the real one, long past these grants' ends: it claims them at
        # once. Wait (up to a limit) until the claim shows as leases in the future.
        deadline = time.monotonic() + WAIT_LIMIT_S
        while time.monotonic() < deadline:
            scores = [
                await workflow.store.client.zscore(workflow.store.keys.timers, m) for m in members
            ]
            if all(score is None or score > time.time() for score in scores):
                break
            assert process.returncode is None, "the worker process exited on its own"
            await asyncio.sleep(0.05)
        else:
            pytest.fail("the worker process never claimed the timers")
    finally:
        os.kill(process.pid, signal.SIGKILL)  # no chance to finish or clean up
        await process.wait()
    assert await states(workflow, grants) == [RequestState.APPLIED] * len(grants)

    # Another worker, once the dead one's leases have run out.
    workflow.clock.set(datetime.now(UTC) + timedelta(seconds=3))
    await workflow.worker.run_until_idle()
    await assert_all_ended(workflow, grants)


async def test_the_sweep_ends_a_grant_whose_timer_is_gone(
    flow: tuple[Flow, RedisServer],
) -> None:
    workflow, _ = flow
    pending = await workflow.submit_and_resolve(to_group(LEGACY, ports=(9090,)))
    grants = await grants_ending_now(workflow)
    await workflow.store.client.delete(workflow.store.keys.timers)  # every timer lost

    await workflow.worker.run_until_idle()  # a worker's first sweep walks the live requests
    await assert_all_ended(workflow, grants)
    assert (await workflow.store.require(pending.id)).state is RequestState.PENDING

    # A later sweep reads the indexes: a pending deadline whose timer is lost is still kept.
    await workflow.store.client.delete(workflow.store.keys.timers)
    await workflow.advance(workflow.context.policy.pending_ttl)
    assert (await workflow.store.require(pending.id)).state is RequestState.EXPIRED
