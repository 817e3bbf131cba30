"""Slack faults during real traffic: 429s with Retry-After, and a 30-second Web API outage.

Slack failing must delay messages, never lose them: every card still appears once, every
decision still reaches the card, and every requester still hears the outcome.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from handlers.ids import ActionId
from standins.slack.directory import APPROVER_IDS, SECURITY_CHANNEL_ID
from tests.proof.harness import ProofCluster, authorize_text
from tests.slack.scenario import cards, click, text_of

pytestmark = [pytest.mark.fault, pytest.mark.redis]
OUTAGE_SECONDS = 30
RATE_LIMITED_CALLS = 6
REQUESTS_PER_PHASE = 6


def test_rate_limits_on_post_and_update(cluster: ProofCluster) -> None:
    cluster.start_replica()
    cluster.start_replica()
    baseline = cluster.emulator.state()
    for method in ("chat.postMessage", "chat.update"):
        cluster.slack.rate_limit(method, RATE_LIMITED_CALLS, retry_after_seconds=1)
    ids = cluster.request_and_approve(range(25000, 25000 + 2 * REQUESTS_PER_PHASE))
    problems = cluster.settle(baseline)
    limited = [call for call in cluster.slack.calls() if call.status == 429]
    cluster.record(
        "slack_rate_limits",
        problems,
        faults_injected=len(limited),
        requests_sent=2 * REQUESTS_PER_PHASE,
    )
    assert len(limited) == 2 * RATE_LIMITED_CALLS
    assert problems == []
    # One card per request even though posts were refused and retried.
    assert len(cards(cluster.slack)) == len(ids)


def test_a_thirty_second_web_api_outage(cluster: ProofCluster) -> None:
    cluster.start_replica()
    cluster.start_replica()
    baseline = cluster.emulator.state()
    before = [cluster.submit(authorize_text(26000 + i)) for i in range(REQUESTS_PER_PHASE)]
    carded = [request_id for request_id in before if request_id]
    for request_id in carded:
        cluster.wait_for_card(request_id)
    # One decision before the outage: the bot then knows the approver (users.info is cached).
    assert cluster.approve(carded.pop()) == 200

    cluster.slack.outage(OUTAGE_SECONDS)
    with ThreadPoolExecutor(max_workers=REQUESTS_PER_PHASE) as pool:
        approvals = list(pool.map(cluster.approve, carded))
        during = list(
            pool.map(
                lambda port: cluster.submit(authorize_text(port)),
                range(26100, 26100 + REQUESTS_PER_PHASE),
            )
        )
        later = [request_id for request_id in during if request_id]
        list(pool.map(cluster.approve_if_carded, later))
    problems = cluster.settle(baseline)
    refused = [call for call in cluster.slack.calls() if call.status == 503]
    cluster.record(
        "slack_outage",
        problems,
        outage_seconds=OUTAGE_SECONDS,
        faults_injected=len(refused),
        requests_sent=2 * REQUESTS_PER_PHASE,
    )
    assert approvals == [200] * len(carded)
    assert len(cluster.acked) == 2 * REQUESTS_PER_PHASE
    assert refused
    assert problems == []
    assert len(cards(cluster.slack)) == len(cluster.acked)


def test_a_click_that_fails_after_its_ack_is_told_to_the_clicker(cluster: ProofCluster) -> None:
    cluster.start_replica()
    request_id = cluster.submit(authorize_text(26500))
    assert request_id is not None
    card = cluster.wait_for_card(request_id)
    # The approver's facts are not cached yet, so the click needs users.info: it fails.
    cluster.slack.outage()
    note_url = cluster.slack.new_response_url(APPROVER_IDS[0], SECURITY_CHANNEL_ID)
    status, _ = click(
        cluster.signer,
        cluster.next_url(),
        APPROVER_IDS[0],
        card,
        ActionId.APPROVE,
        response_url=note_url,
    )
    assert status == 200
    cluster.wait_until(
        lambda: any("(incident INC-" in text_of(n) for n in cluster.slack.responses(note_url)), 10
    )
