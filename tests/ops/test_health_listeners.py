"""``SGBOT_HEALTH_PORT`` on the processes without a Slack port: ``sgbot worker`` and
``sgbot socket`` answer ``/healthz``, ``/readyz`` and ``/metrics`` like ``sgbot serve``."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping

import pytest

from standins.slack import LocalSlack
from tests.approvals.test_worker_crash import worker_env
from tests.fixtures.emulator import EmulatorHandle
from tests.fixtures.redis_server import RedisServer
from tests.fixtures.socket_mode import SocketBot

pytestmark = [pytest.mark.scenario, pytest.mark.redis]

HEALTH_LINE = re.compile(r"sgbot health on (http://\S+)")
HEALTH_ENV = {"SGBOT_HEALTH_PORT": "0", "SGBOT_HEALTH_HOST": "127.0.0.1"}


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


@pytest.fixture
def start_worker() -> Iterator[Callable[[Mapping[str, str]], tuple[subprocess.Popen[str], str]]]:
    started: list[subprocess.Popen[str]] = []

    def start(env: Mapping[str, str]) -> tuple[subprocess.Popen[str], str]:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "worker"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=dict(env),
        )  # fmt: skip
        started.append(process)
        assert process.stdout is not None
        found = HEALTH_LINE.search(process.stdout.readline())
        assert found, "the worker did not print where its health endpoints are"
        return process, found.group(1)

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def worker_idle(url: str) -> float:
    status, text = get(f"{url}/metrics")
    assert status == 200
    found = re.search(r"^sgbot_worker_idle_seconds (\S+)$", text, re.MULTILINE)
    assert found is not None
    return float(found.group(1))


def test_worker_health_port(
    start_worker: Callable[[Mapping[str, str]], tuple[subprocess.Popen[str], str]],
    redis_server_factory: Callable[..., RedisServer],
    emulator: EmulatorHandle,
) -> None:
    own_redis = redis_server_factory()
    env = worker_env(own_redis.url, "health", emulator) | HEALTH_ENV
    process, url = start_worker(env)

    assert get(f"{url}/healthz")[0] == 200
    status, body = get(f"{url}/readyz")
    assert status == 200, body
    # Once its first round asked Redis for jobs, this worker is its own heartbeat.
    deadline = time.monotonic() + 15
    while (idle := worker_idle(url)) == float("inf") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert idle < 30

    own_redis.kill()
    status, body = get(f"{url}/readyz")
    assert status == 503
    assert "Redis does not answer" in body
    assert get(f"{url}/healthz")[0] == 200

    process.terminate()  # SIGTERM: a graceful stop
    assert process.wait(timeout=20) == 0


def test_socket_health_port(
    start_sgbot_socket: Callable[[Mapping[str, str]], SocketBot],
    socket_env: dict[str, str],
    local_slack: LocalSlack,
) -> None:
    bot = start_sgbot_socket(socket_env | HEALTH_ENV)
    local_slack.wait_for(lambda: HEALTH_LINE.search(bot.log()) is not None, 10)
    found = HEALTH_LINE.search(bot.log())
    assert found is not None
    url = found.group(1)
    assert get(f"{url}/healthz")[0] == 200
    status, body = get(f"{url}/readyz")
    assert status == 200, body
    assert "sgbot_outbox_depth" in get(f"{url}/metrics")[1]


def test_worker_refuses_a_bad_health_port(emulator: EmulatorHandle, redis_url: str) -> None:
    env = {**os.environ, **worker_env(redis_url, "health", emulator), "SGBOT_HEALTH_PORT": "70000"}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "worker"], env=env, capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 78
    assert "SGBOT_HEALTH_PORT" in done.stderr
