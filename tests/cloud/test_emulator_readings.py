"""The emulator's two readings of what the API reference leaves open, through the real SDK.

Each point has a stricter reading (on by default) and a
friendlier one; ``/_emulator/readings`` switches them, a reset returns to the start-up set.
"""

from __future__ import annotations

import time
import urllib.error
from typing import Any

import pytest
from alibabacloud_mse20190531 import models as mse
from alibabacloud_mse20190531.client import Client as MseClient
from alibabacloud_tea_openapi.utils_models import Config
from darabonba.exceptions import UnretryableException
from darabonba.runtime import RuntimeOptions

from tests.cloud.test_emulator_mse import add_rule, ecs_ingress
from tests.fixtures.emulator import EmulatorHandle

PROD_GW = "gw-5f0c6a1e2b3d4c5e8f9a0b1c2d3e4f50"


@pytest.fixture
def client(emulator: EmulatorHandle) -> MseClient:
    return MseClient(Config(**emulator.sdk_config()))


def records(emulator: EmulatorHandle) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = emulator.state()["mse_rules"][PROD_GW]
    return rules


def delete(client: MseClient, rule_id: int, *, cascade: bool) -> None:
    request = mse.DeleteSecurityGroupRuleRequest(
        gateway_unique_id=PROD_GW, id=rule_id, cascading_delete=cascade
    )
    client.delete_security_group_rule_with_options(request, RuntimeOptions())


def test_default_readings(emulator: EmulatorHandle) -> None:
    readings = emulator.admin("GET", "readings")
    assert readings["lenient"] == []
    assert "cascade-removes-linked-rule" in readings["strict"]


def test_an_unknown_reading_is_refused(emulator: EmulatorHandle) -> None:
    with pytest.raises(urllib.error.HTTPError) as caught:
        emulator.set_readings("kind-to-clients")
    assert caught.value.code == 400
    caught.value.close()


def test_add_data_is_the_id_only_in_the_friendlier_reading(
    client: MseClient, emulator: EmulatorHandle, reading: str
) -> None:
    request = mse.AddSecurityGroupRuleRequest(
        gateway_unique_id=PROD_GW,
        security_group_id="sg-ackpoolb01",
        port_range="8080/8080",
        description="sgbot: orders",
    )
    data = client.add_security_group_rule_with_options(request, RuntimeOptions()).body.data
    (created,) = [r for r in records(emulator) if r["security_group_id"] == "sg-ackpoolb01"]
    if reading == "strict":
        assert data != str(created["id"])  # an id issued earlier, possibly another record's
    else:
        assert data == str(created["id"])


def test_an_add_links_to_an_identical_inbound_rule_instead_of_making_one(
    client: MseClient, emulator: EmulatorHandle, reading: str
) -> None:
    # sg-ackpoola01 already lets prod-gw's group in on 443 (sgr-demo000001, made by hand).
    add_rule(client, "sg-ackpoola01", "443/443")
    assert [p["SecurityGroupRuleId"] for p in ecs_ingress(emulator, "sg-ackpoola01")] == [
        "sgr-demo000001"
    ]
    newest = records(emulator)[-1]
    assert (newest["ecs_rule_ids"], newest["ecs_rule_created"]) == (["sgr-demo000001"], False)

    delete(client, newest["id"], cascade=True)

    left = [p["SecurityGroupRuleId"] for p in ecs_ingress(emulator, "sg-ackpoola01")]
    assert left == ([] if reading == "strict" else ["sgr-demo000001"])


def test_a_cascade_without_a_link_removes_only_its_own_rule(
    client: MseClient, emulator: EmulatorHandle, reading: str
) -> None:
    add_rule(client, "sg-ackpoolb02", "9000/9000")
    newest = records(emulator)[-1]
    delete(client, newest["id"], cascade=True)
    assert ecs_ingress(emulator, "sg-ackpoolb02") == []


def add_that_commits_late(emulator: EmulatorHandle, delay_ms: int, commit_after_ms: int) -> None:
    """An add whose reply the client gives up on after 0.2 s, committed ``commit_after_ms``
    after it arrived."""
    impatient = MseClient(Config(**emulator.sdk_config(read_timeout=200)))
    emulator.set_faults(
        timeout_then_succeed={
            "action": "AddSecurityGroupRule",
            "delay_ms": delay_ms,
            "commit_after_ms": commit_after_ms,
        }
    )
    with pytest.raises(UnretryableException):
        add_rule(impatient, "sg-ackpoolb01", "8080/8080")


def test_a_late_commit_lands_after_the_client_gave_up(emulator: EmulatorHandle) -> None:
    add_that_commits_late(emulator, delay_ms=1500, commit_after_ms=700)
    assert len(records(emulator)) == 1  # not yet
    time.sleep(0.9)
    assert [r["port_range"] for r in records(emulator)] == ["443/443", "8080/8080"]


def test_a_reset_cancels_commits_still_to_come(emulator: EmulatorHandle) -> None:
    add_that_commits_late(emulator, delay_ms=600, commit_after_ms=500)
    emulator.reset()
    time.sleep(0.6)
    assert len(records(emulator)) == 1
