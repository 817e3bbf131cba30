"""Cloud errors as a person reads them: no "None" for a missing code, and English from MSE.

MSE answers in Chinese unless asked for English (the emulator's stricter reading); the adapter
asks on every MSE call. The SDK formats an absent ``Code`` as the string ``"None"``.
"""

from __future__ import annotations

import pytest
from alibabacloud_mse20190531 import models as mse_models

from bot.cloud.aliyun_errors import check_envelope
from bot.cloud.rules import delete_rule
from tests.cloud.adapter_support import PROD_GW, make_cloud
from tests.fixtures.emulator import EmulatorHandle
from vocabulary.commands import PortRange
from vocabulary.errors import CloudUnavailable, InvalidInput, NotFound

DEV_GW = "gw-d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f"


@pytest.mark.parametrize(
    ("status", "error", "expected"),
    [
        (400, InvalidInput, "refused the request (HTTP 400, no error code: Injected by the"),
        (503, CloudUnavailable, "failed on ECS DescribeInstances (HTTP 503, no error code:"),
    ],
)
async def test_a_reply_without_a_code_says_so(
    emulator: EmulatorHandle, status: int, error: type[Exception], expected: str
) -> None:
    emulator.set_faults(
        fail=[{"action": "DescribeInstances", "code": None, "http_status": status, "count": None}]
    )
    with pytest.raises(error) as caught:
        await make_cloud(emulator, attempts=1).find_instances(instance_ids=["i-legacy001"])
    assert expected in str(caught.value)
    assert "None" not in str(caught.value)


def test_a_failure_envelope_without_a_code_says_so() -> None:
    body = mse_models.GetGatewayResponseBody(success=False, code=None, message="no such thing")
    with pytest.raises(CloudUnavailable) as caught:
        check_envelope(body, "mse", "GetGateway")
    assert "HTTP 500, no error code: no such thing" in str(caught.value)
    assert "None" not in str(caught.value)


@pytest.mark.usefixtures("reading")
async def test_mse_errors_come_back_in_english(emulator: EmulatorHandle) -> None:
    cloud = make_cloud(emulator)
    with pytest.raises(NotFound, match=r"Security group rule 999 not found"):
        await delete_rule(cloud, PROD_GW, 999)
    with pytest.raises(InvalidInput, match=r"IllegalRequest: The gateway .* is not running"):
        await cloud.add_rule(DEV_GW, "sg-legacyapp01", PortRange(start=80, end=80), "sgbot")
