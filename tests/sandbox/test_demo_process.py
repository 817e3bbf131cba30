"""``sgbot demo`` as a process tree: it starts every part, and SIGTERM stops all of them."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Callable

import pytest

from tests.sandbox.conftest import Demo

pytestmark = pytest.mark.redis


def _reachable(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def test_sigterm_stops_the_bot_and_the_emulator(start_demo: Callable[[], Demo]) -> None:
    demo = start_demo()
    printed = "\n".join(demo.announced)
    bot = re.search(r"bot at (http://\S+),", printed)
    emulator = re.search(r"emulator with the demo estate at (http://\S+)", printed)
    assert bot is not None
    assert emulator is not None
    with urllib.request.urlopen(f"{demo.url}api/cloud", timeout=5) as response:
        cloud = json.load(response)
    with urllib.request.urlopen(f"{bot.group(1)}/healthz", timeout=5) as response:
        health = json.load(response)

    demo.process.terminate()
    status = demo.process.wait(timeout=20)

    assert "gw-5f0c6a1e2b3d4c5e8f9a0b1c2d3e4f50" in cloud["mse_rules"]
    assert health["redis"] == "up"
    assert status == 0
    assert not _reachable(f"{bot.group(1)}/healthz")
    assert not _reachable(f"{emulator.group(1)}/_emulator/state")
