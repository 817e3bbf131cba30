"""Reading the request form's values into a command, with inline errors per block."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from handlers.ids import ActionId, BlockId
from handlers.views import command_from_form
from vocabulary.commands import InstanceTarget, PortRange, ServiceTarget

GATEWAY = "gw-" + "a" * 32


def form(
    *,
    gateway: str | None = GATEWAY,
    service: str | None = None,
    target: str | None = None,
    ports: str | None = "8080",
    duration: str | None = None,
) -> dict[str, Any]:
    def selected(value: str | None) -> dict[str, Any]:
        return {"selected_option": {"value": value} if value else None}

    return {
        BlockId.GATEWAY: {ActionId.GATEWAY_SELECT: selected(gateway)},
        BlockId.SERVICE: {ActionId.SERVICE_SELECT: selected(service)},
        BlockId.TARGET: {ActionId.TARGET_INPUT: {"value": target}},
        BlockId.PORTS: {ActionId.PORTS_INPUT: {"value": ports}},
        BlockId.DURATION: {ActionId.DURATION_SELECT: selected(duration)},
        BlockId.REASON: {ActionId.REASON_INPUT: {"value": "load test"}},
    }


def test_a_service_request() -> None:
    command, errors = command_from_form(
        form(service="orders.default", ports="8080-8090", duration="4h"), timedelta(days=30)
    )
    assert errors == {}
    assert command is not None
    assert command.target == ServiceTarget(name="orders", namespace="default")
    assert command.ports == (PortRange(start=8080, end=8090),)
    assert command.duration == timedelta(hours=4)
    assert command.reason == "load test"


def test_an_explicit_target_wins_over_no_service() -> None:
    command, _ = command_from_form(form(target="instance i-bp1xyz"), timedelta(days=30))
    assert command is not None
    assert command.target == InstanceTarget(instance_id="i-bp1xyz")
    assert command.duration is None


@pytest.mark.parametrize(
    ("values", "block"),
    [
        (form(gateway=None, service="orders"), BlockId.GATEWAY),
        (form(service="orders", ports="http"), BlockId.PORTS),
        (form(), BlockId.TARGET),
        (form(target="nonsense words"), BlockId.TARGET),
        (form(service="orders", duration="1w"), BlockId.DURATION),
    ],
)
def test_problems_are_reported_on_their_block(values: dict[str, Any], block: BlockId) -> None:
    command, errors = command_from_form(values, timedelta(days=1))
    assert command is None
    assert block in errors
