"""``sgbot serve`` as a process: health, metrics, bad setups and the Docker health command."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.fixtures.redis_server import RedisServer
from tests.fixtures.sgbot_process import SgbotProcess
from tests.slack.test_dockerfile import healthcheck_command

pytestmark = pytest.mark.scenario


def test_healthz_readyz_and_metrics(
    start_sgbot: Callable[..., SgbotProcess], sgbot_env: dict[str, str]
) -> None:
    bot = start_sgbot(sgbot_env)
    status, body = bot.get("/healthz")
    assert status == 200, body
    status, body = bot.get("/readyz")
    assert status == 200, body
    status, text = bot.get("/metrics")
    assert status == 200
    assert "sgbot_outbox_depth" in text
    assert "sgbot_undeliverable_messages_total" in text


def test_without_redis_not_ready_but_alive(
    start_sgbot: Callable[..., SgbotProcess],
    sgbot_env: dict[str, str],
    redis_server_factory: Callable[..., RedisServer],
) -> None:
    own_redis = redis_server_factory()
    bot = start_sgbot({**sgbot_env, "REDIS_URL": own_redis.url})
    assert bot.get("/readyz")[0] == 200
    own_redis.kill()
    status, body = bot.get("/readyz")
    assert status == 503
    assert "Redis does not answer" in body
    # Liveness does not ask Redis: restarting every replica would not bring Redis back.
    assert bot.get("/healthz")[0] == 200


def test_docker_healthcheck_command_against_a_live_serve(
    start_sgbot: Callable[..., SgbotProcess], sgbot_env: dict[str, str]
) -> None:
    bot = start_sgbot({**sgbot_env, "SGBOT_HEALTH_PORT": "0", "SGBOT_HEALTH_HOST": "127.0.0.1"})
    deadline = time.monotonic() + 10  # the line after "listening" is forwarded by a thread
    while (found := re.search(r"sgbot health on http://[\d.]+:(\d+)", bot.log())) is None:
        assert time.monotonic() < deadline, bot.log()
        time.sleep(0.05)
    python, flag, code = healthcheck_command()
    assert (python, flag) == ("python", "-c")
    env = {**os.environ, "SGBOT_HEALTH_PORT": found.group(1)}

    def check() -> int:
        return subprocess.run(
            [sys.executable, "-c", code], env=env, check=False, timeout=30
        ).returncode

    assert check() == 0
    bot.stop()
    assert check() != 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"SLACK_SIGNING_SECRET": None}, "SLACK_SIGNING_SECRET"),
        ({"ALIBABA_CLOUD_ACCESS_KEY_ID": None}, "Alibaba Cloud credentials"),
    ],
)
def test_start_up_refuses_a_bad_setup(
    sgbot_env: dict[str, str], tmp_path: Path, changes: dict[str, None], message: str
) -> None:
    env = {k: v for k, v in {**os.environ, **sgbot_env}.items() if k not in changes}
    env["HOME"] = str(tmp_path)  # no credentials file of the person running the tests
    result = subprocess.run(
        [sys.executable, "-m", "bot", "serve", "--port", "0"],
        env=env, capture_output=True, text=True, timeout=60, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 78
    assert message in result.stderr
    assert "listening" not in result.stdout
