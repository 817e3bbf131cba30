"""Replicas killed with SIGKILL at random points of a run, and the survivors taking over.

Two ``sgbot serve`` replicas share one Redis; requests and clicks are spread over both. A
seeded RNG picks kill points in units of Slack calls the run has made, so kills land during
intake (a slash command in flight), resolution, card delivery, decisions and applies. After
each kill a fresh replica takes the dead one's place; jobs and messages the dead one had taken
are claimed by the living (XAUTOCLAIM once idle). Afterwards every acknowledged request must
have settled, exactly once in the cloud, with its requester told.
"""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.proof.harness import ProofCluster

pytestmark = [pytest.mark.fault, pytest.mark.redis]
KILLS = 20
REQUESTS_PER_KILL = 2
SEED = 1_861
MAX_CALLS_INTO_BATCH = 8
# The dead replica's unacked outbox entries are claimed only after they idle for minutes.
CARD_SECONDS_AFTER_KILLS = 200.0
SETTLE_SECONDS_AFTER_KILLS = 240.0


@pytest.mark.timeout(600)
def test_twenty_sigkills_during_intake_and_apply(cluster: ProofCluster) -> None:
    rng = random.Random(SEED)
    cluster.card_seconds = CARD_SECONDS_AFTER_KILLS
    cluster.start_replica()
    cluster.start_replica()
    baseline = cluster.emulator.state()
    with ThreadPoolExecutor(max_workers=KILLS) as runner:
        batches = []
        for kill in range(KILLS):
            # Each round starts a small batch and kills a replica some Slack calls into it
            # (0: while its slash commands are still arriving).
            first_port = 29000 + kill * REQUESTS_PER_KILL
            ports = range(first_port, first_port + REQUESTS_PER_KILL)
            calls_at_start = len(cluster.slack.calls())
            batches.append(runner.submit(cluster.request_and_approve, ports, REQUESTS_PER_KILL))
            cluster.at_slack_calls(
                batches[-1], calls_at_start + rng.randint(0, MAX_CALLS_INTO_BATCH)
            )
            cluster.kill(cluster.replicas[rng.randrange(len(cluster.replicas))])
            cluster.start_replica()
        acknowledged = sum(len(batch.result()) for batch in batches)
    problems = cluster.settle(baseline, SETTLE_SECONDS_AFTER_KILLS)
    cluster.record(
        "process_sigkill",
        problems,
        seed=SEED,
        sigkills=KILLS,
        requests_sent=KILLS * REQUESTS_PER_KILL,
    )
    assert acknowledged == len(cluster.acked) > KILLS
    assert len(cluster.retired) == KILLS
    assert problems == []
