"""``sgbot demo`` as a process tree: it starts every part, its bot says the cloud is emulated,
and SIGTERM stops all of them."""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest

from handlers.block_parts import EMULATED_NOTICE
from standins.demo_seed import CHECK_EXAMPLE
from standins.slack.directory import (
    APPROVER_IDS,
    DEV_CHANNEL_ID,
    DEVELOPER_ID,
    SECURITY_CHANNEL_ID,
)
from tests.sandbox.conftest import Demo

pytestmark = pytest.mark.redis
WAIT_SECONDS = 30.0


def _reachable(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def test_sigterm_stops_the_bot_and_the_emulator(start_demo: Callable[..., Demo]) -> None:
    demo = start_demo()
    printed = "\n".join(demo.announced)
    bot = re.search(r"bot at (http://\S+),", printed)
    emulator = re.search(r"emulator with the demo estate at (http://\S+)", printed)
    assert bot is not None
    assert emulator is not None
    with urllib.request.urlopen(f"{demo.url}api/cloud", timeout=5) as response:
        cloud = json.load(response)
    with urllib.request.urlopen(f"{bot.group(1)}/readyz", timeout=5) as response:
        health = json.load(response)

    demo.process.terminate()
    status = demo.process.wait(timeout=20)

    assert "gw-5f0c6a1e2b3d4c5e8f9a0b1c2d3e4f50" in cloud["mse_rules"]
    [second] = cloud["other_regions"]  # the cloud panel shows the second region too
    assert second["region_id"] == "cn-shanghai"
    assert "prod-gw" in second["names"].values()
    assert health["redis"] == "up"
    assert status == 0
    assert not _reachable(f"{bot.group(1)}/healthz")
    assert not _reachable(f"{emulator.group(1)}/_emulator/state")


def _api(demo: Demo, path: str, body: dict[str, Any] | None = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{demo.url}api/{path}", data=data, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def test_the_demo_card_says_the_cloud_is_emulated(start_demo: Callable[..., Demo]) -> None:
    demo = start_demo()
    request = "/sg authorize gateway prod-gw in cn-hangzhou to service orders on 8080"
    _api(demo, "send", {"user": DEVELOPER_ID, "channel": DEV_CHANNEL_ID, "text": request})

    def card() -> dict[str, Any] | None:
        seen = _api(demo, f"state?user={APPROVER_IDS[0]}&channel={SECURITY_CHANNEL_ID}")
        return next((m for m in seen["messages"] if "Gateway access request" in m["text"]), None)

    deadline = time.monotonic() + WAIT_SECONDS
    while (posted := card()) is None:
        assert time.monotonic() < deadline, "no approval card in the demo"
        time.sleep(0.2)  # polling the demo's page API, as the page itself does
    assert EMULATED_NOTICE in posted["text"]


def _seen(demo: Demo, user: str, channel: str, words: str) -> dict[str, Any]:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        seen = _api(demo, f"state?user={user}&channel={channel}")
        found: dict[str, Any] | None = next(
            (m for m in seen["messages"] if words in json.dumps(m)), None
        )
        if found is not None:
            return found
        assert time.monotonic() < deadline, f"the demo page never showed {words!r}"
        time.sleep(0.2)  # polling the demo's page API, as the page itself does


def test_the_demo_policy_approves_staging_and_refuses_ssh_to_prod(
    start_demo: Callable[..., Demo],
) -> None:
    demo = start_demo()
    staging = "/sg authorize gateway staging-gw to service orders on 8080 for 2h"
    ssh = "/sg authorize gateway prod-gw in cn-hangzhou to service orders on 22"
    for text in (staging, ssh):
        _api(demo, "send", {"user": DEVELOPER_ID, "channel": DEV_CHANNEL_ID, "text": text})

    fyi = _seen(
        demo, APPROVER_IDS[0], SECURITY_CHANNEL_ID, "Approved by policy rule staging-self-service"
    )
    assert "End access" in json.dumps(fyi)
    refused = _seen(demo, DEVELOPER_ID, DEV_CHANNEL_ID, "denied by policy rule no-ssh-on-prod")
    assert "SSH to production goes through the bastion host" in json.dumps(refused)


def test_the_demo_check_finds_one_node_pool_uncovered(start_demo: Callable[..., Demo]) -> None:
    demo = start_demo()
    request = f"/sg {CHECK_EXAMPLE}"
    _api(demo, "send", {"user": DEVELOPER_ID, "channel": DEV_CHANNEL_ID, "text": request})

    def answer() -> str | None:
        seen = _api(demo, f"state?user={DEVELOPER_ID}&channel={DEV_CHANNEL_ID}")
        texts = [json.dumps(m) for m in seen["messages"]]
        return next((t for t in texts if "endpoints of 4" in t), None)

    deadline = time.monotonic() + WAIT_SECONDS
    while (said := answer()) is None:
        assert time.monotonic() < deadline, "no check answer in the demo"
        time.sleep(0.2)  # polling the demo's page API, as the page itself does
    assert "blocked for 2 endpoints of 4" in said
    assert "sg-ackpoolb01, sg-ackpoolb02 on 9200" in said
