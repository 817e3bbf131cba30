"""Gateway rules through the real SDK: list, add exactly once, delete with and without cascade.

Tests that take ``reading`` run twice: against the stricter and the friendlier reading of what
the API reference leaves open (``Data`` is or is not the new id; a cascading delete does or does
not remove a pre-existing identical ECS rule the record was linked to).
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.cloud.rules import delete_matching, delete_rule, ensure_rule, list_rules
from tests.cloud.adapter_support import PROD_GW, RecordingSleep, make_cloud, retry_policy
from tests.fixtures.emulator import EmulatorHandle
from vocabulary.commands import PortRange
from vocabulary.errors import NotFound

HTTPS = PortRange(start=443, end=443)
APP = PortRange(start=8080, end=8081)


def gateway_permissions(emulator: EmulatorHandle, group_id: str) -> list[dict[str, Any]]:
    """The backend group's inbound rules whose source is prod-gw's managed group."""
    permissions: list[dict[str, Any]] = emulator.state()["security_groups"][group_id]
    return [p for p in permissions if p["source_group_id"] == "sg-gwprod0001"]


def mse_rules(emulator: EmulatorHandle) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = emulator.state()["mse_rules"][PROD_GW]
    return rules


async def test_list_rules_joins_group_names_and_uses_int_ids(emulator: EmulatorHandle) -> None:
    (rule,) = await list_rules(make_cloud(emulator), PROD_GW)
    assert rule.rule_id == 1
    assert (rule.security_group_id, rule.security_group_name) == ("sg-ackpoola01", "ack-pool-web")
    assert rule.ports == HTTPS
    assert emulator.calls() == {"ListSecurityGroupRule": 1, "DescribeSecurityGroups": 1}


async def test_ensure_rule_adds_once_and_then_finds_it(
    emulator: EmulatorHandle, reading: str, caplog: pytest.LogCaptureFixture
) -> None:
    cloud = make_cloud(emulator)
    first = await ensure_rule(cloud, PROD_GW, "sg-ackpoolb01", APP, "sgbot REQ-ABCDE")
    again = await ensure_rule(cloud, PROD_GW, "sg-ackpoolb01", APP, "sgbot REQ-ABCDE")

    assert first.created
    assert first.request_id
    assert first.duplicates_deleted == ()
    assert (again.rule_id, again.created, again.request_id) == (first.rule_id, False, None)
    matching = [r for r in mse_rules(emulator) if r["security_group_id"] == "sg-ackpoolb01"]
    # The id comes from the listing, whatever Data said.
    assert [r["id"] for r in matching] == [first.rule_id]
    assert [p["port_range"] for p in gateway_permissions(emulator, "sg-ackpoolb01")] == [
        "8080/8081"
    ]
    # List, add, list to read the id; then one list finds it.
    assert emulator.calls() == {"ListSecurityGroupRule": 3, "AddSecurityGroupRule": 1}
    disagreements = [r.getMessage() for r in caplog.records if "answered Data=" in r.message]
    if reading == "strict":  # Data names the id issued before: both values are logged
        assert disagreements == [
            f"AddSecurityGroupRule answered Data='{first.rule_id - 1}' but the listing shows "
            f"rule {first.rule_id} for sg-ackpoolb01 8080/8081 on {PROD_GW}; using the listed id"
        ]
    else:
        assert disagreements == []


async def test_existing_rule_is_not_added_again(emulator: EmulatorHandle) -> None:
    result = await ensure_rule(make_cloud(emulator), PROD_GW, "sg-ackpoola01", HTTPS, "again")
    assert (result.rule_id, result.created) == (1, False)
    assert "AddSecurityGroupRule" not in emulator.calls()


@pytest.mark.parametrize("keep_backend_rule", [False, True])
async def test_delete_cascades_unless_asked_to_keep(
    emulator: EmulatorHandle, reading: str, keep_backend_rule: bool
) -> None:
    # Rule 1 is linked to sgr-demo000001, an inbound rule that was there before it.
    assert len(gateway_permissions(emulator, "sg-ackpoola01")) == 1
    request_id = await delete_rule(
        make_cloud(emulator), PROD_GW, 1, keep_backend_rule=keep_backend_rule
    )
    assert request_id
    assert mse_rules(emulator) == []
    removed = not keep_backend_rule and reading == "strict"
    left_behind = [] if removed else ["443/443"]
    assert [p["port_range"] for p in gateway_permissions(emulator, "sg-ackpoola01")] == left_behind


async def test_cascade_removes_a_rule_the_add_created(
    emulator: EmulatorHandle, reading: str
) -> None:
    cloud = make_cloud(emulator)
    added = await ensure_rule(cloud, PROD_GW, "sg-legacyapp01", APP, "sgbot REQ-ABCDE")
    await delete_rule(cloud, PROD_GW, added.rule_id)
    assert gateway_permissions(emulator, "sg-legacyapp01") == []


async def test_delete_matching_finds_the_rule_by_group_and_range(emulator: EmulatorHandle) -> None:
    cloud = make_cloud(emulator)
    added = await ensure_rule(cloud, PROD_GW, "sg-legacyapp02", APP, "sgbot")
    rule_id, request_id = await delete_matching(cloud, PROD_GW, "sg-legacyapp02", APP)
    assert rule_id == added.rule_id
    assert request_id
    assert [r["id"] for r in mse_rules(emulator)] == [1]
    assert gateway_permissions(emulator, "sg-legacyapp02") == []


async def test_delete_matching_without_a_rule_is_not_found(emulator: EmulatorHandle) -> None:
    with pytest.raises(NotFound, match="no rule for sg-ackpoola01 ports 8080-8081"):
        await delete_matching(make_cloud(emulator), PROD_GW, "sg-ackpoola01", APP)


async def test_delete_of_unknown_rule_id_is_not_found(emulator: EmulatorHandle) -> None:
    with pytest.raises(NotFound) as caught:
        await delete_rule(make_cloud(emulator), PROD_GW, 999)
    assert caught.value.request_id


async def test_timed_out_add_that_landed_is_not_repeated(emulator: EmulatorHandle) -> None:
    # The emulator makes the change, then holds the reply past the adapter's read timeout.
    emulator.set_faults(
        timeout_then_succeed={"action": "AddSecurityGroupRule", "count": 1, "delay_ms": 2000}
    )
    sleep = RecordingSleep()
    cloud = make_cloud(emulator, sleep=sleep, read_timeout_ms=500)

    result = await ensure_rule(
        cloud, PROD_GW, "sg-ackpoolb02", APP, "sgbot", retry=retry_policy(sleep)
    )

    assert result.created
    assert result.request_id is None  # the add's reply never arrived
    matching = [r for r in mse_rules(emulator) if r["security_group_id"] == "sg-ackpoolb02"]
    assert [r["id"] for r in matching] == [result.rule_id]
    assert emulator.calls() == {"ListSecurityGroupRule": 2, "AddSecurityGroupRule": 1}
    assert sleep.delays == [1.0]  # the first patient re-list found it


async def test_failed_add_is_retried_after_checking_it_did_not_land(
    emulator: EmulatorHandle,
) -> None:
    emulator.set_faults(
        fail=[{"action": "AddSecurityGroupRule", "code": "InternalError", "http_status": 500}]
    )
    sleep = RecordingSleep()
    cloud = make_cloud(emulator, sleep=sleep)

    result = await ensure_rule(
        cloud, PROD_GW, "sg-ackpoolb02", APP, "sgbot", retry=retry_policy(sleep)
    )

    assert result.created
    assert result.request_id
    assert len([r for r in mse_rules(emulator) if r["security_group_id"] == "sg-ackpoolb02"]) == 1
    # A 500 may have committed: four patient re-lists (1, 2, 4, 8 s) before the second add.
    assert sleep.delays[:4] == [1.0, 2.0, 4.0, 8.0]
    assert emulator.calls() == {"ListSecurityGroupRule": 6, "AddSecurityGroupRule": 2}
