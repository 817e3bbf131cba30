"""The Dockerfile, checked statically: no Docker engine is needed to see its promises."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")


def instructions(name: str) -> list[str]:
    """The arguments of every ``name`` instruction, continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    return [
        line.split(None, 1)[1]
        for line in joined.splitlines()
        if line.strip() and line.split(None, 1)[0].upper() == name
    ]


def healthcheck_command() -> list[str]:
    (healthcheck,) = instructions("HEALTHCHECK")
    exec_form = healthcheck.split(" CMD ", 1)[1]
    command: list[str] = json.loads(exec_form)
    return command


def test_multi_stage_on_python_slim() -> None:
    froms = instructions("FROM")
    assert len(froms) == 2
    assert froms[-1].split()[0] == "python:3.11-slim"
    assert "--from=builder" in " ".join(instructions("COPY"))


def test_runs_as_a_non_root_user() -> None:
    (user,) = instructions("USER")
    assert user.split(":")[0] not in {"root", "0"}


def test_default_command_serves_on_port_3000() -> None:
    (cmd,) = instructions("CMD")
    assert json.loads(cmd) == ["sgbot", "serve", "--host", "0.0.0.0", "--port", "3000"]


def test_healthcheck_needs_no_curl_and_asks_healthz_on_the_health_port() -> None:
    command = healthcheck_command()
    assert command[:2] == ["python", "-c"]
    assert "/healthz" in command[2]
    assert "SGBOT_HEALTH_PORT" in command[2]
    assert "curl" not in DOCKERFILE.split("HEALTHCHECK", 1)[1]
    env = " ".join(instructions("ENV"))
    assert "SGBOT_HEALTH_PORT=8081" in env
    assert "8081" in " ".join(instructions("EXPOSE")).split()


def test_no_secrets_are_baked_in() -> None:
    env_lines = " ".join(instructions("ENV") + instructions("ARG"))
    for secret in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "ACCESS_KEY", "REDIS_URL"):
        assert secret not in env_lines
