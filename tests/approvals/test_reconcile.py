"""Drift between the cloud and the bot's grants, and the reconcile and audit commands."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator

import pytest

from approvals.reconcile import Drift, find_drift
from tests.approvals.test_worker_crash import worker_env
from tests.approvals.workflow import Flow, open_flow, to_group
from tests.cloud.adapter_support import PROD_GW
from tests.fixtures.emulator import EmulatorHandle

pytestmark = pytest.mark.redis


@pytest.fixture
async def flow(redis_url: str, emulator: EmulatorHandle) -> AsyncIterator[Flow]:
    async with open_flow(redis_url, emulator, prefix=f"rec-{uuid.uuid4().hex[:8]}") as opened:
        yield opened


async def make_drift(flow: Flow) -> tuple[str, int, int]:
    """A grant whose rule is deleted by hand, and a rule added by hand; their ids."""
    kept = await flow.grant(to_group("sg-legacyapp02"))
    gone = await flow.grant(to_group("sg-legacyapp01"))
    gone_rule = gone.results[0].rule_id
    assert gone_rule is not None
    assert kept.results[0].rule_id is not None
    await flow.cloud.delete_rule(PROD_GW, gone_rule, cascade=True)
    added = await flow.add_by_hand("sg-legacyapp02", 9090, "added in the console")
    return gone.id, gone_rule, added


async def test_reports_rules_gone_and_rules_added_outside(flow: Flow) -> None:
    gone_request, gone_rule, added_rule = await make_drift(flow)

    drift = await find_drift(flow.store, flow.cloud)

    assert sorted(drift, key=lambda d: d.rule_id) == [
        Drift("unapproved", PROD_GW, "sg-ackpoola01", "443/443", 1),  # from before the bot
        Drift("gone", PROD_GW, "sg-legacyapp01", "8080/8080", gone_rule, (gone_request,)),
        Drift("unapproved", PROD_GW, "sg-legacyapp02", "9090/9090", added_rule),
    ]


async def test_no_drift_when_the_cloud_matches(flow: Flow) -> None:
    await flow.grant(to_group("sg-legacyapp01"))
    await flow.cloud.delete_rule(PROD_GW, 1, cascade=False)  # the rule from before the bot

    assert await find_drift(flow.store, flow.cloud) == []


def run_cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def test_reconcile_command_prints_json_and_exits_1_on_drift(
    flow: Flow, redis_url: str, emulator: EmulatorHandle
) -> None:
    _, gone_rule, added_rule = await make_drift(flow)
    env = worker_env(redis_url, flow.store.keys.prefix, emulator)

    done = run_cli(["reconcile", "--gateway", "prod-gw"], env)

    assert done.returncode == 1, done.stderr
    reported = {(d["kind"], d["rule_id"]) for d in json.loads(done.stdout)["drift"]}
    assert reported == {("unapproved", 1), ("gone", gone_rule), ("unapproved", added_rule)}
    assert "3 rule(s) drifted" in done.stderr


async def test_audit_command_prints_each_state_change_as_json(
    flow: Flow, redis_url: str, emulator: EmulatorHandle
) -> None:
    granted = await flow.grant(to_group("sg-legacyapp01"))
    env = worker_env(redis_url, flow.store.keys.prefix, emulator)

    done = run_cli(["audit", "--gateway", PROD_GW, "--since", "2000-01-01T00:00:00Z"], env)

    assert done.returncode == 0, done.stderr
    entries = [json.loads(line) for line in done.stdout.splitlines()]
    assert [e["to_state"] or e["detail"] for e in entries] == [
        "pending",
        "approve; 1 of 1 approvals",
        "approved",
        "applying",
        f"add rule {granted.results[0].rule_id}",
        "applied",
    ]
    assert {e["request_id"] for e in entries} == {granted.id}
