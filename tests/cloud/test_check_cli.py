"""``sgbot check`` as a runbook runs it: a process, JSON on stdout, the exit status decides."""

from __future__ import annotations

import json
import os

from tests.approvals.test_reconcile import run_cli
from tests.cloud.adapter_support import PROD_GW, make_cloud
from tests.fixtures.emulator import EmulatorHandle
from vocabulary.commands import PortRange


def cli_env(emulator: EmulatorHandle, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        **emulator.bot_env(),
        **extra,
    }


async def test_exit_0_when_reachable_with_json_on_stdout(emulator: EmulatorHandle) -> None:
    cloud = make_cloud(emulator)
    await cloud.add_rule(PROD_GW, "sg-legacy20", PortRange(start=8080, end=8080), "by hand")
    done = run_cli(["check", "gateway prod-gw to service legacy"], cli_env(emulator))
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["reachable"] is True
    assert document["ports"] == ["8080"]
    assert document["endpoints"][0]["ip"] == "10.0.1.20"


def test_exit_1_when_blocked_and_the_word_check_is_optional(emulator: EmulatorHandle) -> None:
    done = run_cli(["check", "check gateway prod-gw to service orders"], cli_env(emulator))
    assert done.returncode == 1, done.stderr
    document = json.loads(done.stdout)
    assert document["verdict"] == "blocked for 4 endpoints of 4"
    assert {m["security_group_id"] for m in document["missing"]} == {
        "sg-ackpoola01",
        "sg-ackpoolb01",
        "sg-ackpoolb02",
    }


def test_exit_2_on_usage_errors(emulator: EmulatorHandle) -> None:
    env = cli_env(emulator)
    bad = run_cli(["check", "gateway prod-gw to sg-legacy20"], env)  # no ports for a group
    assert bad.returncode == 2
    assert "on PORTS" in bad.stderr
    assert bad.stdout == ""
    missing = run_cli(["check", "gateway no-such-gw to service orders"], env)
    assert missing.returncode == 2
    assert "no gateway named 'no-such-gw'" in missing.stderr


def test_exit_3_when_the_cloud_cannot_be_asked(emulator: EmulatorHandle) -> None:
    env = cli_env(emulator, ALIBABA_CLOUD_ACCESS_KEY_SECRET="wrong-secret")
    done = run_cli(["check", "gateway prod-gw to service orders"], env)
    assert done.returncode == 3, done.stderr
    assert done.stdout == ""
    assert "wrong-secret" not in done.stderr


def test_the_json_stays_english_on_a_chinese_bot(emulator: EmulatorHandle) -> None:
    env = cli_env(emulator, SGBOT_LANGUAGE="zh")
    done = run_cli(["check", "gateway prod-gw to service orders"], env)
    assert done.returncode == 1, done.stderr
    document = json.loads(done.stdout)
    assert document["verdict"] == "blocked for 4 endpoints of 4"
    assert "不通" not in done.stdout + done.stderr
