"""Shared test configuration.

Fixtures live in ``tests/fixtures``, one module per outside part (Redis, the cloud emulator,
the local Slack), and are loaded here as plugins.
"""

from __future__ import annotations

import os

# The Alibaba Cloud credentials chain calls the ECS metadata address when it finds no keys;
# that address must never be contacted from a test run.
os.environ["ALIBABA_CLOUD_ECS_METADATA_DISABLED"] = "true"

pytest_plugins = [
    "tests.fixtures.redis_server",
    "tests.fixtures.emulator",
    "tests.fixtures.slack_local",
    "tests.fixtures.sgbot_process",
    "tests.fixtures.redis_topologies",
    "tests.fixtures.socket_mode",
    "tests.fixtures.handmade",
]
