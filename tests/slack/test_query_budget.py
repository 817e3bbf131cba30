"""People's cloud lookups run on two cloud threads of their own, apart from the worker's.

Six lookups at once through ``deps.lookups``, each answered after the emulator's latency, can
only be in flight two at a time: together they take at least three latencies (a lower bound,
which a slow machine only makes longer). The worker's adapter is another one, with its own
threads: the same six calls at once reach the cloud on more connections than the lookups did.
So a flood of ``list rules for gateway <anything>`` cannot take the threads applies and revokes
run on.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from approvals.lookups import QUERY_THREADS
from handlers.deps import Deps
from standins.slack.directory import DEVELOPER_ID
from tests.fixtures.emulator import EmulatorHandle
from vocabulary.commands import GatewayRef
from vocabulary.errors import NotFound

pytestmark = pytest.mark.redis
AT_ONCE = 6
LATENCY_S = 0.3


async def test_lookups_have_their_own_two_threads(deps: Deps, emulator: EmulatorHandle) -> None:
    user = await deps.approvers.person(DEVELOPER_ID)
    ghosts = [GatewayRef(value=f"gw-{n:032x}") for n in range(AT_ONCE)]
    emulator.set_faults(latency_ms=int(LATENCY_S * 1000))
    assert deps.lookups.cloud is not deps.jobs.cloud

    emulator.reset_calls()
    started = time.monotonic()
    looked_up = await asyncio.gather(
        *(deps.lookups.gateway(user, ghost) for ghost in ghosts), return_exceptions=True
    )
    took = time.monotonic() - started
    assert all(isinstance(answer, NotFound) for answer in looked_up)
    assert emulator.calls() == {"GetGateway": AT_ONCE}
    assert took >= (AT_ONCE / QUERY_THREADS) * LATENCY_S * 0.95  # never more than two at once
    lookup_connections = emulator.connections()

    emulator.reset_calls()
    worked = await asyncio.gather(
        *(deps.jobs.cloud.get_gateway(ghost.value) for ghost in ghosts), return_exceptions=True
    )
    assert all(isinstance(answer, NotFound) for answer in worked)
    assert emulator.connections() > lookup_connections
