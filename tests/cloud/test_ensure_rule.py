"""``ensure_rule`` when writes race, commit late or must be stopped, through the real SDK.

The duplicate a worker that lost its lease leaves behind is removed without cascade (it shares
the kept record's ECS rule); the guard runs before every write; a timed-out add is re-listed
over seconds, so a late commit is found instead of being added twice. The late-commit tests run
against both readings of a timed-out write: committed before the reply is held, or committed
after the client gave up.
"""

from __future__ import annotations

import asyncio
import random
from typing import Any

import pytest

from bot.cloud.retry import RetryPolicy
from bot.cloud.rules import delete_rule, ensure_rule
from tests.cloud.adapter_support import PROD_GW, RecordingSleep, make_cloud, retry_policy
from tests.fixtures.emulator import EmulatorHandle
from vocabulary.commands import PortRange
from vocabulary.errors import NotFound

APP = PortRange(start=8080, end=8081)
GROUP = "sg-ackpoolb02"


class ScaledSleep(RecordingSleep):
    """Records each requested delay and really waits ``factor`` of it, so a late commit can
    land during the patient re-lists without the test waiting the full 15 s."""

    def __init__(self, factor: float) -> None:
        super().__init__()
        self.factor = factor

    async def __call__(self, seconds: float) -> None:
        await super().__call__(seconds)
        await asyncio.sleep(seconds * self.factor)


def records(emulator: EmulatorHandle, group_id: str = GROUP) -> list[dict[str, Any]]:
    return [r for r in emulator.state()["mse_rules"][PROD_GW] if r["security_group_id"] == group_id]


def backend_rules(emulator: EmulatorHandle, group_id: str = GROUP) -> list[str]:
    permissions = emulator.state()["security_groups"][group_id]
    return [p["security_group_rule_id"] for p in permissions]


async def test_a_younger_duplicate_is_deleted_without_cascade(
    emulator: EmulatorHandle, reading: str
) -> None:
    cloud = make_cloud(emulator)
    raced: list[int] = []

    async def another_worker_adds_first() -> None:
        # Stands in for a worker whose lease lapsed: it adds the same rule just before us.
        if not raced:
            other = await cloud.add_rule(PROD_GW, GROUP, APP, "sgbot REQ-7F3K2")
            raced.append(1 if other.request_id else 0)

    result = await ensure_rule(
        cloud, PROD_GW, GROUP, APP, "sgbot REQ-ABCDE", before_write=another_worker_adds_first
    )

    (kept,) = records(emulator)
    assert kept["description"] == "sgbot REQ-7F3K2"  # the older record wins
    assert result.rule_id == kept["id"]
    assert result.created is False  # the kept record is the other request's
    [(duplicate, delete_request)] = result.duplicates_deleted
    assert duplicate == kept["id"] + 1
    assert delete_request  # the audit names the cloud request that deleted it
    assert len(backend_rules(emulator)) == 1  # the shared ECS rule survived
    assert emulator.calls()["DeleteSecurityGroupRule"] == 1


async def test_the_guard_runs_before_every_write_and_can_stop_it(
    emulator: EmulatorHandle,
) -> None:
    cloud = make_cloud(emulator)

    class LeaseLost(Exception):
        pass

    async def lease_lost() -> None:
        raise LeaseLost

    with pytest.raises(LeaseLost):
        await ensure_rule(cloud, PROD_GW, GROUP, APP, "sgbot REQ-ABCDE", before_write=lease_lost)
    assert "AddSecurityGroupRule" not in emulator.calls()
    with pytest.raises(LeaseLost):
        await delete_rule(cloud, PROD_GW, 1, before_write=lease_lost)
    assert "DeleteSecurityGroupRule" not in emulator.calls()

    checks: list[str] = []

    async def lease_held() -> None:
        checks.append("checked")

    added = await ensure_rule(
        cloud, PROD_GW, GROUP, APP, "sgbot REQ-ABCDE", before_write=lease_held
    )
    await delete_rule(cloud, PROD_GW, added.rule_id, before_write=lease_held)
    assert checks == ["checked", "checked"]
    assert records(emulator) == []


@pytest.mark.parametrize("commit_after_ms", [None, 1200], ids=["commit-first", "late-commit"])
async def test_a_timed_out_add_is_found_by_patient_re_lists(
    emulator: EmulatorHandle, commit_after_ms: int | None
) -> None:
    # The add's reply is held past the 0.5 s read timeout; in the stricter reading the rule
    # itself only appears 1.2 s after the call, when a re-list after 0.2 s would still miss it.
    emulator.set_faults(
        timeout_then_succeed={
            "action": "AddSecurityGroupRule",
            "delay_ms": 2500,
            "commit_after_ms": commit_after_ms,
        }
    )
    sleep = ScaledSleep(factor=0.4)
    cloud = make_cloud(emulator, read_timeout_ms=500)
    retry = RetryPolicy(sleep=sleep, rng=random.Random(7))

    result = await ensure_rule(cloud, PROD_GW, GROUP, APP, "sgbot REQ-ABCDE", retry=retry)

    assert [r["id"] for r in records(emulator)] == [result.rule_id]
    assert (result.created, result.request_id) == (True, None)
    assert emulator.calls()["AddSecurityGroupRule"] == 1
    # Found at the first re-list when the change was made at once, at the second when late.
    assert sleep.delays == ([1.0] if commit_after_ms is None else [1.0, 2.0])


async def test_a_commit_later_than_the_patience_is_cleaned_up_by_the_next_attempt(
    emulator: EmulatorHandle,
) -> None:
    # The first add commits after every re-list has missed it; the bot adds again. When the
    # late record shows up, the next ensure keeps the older record and deletes the younger.
    emulator.set_faults(
        timeout_then_succeed={
            "action": "AddSecurityGroupRule",
            "delay_ms": 600,
            "commit_after_ms": 900,
        }
    )
    cloud = make_cloud(emulator, read_timeout_ms=400)
    retry = retry_policy(RecordingSleep())  # the re-lists happen at once: all miss

    first = await ensure_rule(cloud, PROD_GW, GROUP, APP, "sgbot REQ-ABCDE", retry=retry)
    await asyncio.sleep(0.8)
    late = [r["id"] for r in records(emulator) if r["id"] != first.rule_id]
    assert len(late) == 1  # the late commit landed after all, as a younger record
    again = await ensure_rule(cloud, PROD_GW, GROUP, APP, "sgbot REQ-ABCDE", retry=retry)

    assert (again.rule_id, again.created) == (first.rule_id, False)
    assert [duplicate for duplicate, _ in again.duplicates_deleted] == late
    assert [r["id"] for r in records(emulator)] == [first.rule_id]
    assert len(backend_rules(emulator)) == 1
    assert emulator.calls()["AddSecurityGroupRule"] == 2


@pytest.mark.parametrize("commit_after_ms", [None, 900], ids=["commit-first", "late-commit"])
async def test_a_timed_out_delete_that_landed_is_not_found(
    emulator: EmulatorHandle, commit_after_ms: int | None
) -> None:
    emulator.set_faults(
        timeout_then_succeed={
            "action": "DeleteSecurityGroupRule",
            "delay_ms": 2000,
            "commit_after_ms": commit_after_ms,
        }
    )
    cloud = make_cloud(emulator, read_timeout_ms=500)
    retry = RetryPolicy(sleep=ScaledSleep(factor=0.4), rng=random.Random(7))

    with pytest.raises(NotFound, match=r"rule 1 .* is gone"):
        await delete_rule(cloud, PROD_GW, 1, retry=retry)
    assert records(emulator, "sg-ackpoola01") == []
    assert emulator.calls()["DeleteSecurityGroupRule"] == 1
