"""Cloud faults during real traffic: throttling, a 500 burst, timeouts, a permanent 403.

Each test runs two ``sgbot serve`` replicas against the emulator with one fault plan, sends a
batch of authorize requests, approves every card, and then holds the deployment to the
invariants: every acknowledged request settles (applied, or failed or rejected with a reason),
no rule exists without an approval, none twice, and every requester is told.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from approvals.model import RequestState
from tests.proof.harness import ProofCluster

pytestmark = [pytest.mark.fault, pytest.mark.redis]
REQUESTS_PER_RUN = 12
SEED = 20240611


def run_with_faults(
    cluster: ProofCluster, name: str, first_port: int, **plan: Any
) -> dict[str, Any]:
    """Run a batch under ``plan``; the emulator's state before it, for further checks."""
    cluster.start_replica()
    cluster.start_replica()
    baseline = cluster.emulator.state()
    cluster.emulator.set_faults(**plan)
    ids = cluster.request_and_approve(range(first_port, first_port + REQUESTS_PER_RUN))
    problems = cluster.settle(baseline)
    calls = cluster.emulator.calls()
    cluster.record(
        name,
        problems,
        fault_plan=plan,
        faults_injected=injected_count(plan, calls),
        requests_sent=REQUESTS_PER_RUN,
        cloud_calls=sum(calls.values()),
    )
    assert len(ids) == REQUESTS_PER_RUN
    assert problems == []
    return baseline


def injected_count(plan: dict[str, Any], calls: dict[str, int]) -> int:
    """Scripted failures that fired plus the throttling draws, replayed from the same seed."""
    scripted = sum(
        min(failure["count"] or calls.get(failure["action"], 0), calls.get(failure["action"], 0))
        for failure in plan.get("fail", [])
    )
    delayed = plan.get("timeout_then_succeed", {}).get("count", 0)
    fraction = plan.get("throttle_fraction", 0.0)
    # The emulator draws once per unscripted call, in one seeded sequence.
    draws = random.Random(plan.get("seed"))  # replays the emulator's draws
    throttled = sum(draws.random() < fraction for _ in range(sum(calls.values()) - scripted))
    return int(scripted + delayed + (throttled if fraction else 0))


def test_thirty_percent_throttling(cluster: ProofCluster) -> None:
    run_with_faults(
        cluster, "cloud_throttling", 21000, throttle_fraction=0.3, retry_after_ms=50, seed=SEED
    )


def test_a_burst_of_server_errors(cluster: ProofCluster) -> None:
    burst = [
        {"action": action, "code": "InternalError", "http_status": 500, "count": 4}
        for action in ("ListGateway", "ListSecurityGroupRule", "AddSecurityGroupRule")
    ]
    run_with_faults(cluster, "cloud_500_burst", 22000, fail=burst)


def test_timeouts_including_an_add_that_succeeded(cluster: ProofCluster) -> None:
    # The read timeout is 10 s: the first add is made but its reply comes too late, so the
    # bot must find the rule it already made instead of adding a second one.
    run_with_faults(
        cluster,
        "cloud_timeouts",
        23000,
        latency_ms=150,
        timeout_then_succeed={"action": "AddSecurityGroupRule", "count": 1, "delay_ms": 11_000},
    )


def test_a_permanent_403_fails_every_apply_with_a_reason(cluster: ProofCluster) -> None:
    denied = [
        {
            "action": "AddSecurityGroupRule",
            "code": "Forbidden.RAM",
            "http_status": 403,
            "count": None,
        }
    ]
    baseline = run_with_faults(cluster, "cloud_permanent_403", 24000, fail=denied)
    assert cluster.states() == {RequestState.FAILED.value: REQUESTS_PER_RUN}
    assert cluster.emulator.state()["mse_rules"] == baseline["mse_rules"]
