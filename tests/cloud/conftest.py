"""Cloud test fixtures: each test that asks for ``reading`` runs under both readings.

Where the API reference is ambiguous the emulator serves either the stricter or the friendlier
reading (``standins.cloud.readings``); sgbot must be right under both.
"""

from __future__ import annotations

import pytest

from tests.fixtures.emulator import EmulatorHandle


@pytest.fixture(params=["strict", "lenient"])
def reading(request: pytest.FixtureRequest, emulator: EmulatorHandle) -> str:
    """``strict``: every point read the harder way; ``lenient``: every point the friendlier."""
    if request.param == "strict":
        emulator.set_readings()
    else:
        emulator.set_readings("all")
    return str(request.param)
