"""The core scenario on three replicas sharing a Redis Cluster, and a Sentinel pair with failover.

Requests, clicks and form submissions are spread round-robin over three ``sgbot serve``
replicas. The scenario: requests approved and applied with their requesters told, requests
denied with a reason, and ten concurrent approve clicks from two approvers on one request.
Every request must be decided once and applied once: one approval on each applied request,
one ``AddSecurityGroupRule`` per applied request, no duplicate rule, everyone told.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import pytest

from approvals.model import Verdict
from handlers.ids import ActionId
from standins.slack.directory import APPROVER_IDS
from tests.fixtures.redis_topologies import SentinelDeployment
from tests.proof.denials import deny
from tests.proof.harness import ProofCluster, authorize_text
from tests.proof.invariants import stored_requests
from tests.slack.scenario import click

pytestmark = [pytest.mark.scaleout, pytest.mark.redis]
REPLICAS = 3
APPROVED = 6
DENIED = 2
RACING_CLICKS = 10
FAILOVER_CARD_SECONDS = 200.0


def race_approvals(cluster: ProofCluster, request_id: str) -> list[int]:
    card = cluster.wait_for_card(request_id)

    def approve(index: int) -> int:
        approver = APPROVER_IDS[index % 2]
        return click(cluster.signer, cluster.next_url(), approver, card, ActionId.APPROVE)[0]

    with ThreadPoolExecutor(max_workers=RACING_CLICKS) as pool:
        statuses = list(pool.map(approve, range(RACING_CLICKS)))
    # If every racing click fell into a failover, the approver clicks once more.
    if not cluster.leaves_pending(request_id):
        cluster.approve(request_id)
    return statuses


def core_scenario(
    cluster: ProofCluster, name: str, first_port: int, during: Callable[[], Any]
) -> None:
    """Run the scenario with ``during()`` called once decisions have started; then check."""
    for _ in range(REPLICAS):
        cluster.start_replica()
    baseline = cluster.emulator.state()
    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(cluster.submit, map(authorize_text, range(first_port, first_port + 9))))
    asked = [request_id for request_id in ids if request_id]
    assert len(asked) == len(ids)
    approved, denied, raced = asked[:APPROVED], asked[APPROVED : APPROVED + DENIED], asked[-1]

    def approve_all() -> None:
        for request_id in approved:
            cluster.approve(request_id)

    def deny_all() -> None:
        for request_id in denied:
            deny(cluster, request_id, "use the staging gateway")

    calls_before = len(cluster.slack.calls())
    with ThreadPoolExecutor(max_workers=3) as runner:
        decisions: list[Future[Any]] = [
            runner.submit(approve_all),
            runner.submit(deny_all),
            runner.submit(race_approvals, cluster, raced),
        ]
        cluster.at_slack_calls(decisions[0], calls_before + 3)
        during()
        for decision in decisions:
            decision.result()
    # A decision the old primary took but never passed on is lost with it: the card still shows
    # its buttons after the failover, and the approver clicks again (counted as a repeat).
    for request_id in [*approved, raced]:
        if not cluster.leaves_pending(request_id):
            cluster.approve(request_id)
    for request_id in denied:
        if not cluster.leaves_pending(request_id):
            deny(cluster, request_id, "use the staging gateway")
    problems = cluster.settle(baseline)
    requests = stored_requests(cluster.redis_url, cluster.prefix)
    states = {request_id: requests[request_id].state.value for request_id in asked}
    cluster.record(name, problems, replicas=REPLICAS, racing_clicks=RACING_CLICKS)
    assert problems == []
    expected = ["applied"] * APPROVED + ["denied"] * DENIED + ["applied"]
    assert [states[request_id] for request_id in asked] == expected
    for request_id in (*approved, raced):
        verdicts = [d.verdict for d in requests[request_id].decisions]
        assert verdicts == [Verdict.APPROVE]
    assert cluster.emulator.calls()["AddSecurityGroupRule"] == APPROVED + 1


@pytest.mark.timeout(400)
def test_three_replicas_on_a_redis_cluster(cluster: ProofCluster, redis_cluster_url: str) -> None:
    cluster.env["REDIS_URL"] = redis_cluster_url
    core_scenario(cluster, "scaleout_cluster", 32000, lambda: None)


@pytest.mark.timeout(400)
def test_three_replicas_on_sentinel_with_a_failover(
    cluster: ProofCluster, redis_sentinel: SentinelDeployment
) -> None:
    cluster.env["REDIS_URL"] = redis_sentinel.url
    # Work a replica took but could not save during the failover is claimed again only once
    # idle: 30 s for jobs (``sgbot serve`` ignores SGBOT_JOB_CLAIM_IDLE) and 120 s for messages.
    cluster.card_seconds = FAILOVER_CARD_SECONDS
    failovers: list[int] = []
    core_scenario(
        cluster, "scaleout_sentinel", 33000, lambda: failovers.append(redis_sentinel.failover())
    )
    assert len(failovers) == 1
