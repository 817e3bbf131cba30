"""With ``SGBOT_LANGUAGE=zh`` the security channel hears of a broken policy file in Chinese,
while the log line operators search for stays English."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import catalogue
from tests.approvals.test_policy_reload import BROKEN, Reports, source_on


@pytest.fixture(autouse=True)
def chinese() -> Iterator[None]:
    catalogue.use("zh")
    yield
    catalogue.use("en")


async def test_a_broken_file_is_reported_in_chinese_and_logged_in_english(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    reports = Reports()
    source = source_on(tmp_path / "p.yaml", reports)
    (tmp_path / "p.yaml").write_text(BROKEN)

    with caplog.at_level(logging.ERROR, logger="approvals.policy_source"):
        assert await source.check() is False

    [reported] = reports.messages
    assert reported.startswith("策略文件 p.yaml 已无法通过校验")
    assert source.current().digest in reported
    assert "rules[0] (broken).decide.approvals" in reported
    assert any("no longer validates" in line for line in caplog.messages)
