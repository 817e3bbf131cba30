"""Policy reloads: on a content change, on SIGHUP; a broken file keeps the old policy."""

from __future__ import annotations

import asyncio
import os
import signal
from datetime import timedelta
from pathlib import Path

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from approvals.connect import connect
from approvals.keys import Keys
from approvals.policy_file import default_policy
from approvals.policy_source import PolicySource, Reporter
from bot.policy_setup import channel_reporter, policy_source
from bot.settings import load_settings
from standins.slack import LocalSlack
from standins.slack.directory import SECURITY_CHANNEL_ID
from vocabulary.errors import ConfigError

FIRST = "rules: [{name: first, decide: {approvals: 1}}]\n"
SECOND = "rules: [{name: second, decide: {approvals: 2}}]\n"
BROKEN = "rules: [{name: broken, decide: {approvals: 0}}]\n"


class Reports:
    def __init__(self) -> None:
        self.messages: list[str] = []

    async def __call__(self, message: str) -> None:
        self.messages.append(message)


def source_on(path: Path, reports: Reporter | None = None) -> PolicySource:
    path.write_text(FIRST)
    return PolicySource(
        region="cn-hangzhou", default=default_policy([22], 100), path=path, on_broken=reports
    )


def rule_names(source: PolicySource) -> list[str]:
    return [rule.name for rule in source.current().document.rules]


async def test_a_changed_file_takes_effect_and_an_unchanged_one_is_left(tmp_path: Path) -> None:
    source = source_on(tmp_path / "p.yaml")
    first_digest = source.current().digest

    assert await source.check() is False
    (tmp_path / "p.yaml").write_text(SECOND)
    assert await source.check() is True

    assert rule_names(source) == ["second"]
    assert source.current().digest != first_digest


async def test_a_broken_reload_keeps_the_old_policy_and_is_reported_once(tmp_path: Path) -> None:
    reports = Reports()
    source = source_on(tmp_path / "p.yaml", reports)
    (tmp_path / "p.yaml").write_text(BROKEN)

    assert await source.check() is False
    assert await source.check() is False

    assert rule_names(source) == ["first"]
    assert len(reports.messages) == 1
    assert "no longer validates" in reports.messages[0]
    assert "rules[0] (broken).decide.approvals" in reports.messages[0]
    # Fixed again: it takes effect, and a later breakage is reported anew.
    (tmp_path / "p.yaml").write_text(SECOND)
    assert await source.check() is True
    (tmp_path / "p.yaml").write_text(BROKEN)
    await source.check()
    assert len(reports.messages) == 2


async def test_sighup_reloads_at_once(tmp_path: Path) -> None:
    source = source_on(tmp_path / "p.yaml")
    loop = asyncio.get_running_loop()
    source.install_sighup(loop)
    try:
        (tmp_path / "p.yaml").write_text(SECOND)
        os.kill(os.getpid(), signal.SIGHUP)
        for _ in range(100):
            if rule_names(source) == ["second"]:
                break
            await asyncio.sleep(0.01)
    finally:
        loop.remove_signal_handler(signal.SIGHUP)
    assert rule_names(source) == ["second"]


async def test_the_periodic_check_notices_a_change(tmp_path: Path) -> None:
    source = source_on(tmp_path / "p.yaml")
    stop = asyncio.Event()
    watching = asyncio.create_task(source.watch(stop, timedelta(milliseconds=20)))
    try:
        (tmp_path / "p.yaml").write_text(SECOND)
        for _ in range(100):
            if rule_names(source) == ["second"]:
                break
            await asyncio.sleep(0.01)
    finally:
        stop.set()
        await watching
    assert rule_names(source) == ["second"]


def test_a_malformed_file_stops_start_up_with_the_check_lines(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BROKEN)
    settings = load_settings(SGBOT_POLICY_FILE=str(path))

    with pytest.raises(ConfigError, match=r"rules\[0\] \(broken\)\.decide\.approvals"):
        policy_source(settings)


def test_with_a_file_the_built_in_port_settings_are_ignored_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(FIRST)
    settings = load_settings(SGBOT_POLICY_FILE=str(path), SGBOT_SENSITIVE_PORTS="22")

    source = policy_source(settings)

    assert rule_names(source) == ["first"]
    assert "SGBOT_SENSITIVE_PORTS ignored" in caplog.text


def test_without_a_file_the_built_in_rules_are_the_policy() -> None:
    source = policy_source(load_settings(SGBOT_SENSITIVE_PORTS="22,3306"))
    assert rule_names(source) == ["sensitive-ports", "broad-ranges", "everything-else"]
    assert source.current().source == "built-in default"


@pytest.mark.redis
async def test_the_security_channel_hears_of_a_broken_file_once_across_replicas(
    tmp_path: Path, redis_url: str, local_slack: LocalSlack
) -> None:
    slack = AsyncWebClient(token=local_slack.bot_token, base_url=local_slack.base_url)
    client = connect(redis_url)
    try:
        report = channel_reporter(slack, SECURITY_CHANNEL_ID, client, Keys())
        replicas = [source_on(tmp_path / "p.yaml", report) for _ in range(2)]
        (tmp_path / "p.yaml").write_text(BROKEN.replace("broken", "<!channel>"))
        for source in replicas:
            await source.check()
    finally:
        await client.aclose()

    posted = [m["text"] for m in local_slack.messages(SECURITY_CHANNEL_ID)]
    assert len(posted) == 1
    assert "no longer validates" in posted[0]
    assert "<!channel>" not in posted[0]  # the file's text is escaped
    assert all(rule_names(source) == ["first"] for source in replicas)
