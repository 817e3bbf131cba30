"""Authentication, injected faults and the admin API, seen through the real SDK."""

from __future__ import annotations

import urllib.error

import pytest
from alibabacloud_mse20190531 import models as mse
from alibabacloud_mse20190531.client import Client as MseClient
from alibabacloud_tea_openapi.exceptions import (
    ClientException,
    ServerException,
    ThrottlingException,
)
from alibabacloud_tea_openapi.utils_models import Config
from darabonba.exceptions import UnretryableException
from darabonba.runtime import RuntimeOptions

from tests.fixtures.emulator import EmulatorHandle

PROD_GW = "gw-5f0c6a1e2b3d4c5e8f9a0b1c2d3e4f50"
ADD = "AddSecurityGroupRule"


def list_rules(client: MseClient) -> list[str]:
    body = client.list_security_group_rule_with_options(
        mse.ListSecurityGroupRuleRequest(gateway_unique_id=PROD_GW), RuntimeOptions()
    ).body
    return [rule.id for rule in body.data]


def add_rule(client: MseClient, port_range: str = "8080/8080") -> str:
    request = mse.AddSecurityGroupRuleRequest(
        gateway_unique_id=PROD_GW, security_group_id="sg-ackpoolb01", port_range=port_range
    )
    return str(client.add_security_group_rule_with_options(request, RuntimeOptions()).body.data)


@pytest.fixture
def client(emulator: EmulatorHandle) -> MseClient:
    return MseClient(Config(**emulator.sdk_config()))


def test_wrong_secret_is_signature_mismatch(emulator: EmulatorHandle) -> None:
    client = MseClient(Config(**emulator.sdk_config(access_key_secret="not-the-secret")))
    with pytest.raises(ClientException) as caught:
        list_rules(client)
    assert (caught.value.code, caught.value.status_code) == ("SignatureDoesNotMatch", 400)
    assert caught.value.request_id not in ("", "None")
    assert emulator.calls() == {}


def test_unknown_access_key_is_not_found(emulator: EmulatorHandle) -> None:
    client = MseClient(Config(**emulator.sdk_config(access_key_id="LTAIsomeoneElse")))
    with pytest.raises(ClientException) as caught:
        list_rules(client)
    assert (caught.value.code, caught.value.status_code) == ("InvalidAccessKeyId.NotFound", 404)


def test_sts_token_is_accepted_with_the_right_secret(emulator: EmulatorHandle) -> None:
    client = MseClient(Config(**emulator.sdk_config(security_token="sts-token-value")))
    assert list_rules(client) == ["1"]


def test_throttling_carries_retry_after(client: MseClient, emulator: EmulatorHandle) -> None:
    emulator.set_faults(throttle_fraction=1.0, retry_after_ms=250)
    with pytest.raises(ThrottlingException) as caught:
        list_rules(client)
    assert caught.value.code == "Throttling.User"
    assert caught.value.retry_after == 250


def test_seeded_throttling_repeats_exactly(client: MseClient, emulator: EmulatorHandle) -> None:
    def outcomes() -> list[bool]:
        emulator.set_faults(throttle_fraction=0.5, seed=7)
        results = []
        for _ in range(16):
            try:
                list_rules(client)
                results.append(True)
            except ThrottlingException:
                results.append(False)
        return results

    first = outcomes()
    assert first == outcomes()
    assert True in first
    assert False in first


def test_no_permission_names_the_ram_action(client: MseClient, emulator: EmulatorHandle) -> None:
    emulator.set_faults(fail=[{"action": ADD, "code": "NoPermission", "http_status": 403}])
    with pytest.raises(ClientException) as caught:
        add_rule(client)
    assert (caught.value.code, caught.value.status_code) == ("NoPermission", 403)
    assert caught.value.access_denied_detail["AuthAction"] == "mse:AddSecurityGroupRule"
    assert list_rules(client) == ["1"]
    add_rule(client)  # count defaults to 1: the next call goes through
    assert len(list_rules(client)) == 2


def test_internal_error_is_a_server_exception(client: MseClient, emulator: EmulatorHandle) -> None:
    failure = {"action": "ListSecurityGroupRule", "code": "InternalError", "http_status": 500}
    emulator.set_faults(fail=[failure | {"count": None}])
    for _ in range(2):
        with pytest.raises(ServerException) as caught:
            list_rules(client)
        assert caught.value.code == "InternalError"
        assert caught.value.request_id not in ("", "None")
    emulator.clear_faults()
    assert list_rules(client) == ["1"]


def test_latency_makes_a_short_read_timeout_expire(emulator: EmulatorHandle) -> None:
    impatient = MseClient(Config(**emulator.sdk_config(read_timeout=200)))
    emulator.set_faults(latency_ms=3000)
    with pytest.raises(UnretryableException):
        list_rules(impatient)


def test_add_that_times_out_still_happens(emulator: EmulatorHandle) -> None:
    impatient = MseClient(Config(**emulator.sdk_config(read_timeout=200)))
    emulator.set_faults(timeout_then_succeed={"action": ADD, "count": 1, "delay_ms": 3000})
    with pytest.raises(UnretryableException):
        add_rule(impatient)
    rules = emulator.state()["mse_rules"][PROD_GW]
    assert [rule["port_range"] for rule in rules] == ["443/443", "8080/8080"]
    assert add_rule(impatient, "9090/9090")  # the delay was for one call only


def test_calls_are_counted_per_action(client: MseClient, emulator: EmulatorHandle) -> None:
    list_rules(client)
    list_rules(client)
    add_rule(client)
    assert emulator.calls() == {"ListSecurityGroupRule": 2, ADD: 1}
    emulator.reset_calls()
    assert emulator.calls() == {}


def test_reset_restores_the_loaded_estate(client: MseClient, emulator: EmulatorHandle) -> None:
    before = emulator.state()
    add_rule(client)
    changed = emulator.state()
    assert changed != before
    assert len(changed["security_groups"]["sg-ackpoolb01"]) == 1
    emulator.reset()
    assert emulator.state() == before


def test_a_bad_fault_plan_is_refused(emulator: EmulatorHandle) -> None:
    with pytest.raises(urllib.error.HTTPError) as caught:
        emulator.set_faults(throttle_fraction=2)
    assert caught.value.code == 400
    caught.value.close()
