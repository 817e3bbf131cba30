"""``sgbot parse``: the grammar from the command line, with settings from the environment."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.__main__ import main
from vocabulary.commands import Authorize, SecurityGroupTarget, ServiceTarget


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Settings also read ./.env; an empty directory keeps a developer's file out of the test.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SGBOT_MAX_DURATION", "1d")


def test_a_valid_command_prints_json_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["parse", "<@U0BOT> allow gateway prod-gw to sg-bp1abc on 443, 80 for 4h"])
    printed = json.loads(capsys.readouterr().out)
    command = Authorize.model_validate(printed)
    assert status == 0
    assert printed["kind"] == "authorize"
    assert command.target == SecurityGroupTarget(security_group_id="sg-bp1abc")
    assert [str(port_range) for port_range in command.ports] == ["80", "443"]
    assert command.duration is not None
    assert command.duration.total_seconds() == 4 * 3600


def test_an_incomplete_command_names_what_is_missing(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["parse", "authorize gateway 生产网关 on 443"])
    err = capsys.readouterr().err
    details = json.loads(err.splitlines()[-1])
    assert status == 2
    assert "incomplete" in err
    assert details["verb"] == "authorize"
    assert details["missing"] == ["target"]
    assert details["given"]["gateway"] == "生产网关"


def test_an_invalid_command_exits_2_naming_the_word(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["parse", "authorize gatway prod-gw to sg-bp1abc on 443"])
    captured = capsys.readouterr()
    assert status == 2
    assert captured.out == ""
    assert "`gatway`" in captured.err
    assert "did you mean `gateway`" in captured.err.lower()


def test_the_maximum_duration_comes_from_settings(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["parse", "authorize gateway prod-gw to sg-bp1abc on 443 for 2d"])
    assert status == 2
    assert "longer than the longest grant allowed, 1d" in capsys.readouterr().err


def test_a_forgiving_phrasing_prints_what_was_inferred(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = main(["parse", "hey sgbot, please allow prod-gw to reach orders on tcp/8080?"])
    captured = capsys.readouterr()
    command = Authorize.model_validate(json.loads(captured.out))
    assert status == 0
    assert command.gateway.value == "prod-gw"
    assert command.target == ServiceTarget(name="orders")
    assert "read as: authorize gateway prod-gw to service orders on 8080" in captured.err
    assert "inferred (role): `prod-gw` taken as the gateway" in captured.err
    assert "inferred (role): `orders` taken as a service" in captured.err


def test_a_strict_or_merely_polite_phrasing_prints_no_inference(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = main(["parse", "授权 网关 prod-gw 访问 服务 orders 端口 8080\uff0c谢谢"])
    captured = capsys.readouterr()
    assert status == 0
    assert Authorize.model_validate(json.loads(captured.out)).target == ServiceTarget(name="orders")
    assert captured.err == ""
