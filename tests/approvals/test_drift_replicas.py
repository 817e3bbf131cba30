"""Three ``sgbot worker`` processes on one Redis: one reconcile round per period, each item
posted once."""

from __future__ import annotations

import asyncio
import signal
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from typing import IO

import pytest

from approvals.outbox import NotificationKind
from tests.approvals.test_drift import make_drift
from tests.approvals.test_worker_crash import worker_env
from tests.approvals.workflow import open_flow
from tests.fixtures.emulator import EmulatorHandle

pytestmark = pytest.mark.redis
WATCH_SECONDS = 5.0
START_LIMIT_SECONDS = 120.0  # three processes importing the SDKs on a busy machine


async def all_logged(logs: Sequence[IO[bytes]], line: str) -> None:
    """Wait until every log holds ``line``; a state, not a duration."""
    deadline = time.monotonic() + START_LIMIT_SECONDS
    while time.monotonic() < deadline:
        texts = []
        for log in logs:
            log.seek(0)
            texts.append(log.read().decode())
        if all(line in text for text in texts):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"not every worker logged {line!r} within {START_LIMIT_SECONDS} s")


async def test_three_workers_run_one_round_per_period(
    redis_url: str, emulator: EmulatorHandle
) -> None:
    prefix = f"replicas-{uuid.uuid4().hex[:8]}"
    async with open_flow(redis_url, emulator, prefix=prefix) as flow:
        await make_drift(flow)
        env = worker_env(redis_url, prefix, emulator) | {"SGBOT_RECONCILE_EVERY": "1s"}
        logs = [tempfile.TemporaryFile() for _ in range(3)]  # noqa: SIM115 - closed below
        workers = [
            await asyncio.create_subprocess_exec(
                *[sys.executable, "-m", "bot", "worker", "--consumer", f"replica-{n}"],
                env=env,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=logs[n],
            )
            for n in range(3)
        ]
        started = time.monotonic()
        try:
            # The period is counted once all three are up, so a slow start is no missing round.
            await all_logged(logs, "started")
            await asyncio.sleep(WATCH_SECONDS)
        finally:
            for worker in workers:
                worker.send_signal(signal.SIGTERM)
            for worker in workers:
                await worker.wait()
        watched = time.monotonic() - started
        rounds = 0
        for log in logs:
            log.seek(0)
            rounds += log.read().decode().count("drift round:")
            log.close()

        posted = [
            n.request_id for n in await flow.outbox() if n.kind is NotificationKind.DRIFT_ITEM
        ]

    assert len(posted) == len(set(posted)) == 4
    # One round a second at most, whichever replica ran it (three would run three a second).
    assert 1 <= rounds <= watched + 1, (rounds, watched)
