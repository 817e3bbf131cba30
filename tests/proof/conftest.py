"""Fixtures of the proof suites: a ``ProofCluster`` on the test's Redis, Slack and emulator."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from standins.slack import LocalSlack, SlackSigner
from tests.fixtures.emulator import EmulatorHandle
from tests.proof.harness import ProofCluster, proof_cluster


@pytest.fixture
def proof_cloud(emulator: EmulatorHandle) -> EmulatorHandle:
    """The emulator the replicas call; a suite that needs another estate overrides this."""
    return emulator


@pytest.fixture
def cluster_settings() -> dict[str, str]:
    """Settings every replica gets on top of the proof settings; a suite may override this."""
    return {}


@pytest.fixture
def cluster(
    sgbot_env: dict[str, str],
    local_slack: LocalSlack,
    proof_cloud: EmulatorHandle,
    cluster_settings: dict[str, str],
    slack_signer: SlackSigner,
) -> Iterator[ProofCluster]:
    """Replicas are started by the test (with its own settings); all stop when it ends."""
    settings = proof_cloud.bot_env() | cluster_settings
    deployment = proof_cluster(sgbot_env, local_slack, proof_cloud, slack_signer, **settings)
    yield deployment
    deployment.stop()
