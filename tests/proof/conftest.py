"""Fixtures of the proof suites: a ``ProofCluster`` on the test's Redis, Slack and emulator."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from standins.slack import LocalSlack, SlackSigner
from tests.fixtures.emulator import EmulatorHandle
from tests.proof.harness import ProofCluster, proof_cluster


@pytest.fixture
def cluster(
    sgbot_env: dict[str, str],
    local_slack: LocalSlack,
    emulator: EmulatorHandle,
    slack_signer: SlackSigner,
) -> Iterator[ProofCluster]:
    """Replicas are started by the test (with its own settings); all stop when it ends."""
    deployment = proof_cluster(sgbot_env, local_slack, emulator, slack_signer)
    yield deployment
    deployment.stop()
