"""``sgbot policy check | default | explain``: what they print and their exit status."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.__main__ import main
from tests.fixtures.emulator import EmulatorHandle

DEMO_POLICY = Path(__file__).resolve().parents[1] / "examples" / "demo-policy.yaml"


def test_check_accepts_the_demo_policy(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "check", str(DEMO_POLICY)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{DEMO_POLICY}: ok, 5 rules, hash ")
    assert out.rstrip().endswith("mode enforce")


def test_check_prints_one_line_per_problem_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "rules:\n"
        "  - {name: x, decide: {approvals: 9}}\n"
        "  - {name: y, match: {ports: {any_of: [99999]}}, decide: {deny: nope}}\n"
    )
    assert main(["policy", "check", str(bad)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{bad}: rules[0] (x).decide.approvals: Input should be less than or equal to 5",
        f"{bad}: rules[1] (y).match.ports.any_of[0]: '99999' is not a port range within 1-65535",
    ]


def test_check_of_a_missing_file_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "check", str(tmp_path / "nope.yaml")]) == 1
    assert "file: cannot read it" in capsys.readouterr().out


def test_default_prints_the_built_in_rules_as_a_valid_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SGBOT_SENSITIVE_PORTS", "22,3306")
    assert main(["policy", "default"]) == 0
    text = capsys.readouterr().out
    assert "ports: {any_of: [22, 3306]}" in text
    written = tmp_path / "default.yaml"
    written.write_text(text)
    assert main(["policy", "check", str(written)]) == 0


def explain(*args: str) -> list[str]:
    return ["policy", "explain", *args, "--file", str(DEMO_POLICY)]


def test_explain_offline_names_each_rule_passed_over_and_the_decider(
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = "authorize gateway staging-gw to sg-legacyapp01 on 8080 for 4h"
    assert main(explain(text, "--as", "U0REQ", "--offline")) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("offline: matching only what was typed")
    assert lines[2:] == [
        "rule no-ssh-on-prod: does not apply: gateway staging-gw is not listed",
        "rule sensitive-ports: does not apply: ports 8080 do not match",
        "decided by rule staging-self-service: auto_approve (at most 5 a day per requester)",
    ]


def test_explain_ssh_to_prod_is_denied(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(explain("authorize gateway prod-gw to sg-legacyapp01 on 22", "--as", "U0R")) == 0
    out = capsys.readouterr().out
    assert "decided by rule no-ssh-on-prod: deny, telling the requester: SSH to production" in out


def test_explain_resolves_the_target_through_the_cloud(
    tmp_path: Path,
    emulator: EmulatorHandle,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name in ("SGBOT_MSE_ENDPOINT", "SGBOT_ECS_ENDPOINT", "SGBOT_CS_ENDPOINT"):
        monkeypatch.setenv(name, emulator.endpoint)
    monkeypatch.setenv("SGBOT_CLOUD", "emulator")
    monkeypatch.setenv("SGBOT_CLOUD_PROTOCOL", "http")
    monkeypatch.setenv("ALIBABA_CLOUD_REGION_ID", emulator.region_id)
    policy = tmp_path / "groups.yaml"
    policy.write_text(
        "rules:\n  - {name: web-pool, match: {targets: [ack-pool-web]}, decide: {approvals: 3}}\n"
    )
    command = ["policy", "explain", "authorize gateway prod-gw to service orders on 8080"]
    assert main([*command, "--as", "U0R", "--file", str(policy)]) == 0
    resolved = capsys.readouterr().out
    assert resolved.splitlines()[0].startswith("resolved: ")
    assert "decided by rule web-pool: 3 approvals" in resolved

    assert main([*command, "--as", "U0R", "--file", str(policy), "--offline"]) == 0
    offline = capsys.readouterr().out
    assert "rule web-pool: does not apply: target orders is not listed (its groups are not" in (
        offline
    )
    assert "decided by rule (no rule matched): 1 approval" in offline

    unknown = ["policy", "explain", "authorize gateway nope-gw to service orders on 8080"]
    assert main([*unknown, "--as", "U0R", "--file", str(policy)]) == 0
    said = capsys.readouterr().out.splitlines()
    assert said[0].startswith("could not resolve gateway nope-gw: ")
    assert said[0].endswith("; matching what was typed")
    assert said[-1] == "decided by rule (no rule matched): 1 approval"


def test_a_malformed_policy_file_stops_a_worker_at_start_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules: [{name: x, decide: {approvals: 0}}]\n")
    monkeypatch.setenv("SGBOT_POLICY_FILE", str(bad))

    assert main(["worker"]) == 78  # EX_CONFIG, before any connection is made

    said = capsys.readouterr().err
    assert "SGBOT_POLICY_FILE: policy file bad.yaml: rules[0] (x).decide.approvals" in said
