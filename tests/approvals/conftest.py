"""The workflow most approval tests drive: ``flow``, on the test's Redis and the emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.approvals.workflow import Flow, open_flow
from tests.fixtures.emulator import EmulatorHandle


@pytest.fixture
async def flow(redis_url: str, emulator: EmulatorHandle) -> AsyncIterator[Flow]:
    async with open_flow(redis_url, emulator) as opened:
        yield opened
