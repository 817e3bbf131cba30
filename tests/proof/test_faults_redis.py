"""Redis faults during real traffic: a crash and restart (AOF on), and dropped connections.

Each test gives two replicas a ``redis-server`` of its own and runs a batch of requests through
them in the background while the test breaks Redis at points set by the traffic itself (every
few Slack calls), so faults land during intake, decisions and applies alike. Requests that were
refused while Redis was away were never acknowledged; every acknowledged one must settle.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from tests.fixtures.redis_server import RedisServer
from tests.proof.harness import ProofCluster, authorize_text

pytestmark = [pytest.mark.fault, pytest.mark.redis]
REQUESTS_PER_RUN = 16
SLACK_CALLS_BETWEEN_DROPS = 8
AOF = ("--appendonly", "yes", "--appendfsync", "always")


# Not strict: whether a delivery is in flight when Redis breaks depends on timing.
def test_a_redis_crash_and_restart_mid_run(
    cluster: ProofCluster, redis_server_factory: Callable[..., RedisServer]
) -> None:
    server = redis_server_factory(*AOF)
    cluster.env["REDIS_URL"] = server.url
    cluster.start_replica()
    cluster.start_replica()
    baseline = cluster.emulator.state()
    first = [cluster.submit(authorize_text(27000 + i)) for i in range(REQUESTS_PER_RUN // 2)]
    for request_id in first:
        assert request_id is not None
        cluster.wait_for_card(request_id)
    # Second phase: approvals of the first half while the second half arrives; Redis crashes
    # a few Slack calls into it.
    crash_at = len(cluster.slack.calls()) + 6
    with ThreadPoolExecutor(max_workers=2) as runner:
        approvals = runner.submit(lambda: [cluster.approve(i) for i in first if i])
        traffic = runner.submit(
            cluster.request_and_approve, range(27100, 27100 + REQUESTS_PER_RUN // 2), 4
        )
        assert cluster.at_slack_calls(traffic, crash_at)
        server.kill()  # SIGKILL: only what the AOF holds survives
        server.start()
        approvals.result()
        traffic.result()
    problems = cluster.settle(baseline)
    cluster.record(
        "redis_restart",
        problems,
        redis_restarts=1,
        requests_sent=REQUESTS_PER_RUN,
    )
    assert len(cluster.acked) > REQUESTS_PER_RUN // 2
    assert problems == []


def test_dropped_redis_connections(
    cluster: ProofCluster, redis_server_factory: Callable[..., RedisServer]
) -> None:
    server = redis_server_factory()
    cluster.env["REDIS_URL"] = server.url
    cluster.start_replica()
    cluster.start_replica()
    baseline = cluster.emulator.state()
    admin = redis.Redis.from_url(server.url)
    drops = killed = 0
    with ThreadPoolExecutor(max_workers=1) as runner:
        traffic = runner.submit(cluster.request_and_approve, range(28000, 28000 + REQUESTS_PER_RUN))
        while cluster.at_slack_calls(traffic, (drops + 1) * SLACK_CALLS_BETWEEN_DROPS):
            killed += int(admin.client_kill_filter(_type="normal", skipme=True))
            drops += 1
        traffic.result()
    admin.close()
    problems = cluster.settle(baseline)
    cluster.record(
        "redis_connection_drops",
        problems,
        client_kill_rounds=drops,
        connections_killed=killed,
        requests_sent=REQUESTS_PER_RUN,
    )
    assert drops >= 5
    assert killed > 0
    assert problems == []


def test_a_card_being_retried_survives_a_redis_blip(
    cluster: ProofCluster, redis_server_factory: Callable[..., RedisServer]
) -> None:
    server = redis_server_factory(*AOF)
    cluster.env["REDIS_URL"] = server.url
    replica = cluster.start_replica()
    first = cluster.submit(authorize_text(27500))  # also caches the requester's Slack facts
    assert first is not None
    cluster.wait_for_card(first)
    cluster.slack.outage()
    request_id = cluster.submit(authorize_text(27501))
    assert request_id is not None
    # The card's delivery is now being retried; Redis goes away under it, then comes back.
    cluster.wait_until(lambda: f"post_card for {request_id} failed" in replica.log())
    server.kill()
    cluster.wait_until(
        lambda: any(
            request_id in line and "ConnectionError" in line for line in replica.log().splitlines()
        )
    )
    server.start()
    cluster.slack.clear_outage()
    cluster.wait_for_card(request_id, within=30)
