"""Time-bound grants ending while Redis restarts and replicas are SIGKILLed.

Two replicas share a private ``redis-server`` (AOF on) and an emulator whose backend group
already has an inbound rule made by hand on port 8080 (``tests.fixtures.handmade``). Grants of
``DURATION`` are asked and approved, one of them on port 8080, so MSE links it to the hand-made
rule. While they run out, Redis is killed and restarted and a replica is SIGKILLed and
replaced, in turn, every few seconds. Afterwards every invariant holds, with the two about ends
checked after every proof run: no grant outlived its end by more than the sweep interval plus
the claim idle plus the time Redis was away (plus a few seconds to delete), and no inbound rule
that was there before the run was deleted. The run's lateness figures go to the summary.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest

from approvals.model import RequestKind, RequestState
from tests.fixtures.emulator import EmulatorHandle
from tests.fixtures.handmade import HANDMADE_RULE
from tests.fixtures.redis_server import RedisServer
from tests.proof.harness import ProofCluster, authorize_text
from tests.proof.invariants import end_bound, late_grants, stored_requests

pytestmark = [pytest.mark.fault, pytest.mark.redis]
AOF = ("--appendonly", "yes", "--appendfsync", "always")
PORTS = (8080, *range(31001, 31012))  # 8080: the port the hand-made rule already allows
DURATION = "20s"
SWEEP = "10s"
FAULT_ROUNDS = 10
FAULT_EVERY_S = 3.0
SEED = 11
END_SECONDS = 240.0


@pytest.fixture
def proof_cloud(handmade: EmulatorHandle) -> EmulatorHandle:
    return handmade


@pytest.fixture
def cluster_settings() -> dict[str, str]:
    return {"SGBOT_SWEEP_EVERY": SWEEP}


def restart_redis(cluster: ProofCluster, server: RedisServer) -> None:
    """SIGKILL Redis and start it again (AOF), counting the time it was away."""
    started = time.monotonic()
    server.kill()
    time.sleep(0.3)
    server.start()
    cluster.redis_down_seconds += time.monotonic() - started


def time_bound_grants(cluster: ProofCluster) -> list[str]:
    requests = stored_requests(cluster.redis_url, cluster.prefix)
    return [
        request_id
        for request_id in cluster.acked
        if (request := requests.get(request_id)) is not None
        and request.kind is RequestKind.AUTHORIZE
        and request.duration is not None
        and request.state not in {RequestState.REJECTED, RequestState.DENIED}
    ]


def all_ended(cluster: ProofCluster) -> Callable[[], bool]:
    def ended() -> bool:
        try:
            requests = stored_requests(cluster.redis_url, cluster.prefix)
        except Exception:
            return False  # Redis is being restarted
        return all(requests[i].state is RequestState.REVOKED for i in time_bound_grants(cluster))

    return ended


@pytest.mark.timeout(600)
def test_grants_end_on_time_through_redis_restarts_and_sigkills(
    cluster: ProofCluster, redis_server_factory: Callable[..., RedisServer]
) -> None:
    rng = random.Random(SEED)
    server = redis_server_factory(*AOF)
    cluster.env["REDIS_URL"] = server.url
    cluster.start_replica()
    cluster.start_replica()
    baseline = cluster.emulator.state()

    with ThreadPoolExecutor(max_workers=6) as pool:
        asked = list(
            pool.map(lambda p: cluster.submit(authorize_text(p, duration=DURATION)), PORTS)
        )
        ids = [request_id for request_id in asked if request_id]
        list(pool.map(cluster.approve_if_carded, ids))
    restarts = kills = 0
    for round_number in range(FAULT_ROUNDS):  # the grants run out during these
        time.sleep(FAULT_EVERY_S)
        if round_number % 2 == 0:
            restart_redis(cluster, server)
            restarts += 1
        else:
            cluster.kill(cluster.replicas[rng.randrange(len(cluster.replicas))])
            cluster.start_replica()
            kills += 1
    cluster.wait_until(all_ended(cluster), END_SECONDS)
    problems = cluster.settle(baseline)

    requests = stored_requests(cluster.redis_url, cluster.prefix)
    grants = time_bound_grants(cluster)
    ours = {request_id: requests[request_id] for request_id in grants}
    late, lateness = late_grants(ours, datetime.now(UTC), end_bound(cluster))
    kept = [
        p["security_group_rule_id"]
        for p in cluster.emulator.state()["security_groups"]["sg-legacyapp01"]
    ]
    cluster.record(
        "grant_ends_redis_restarts_sigkills",
        problems,
        seed=SEED,
        time_bound_grants=len(grants),
        grant_duration=DURATION,
        sweep_every=SWEEP,
        redis_restarts=restarts,
        sigkills=kills,
        redis_down_seconds=round(cluster.redis_down_seconds, 2),
        end_bound_seconds=end_bound(cluster).total_seconds(),
        lateness_max_seconds=round(max(lateness), 2),
        lateness_median_seconds=round(statistics.median(lateness), 2),
        handmade_rule_kept=HANDMADE_RULE in kept,
    )
    assert len(grants) >= len(PORTS) - 2
    assert len(lateness) == len(grants)  # every one ended
    assert late == []
    assert HANDMADE_RULE in kept
    assert problems == []
