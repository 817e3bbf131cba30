"""Helpers for the adapter tests: an adapter wired to the emulator, and a sleep that only records.

The adapter under test is the real one (real SDK clients, signed HTTP to the emulator); only
the retry policy's sleep is replaced, so backoff is observable and no test waits for it.
"""

from __future__ import annotations

import random

from bot.cloud.factory import CloudTuning, build_cloud, static_credential
from bot.cloud.port import CloudPort
from bot.cloud.retry import RetryPolicy
from bot.settings import load_settings
from tests.fixtures.emulator import EmulatorHandle

PROD_GW = "gw-5f0c6a1e2b3d4c5e8f9a0b1c2d3e4f50"
STAGING_GW = "gw-0a1b2c3d4e5f60718293a4b5c6d7e8f9"
PROD_ACK = "c8f2a1b3c4d5e6f708192a3b4c5d6e7f8"
SERVERLESS_ACK = "c1a2b3c4d5e6f708192a3b4c5d6e7f80a"


class RecordingSleep:
    """Stands in for ``asyncio.sleep``: remembers each requested delay and returns at once."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def retry_policy(sleep: RecordingSleep, attempts: int = 4) -> RetryPolicy:
    return RetryPolicy(attempts=attempts, sleep=sleep, rng=random.Random(7))


def make_cloud(
    emulator: EmulatorHandle,
    *,
    sleep: RecordingSleep | None = None,
    attempts: int = 4,
    read_timeout_ms: int = 10000,
    access_key_id: str | None = None,
    access_key_secret: str | None = None,
) -> CloudPort:
    settings = load_settings(
        SGBOT_MSE_ENDPOINT=emulator.endpoint,
        SGBOT_ECS_ENDPOINT=emulator.endpoint,
        SGBOT_CS_ENDPOINT=emulator.endpoint,
        SGBOT_CLOUD_PROTOCOL="http",
        ALIBABA_CLOUD_REGION_ID=emulator.region_id,
    )
    credential = static_credential(
        access_key_id or emulator.access_key_id, access_key_secret or emulator.access_key_secret
    )
    tuning = CloudTuning(
        read_timeout_ms=read_timeout_ms,
        retry=retry_policy(sleep or RecordingSleep(), attempts),
    )
    return build_cloud(settings, credential=credential, tuning=tuning)
