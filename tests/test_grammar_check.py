"""The grammar of ``check`` and of a list of security groups as a target."""

from __future__ import annotations

import pytest

from bot.grammar import parse_command, render_command
from vocabulary.commands import (
    Authorize,
    Check,
    PortRange,
    SecurityGroupsTarget,
    SecurityGroupTarget,
    ServiceTarget,
)
from vocabulary.errors import UsageError

P8080 = PortRange(start=8080, end=8080)


@pytest.mark.parametrize(
    "text",
    [
        "authorize gateway prod-gw to sg-a, sg-b on 8080",
        "authorize gateway prod-gw to sg-a,sg-b on 8080",
        "authorize gateway prod-gw to sg-a , sg-b on 8080",
        "authorize gateway prod-gw to sg-a and sg-b on 8080",
        "authorize gateway prod-gw to security group sg-a, sg-b on 8080",
    ],
)
def test_a_list_of_groups_is_one_target(text: str) -> None:
    command = parse_command(text)
    assert isinstance(command, Authorize)
    assert command.target == SecurityGroupsTarget(security_group_ids=("sg-a", "sg-b"))
    assert command.ports == (P8080,)
    assert parse_command(render_command(command)) == command


def test_one_group_stays_one_group_and_repeats_collapse() -> None:
    command = parse_command("authorize gateway prod-gw to sg-a, sg-a on 8080")
    assert isinstance(command, Authorize)
    assert command.target == SecurityGroupTarget(security_group_id="sg-a")


def test_check_reads_with_and_without_ports() -> None:
    command = parse_command("check gateway prod-gw to service orders in shop")
    assert command == Check(
        gateway="prod-gw",
        target=ServiceTarget(name="orders", namespace="shop"),
    )
    assert parse_command(render_command(command)) == command
    with_ports = parse_command("check gateway prod-gw to sg-a, sg-b on 80, 443")
    assert isinstance(with_ports, Check)
    assert len(with_ports.ports) == 2
    assert parse_command(render_command(with_ports)) == with_ports


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("check gateway prod-gw to sg-a", "on PORTS"),
        ("check gateway prod-gw", "needs the target"),
        ("check to service orders", "needs the gateway"),
        ("check gateway prod-gw to service orders for 2h", "check gateway GATEWAY"),
    ],
)
def test_check_usage_errors_say_what_to_type(text: str, says: str) -> None:
    with pytest.raises(UsageError, match=says):
        parse_command(text)
