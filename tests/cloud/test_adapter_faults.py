"""The adapter under injected faults: reads retried, writes sent once, errors one can act on."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from bot.cloud.rules import ensure_rule
from tests.cloud.adapter_support import PROD_GW, RecordingSleep, make_cloud
from tests.fixtures.emulator import EmulatorHandle
from vocabulary.commands import PortRange
from vocabulary.errors import CloudUnavailable, InvalidInput, NotFound, PermissionDenied, Throttled

pytestmark = pytest.mark.fault

REQUEST_ID = re.compile(r"^[0-9A-F-]{36}$")
APP = PortRange(start=8080, end=8080)


def fail(action: str, code: str, http_status: int, count: int | None = 1) -> dict[str, object]:
    return {"action": action, "code": code, "http_status": http_status, "count": count}


async def test_throttled_read_is_retried_with_backoff(emulator: EmulatorHandle) -> None:
    emulator.set_faults(fail=[fail("ListSecurityGroupRule", "Throttling.User", 400, count=2)])
    sleep = RecordingSleep()

    rules = await make_cloud(emulator, sleep=sleep).list_rules(PROD_GW)

    assert [r.rule_id for r in rules] == [1]
    assert emulator.calls() == {"ListSecurityGroupRule": 3}
    # Full jitter under an exponential ceiling: 0.2 s, then 0.4 s.
    assert len(sleep.delays) == 2
    assert 0 <= sleep.delays[0] <= 0.2
    assert 0 <= sleep.delays[1] <= 0.4


async def test_server_retry_after_is_honoured_until_attempts_run_out(
    emulator: EmulatorHandle,
) -> None:
    emulator.set_faults(throttle_fraction=1.0, retry_after_ms=1500)
    sleep = RecordingSleep()

    with pytest.raises(Throttled, match="rate-limiting MSE GetGateway") as caught:
        await make_cloud(emulator, sleep=sleep, attempts=3).get_gateway(PROD_GW)

    assert sleep.delays == [1.5, 1.5]
    assert emulator.calls() == {"GetGateway": 3}
    assert caught.value.request_id is not None
    assert REQUEST_ID.match(caught.value.request_id)


async def test_server_error_surfaces_the_request_id_after_retries(
    emulator: EmulatorHandle,
) -> None:
    emulator.set_faults(fail=[fail("DescribeSecurityGroups", "InternalError", 500, count=None)])
    sleep = RecordingSleep()

    with pytest.raises(CloudUnavailable) as caught:
        await make_cloud(emulator, sleep=sleep).describe_security_groups(["sg-legacyapp01"])

    error = caught.value
    assert error.request_id is not None
    assert REQUEST_ID.match(error.request_id)
    assert error.request_id in str(error)
    assert "ECS DescribeSecurityGroups" in str(error)
    assert emulator.calls() == {"DescribeSecurityGroups": 4}


async def test_cs_server_error_carries_the_request_id_too(emulator: EmulatorHandle) -> None:
    emulator.set_faults(fail=[fail("DescribeClusterDetail", "InternalError", 503, count=None)])
    with pytest.raises(CloudUnavailable) as caught:
        await make_cloud(emulator, attempts=1).get_cluster("c8f2a1b3c4d5e6f708192a3b4c5d6e7f8")
    assert caught.value.request_id is not None
    assert REQUEST_ID.match(caught.value.request_id)


async def test_write_is_sent_once_even_when_transient(emulator: EmulatorHandle) -> None:
    emulator.set_faults(fail=[fail("AddSecurityGroupRule", "ServiceUnavailable", 503)])
    sleep = RecordingSleep()

    with pytest.raises(CloudUnavailable):
        await make_cloud(emulator, sleep=sleep).add_rule(PROD_GW, "sg-ackpoolb01", APP, "x")

    assert emulator.calls() == {"AddSecurityGroupRule": 1}
    assert sleep.delays == []


async def test_denied_write_names_the_ram_action(emulator: EmulatorHandle) -> None:
    emulator.set_faults(fail=[fail("AddSecurityGroupRule", "NoPermission", 403)])

    with pytest.raises(PermissionDenied) as caught:
        await ensure_rule(make_cloud(emulator), PROD_GW, "sg-ackpoolb01", APP, "x")

    assert caught.value.action == "mse:AddSecurityGroupRule"
    assert "may not call mse:AddSecurityGroupRule" in str(caught.value)
    assert caught.value.request_id
    # Permission problems are not transient: no second add, no re-listing.
    assert emulator.calls() == {"ListSecurityGroupRule": 1, "AddSecurityGroupRule": 1}


async def test_denied_read_is_not_retried(emulator: EmulatorHandle) -> None:
    emulator.set_faults(fail=[fail("DescribeInstances", "Forbidden.RAM", 403)])
    with pytest.raises(PermissionDenied, match=r"ecs:DescribeInstances"):
        await make_cloud(emulator).find_instances(instance_ids=["i-legacy001"])
    assert emulator.calls() == {"DescribeInstances": 1}


async def test_wrong_secret_is_rejected(emulator: EmulatorHandle) -> None:
    cloud = make_cloud(emulator, access_key_secret="not-the-secret")
    with pytest.raises(PermissionDenied, match="rejected the bot's credentials") as caught:
        await cloud.get_gateway(PROD_GW)
    assert caught.value.code == "SignatureDoesNotMatch"
    assert emulator.calls() == {}


async def test_unknown_access_key_is_a_credential_problem_not_a_missing_resource(
    emulator: EmulatorHandle,
) -> None:
    cloud = make_cloud(emulator, access_key_id="LTAIunknownKey")
    with pytest.raises(PermissionDenied) as caught:
        await cloud.list_rules(PROD_GW)
    assert not isinstance(caught.value, NotFound)
    assert caught.value.code == "InvalidAccessKeyId.NotFound"


async def test_bad_input_is_invalid_input(emulator: EmulatorHandle) -> None:
    # The emulator, like MSE, refuses a group outside the gateway's VPC.
    with pytest.raises(InvalidInput, match="InvalidParameter"):
        await make_cloud(emulator).add_rule(PROD_GW, "sg-othervpc01", APP, "x")


async def test_unreachable_endpoint_is_cloud_unavailable(emulator: EmulatorHandle) -> None:
    emulator.set_faults(timeout_then_succeed={"action": "GetGateway", "count": 4, "delay_ms": 2000})
    sleep = RecordingSleep()
    with pytest.raises(CloudUnavailable, match="did not answer GetGateway"):
        await make_cloud(emulator, sleep=sleep, attempts=2, read_timeout_ms=300).get_gateway(
            PROD_GW
        )
    assert emulator.calls() == {"GetGateway": 2}
    assert len(sleep.delays) == 1


def test_default_credential_chain_reads_the_environment(emulator: EmulatorHandle) -> None:
    """No credential passed: the SDK's default chain finds keys set before it is imported."""
    script = (
        "import asyncio, sys\n"
        "from bot.settings import load_settings\n"
        "from bot.cloud.factory import build_cloud\n"
        f"ep = {emulator.endpoint!r}\n"
        "s = load_settings(SGBOT_MSE_ENDPOINT=ep, SGBOT_ECS_ENDPOINT=ep, SGBOT_CS_ENDPOINT=ep,"
        " SGBOT_CLOUD_PROTOCOL='http')\n"
        f"print(asyncio.run(build_cloud(s).get_gateway({PROD_GW!r})).name)\n"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "ALIBABA_CLOUD_ACCESS_KEY_ID": emulator.access_key_id,
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": emulator.access_key_secret,
        "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true",
        "ALIBABA_CLOUD_CLI_PROFILE_DISABLED": "true",
    }
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "prod-gw"


def test_importing_the_cloud_layer_does_not_import_the_sdk() -> None:
    script = (
        "import sys\n"
        "import bot.cloud.factory, bot.cloud.resolve, bot.cloud.preflight, bot.cloud.rules\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(('alibabacloud', 'darabonba')))\n"
        "print(','.join(loaded))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == ""


async def test_calls_reuse_one_connection_instead_of_opening_one_each(
    emulator: EmulatorHandle,
) -> None:
    cloud = make_cloud(emulator)
    emulator.reset_calls()

    for _ in range(10):
        await cloud.find_gateways_by_name("prod-gw")
    await cloud.describe_security_groups(["sg-ackpoola01"])

    assert emulator.calls()["ListGateway"] == 10
    # Sequential calls to one endpoint ride one kept-alive connection (and, over HTTPS, one
    # TLS session), whichever product they are for.
    assert emulator.connections() == 1
