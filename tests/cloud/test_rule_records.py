"""What the adapter reads from rule listings: creation times, ``-1/-1`` and non-TCP records kept
apart from TCP ranges, and a backend group's inbound rules over every page.

These run on a private emulator whose estate adds what the demo estate has not: MSE records for
ICMP, all protocols and UDP, and a backend group with more inbound rules than one page holds.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from bot.cloud.rules import list_rules
from tests.cloud.adapter_support import PROD_GW, make_cloud
from tests.fixtures.emulator import EmulatorHandle, running_emulator
from vocabulary.commands import PortRange

BUSY_GROUP = "sg-ackpoolb01"
BUSY_RULES = 1005  # more than DescribeSecurityGroupAttribute's largest page


def odd_estate() -> dict[str, Any]:
    estate: dict[str, Any] = json.loads(
        resources.files("standins.cloud").joinpath("demo_estate.json").read_text()
    )
    estate["mse_rules"] += [
        {"id": 7, "gateway_unique_id": PROD_GW, "security_group_id": "sg-legacyapp01",
         "port_range": "-1/-1", "ip_protocol": "icmp", "description": "ping from the gateway",
         "gmt_create": "2023-05-06T07:08:09.000+0000"},
        {"id": 8, "gateway_unique_id": PROD_GW, "security_group_id": "sg-legacyapp01",
         "port_range": "-1/-1", "ip_protocol": "all"},
        {"id": 9, "gateway_unique_id": PROD_GW, "security_group_id": "sg-legacyapp01",
         "port_range": "53/53", "ip_protocol": "udp"},
    ]  # fmt: skip
    busy = next(g for g in estate["security_groups"] if g["security_group_id"] == BUSY_GROUP)
    busy["permissions"] = [
        {"security_group_rule_id": f"sgr-busy{n:05d}", "port_range": f"{n + 1}/{n + 1}",
         "source_cidr_ip": "192.168.0.0/16", "ip_protocol": "tcp" if n % 2 else "TCP",
         "priority": str(1 + n % 100), "create_time": f"2024-02-{1 + n % 28:02d}T00:00:00Z"}
        for n in range(BUSY_RULES)
    ]  # fmt: skip
    return estate


@pytest.fixture(scope="module")
def odd_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorHandle]:
    path: Path = tmp_path_factory.mktemp("estate") / "odd.json"
    path.write_text(json.dumps(odd_estate()))
    with running_emulator("--estate", str(path)) as handle:
        yield handle


async def test_non_tcp_and_all_port_records_are_not_tcp_ranges(
    odd_emulator: EmulatorHandle,
) -> None:
    cloud = make_cloud(odd_emulator)
    listing = await cloud.list_all_rules(PROD_GW)

    assert [(r.rule_id, r.ports) for r in listing.tcp] == [(1, PortRange(start=443, end=443))]
    assert [(r.rule_id, r.label) for r in listing.other] == [
        (7, "ICMP -1/-1 (every port of every protocol)"),
        (8, "ALL -1/-1 (every port of every protocol)"),
        (9, "UDP 53/53"),
    ]
    assert listing.other[0].gmt_create == datetime(2023, 5, 6, 7, 8, 9, tzinfo=UTC)
    # The gateway's TCP rules, as every rule-keyed caller sees them, list without failing.
    assert [r.rule_id for r in await list_rules(cloud, PROD_GW)] == [1]
    assert [r.rule_id for r in await cloud.list_rules(PROD_GW)] == [1]


async def test_gmt_create_is_an_aware_utc_time(emulator: EmulatorHandle) -> None:
    (rule,) = await make_cloud(emulator).list_rules(PROD_GW)
    assert rule.gmt_create == datetime(2024, 1, 1, tzinfo=UTC)


async def test_inbound_rules_come_from_every_page(odd_emulator: EmulatorHandle) -> None:
    odd_emulator.reset_calls()
    rules = await make_cloud(odd_emulator).describe_ingress_rules(BUSY_GROUP)

    assert len(rules) == BUSY_RULES
    assert odd_emulator.calls() == {"DescribeSecurityGroupAttribute": 2}
    assert {r.ip_protocol for r in rules} == {"TCP"}  # upper-cased whatever ECS sent
    first = rules[0]
    assert (first.rule_id, first.port_range, first.policy) == ("sgr-busy00000", "1/1", "Accept")
    assert (first.source_group_id, first.source_cidr_ip) == (None, "192.168.0.0/16")
    assert (first.priority, first.created_at) == (1, datetime(2024, 2, 1, tzinfo=UTC))
    assert rules[-1].priority == 1 + (BUSY_RULES - 1) % 100


async def test_the_gateway_rule_on_a_backend_group_is_listed_with_its_creation_time(
    emulator: EmulatorHandle,
) -> None:
    (rule,) = await make_cloud(emulator).describe_ingress_rules("sg-ackpoola01")
    assert (rule.rule_id, rule.source_group_id, rule.port_range) == (
        "sgr-demo000001",
        "sg-gwprod0001",
        "443/443",
    )
    assert rule.created_at == datetime(2024, 1, 1, tzinfo=UTC)
    assert emulator.calls() == {"DescribeSecurityGroupAttribute": 1}
