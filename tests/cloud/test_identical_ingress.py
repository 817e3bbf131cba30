"""Which inbound rule ECS would treat as identical to the one MSE is about to create."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.cloud.port import IngressRule
from bot.cloud.rules import find_identical_ingress, is_sgbot_description
from vocabulary.commands import PortRange

GATEWAY_GROUP = "sg-gw"
HTTP = PortRange(start=8080, end=8080)
MATCH = IngressRule(
    rule_id="sgr-match",
    policy="Accept",
    ip_protocol="TCP",
    port_range="8080/8080",
    source_group_id=GATEWAY_GROUP,
    source_cidr_ip=None,
    priority=1,
    created_at=datetime(2024, 1, 1, tzinfo=UTC),
    description="made by hand",
)


@pytest.mark.parametrize(
    ("change", "identical"),
    [
        pytest.param({}, True, id="same"),
        pytest.param({"ip_protocol": "tcp"}, True, id="protocol-in-any-case"),
        pytest.param({"policy": "Drop"}, False, id="drop"),
        pytest.param({"ip_protocol": "UDP"}, False, id="udp"),
        pytest.param({"ip_protocol": "ALL", "port_range": "-1/-1"}, False, id="all-protocols"),
        pytest.param({"port_range": "8080/8081"}, False, id="wider-range"),
        pytest.param({"port_range": "1/65535"}, False, id="every-port"),
        pytest.param({"source_group_id": "sg-other"}, False, id="other-source-group"),
        pytest.param(
            {"source_group_id": None, "source_cidr_ip": "10.0.0.0/24"}, False, id="cidr-source"
        ),
        pytest.param({"description": "sgbot REQ-7F3K2"}, True, id="description-is-ignored"),
    ],
)
def test_only_an_exact_inbound_accept_from_the_gateway_group_is_identical(
    change: dict[str, object], identical: bool
) -> None:
    rule = replace(MATCH, **change)  # type: ignore[arg-type]
    expected = rule if identical else None
    assert find_identical_ingress([rule], GATEWAY_GROUP, HTTP) == expected


def test_an_enterprise_group_matches_on_the_authorized_cidrs() -> None:
    by_cidr = replace(MATCH, source_group_id=None, source_cidr_ip="10.0.0.0/24")
    assert find_identical_ingress([by_cidr], None, HTTP, source_cidrs=["10.0.0.0/24"]) == by_cidr
    assert find_identical_ingress([by_cidr], None, HTTP, source_cidrs=["10.0.2.0/24"]) is None
    # A blank AuthCidrs entry (MSE's own example) matches nothing.
    blank = replace(by_cidr, source_cidr_ip=None)
    assert find_identical_ingress([blank], None, HTTP, source_cidrs=[""]) is None


def test_the_oldest_identical_rule_is_the_one_reported() -> None:
    newer = replace(MATCH, rule_id="sgr-newer", created_at=datetime(2025, 1, 1, tzinfo=UTC))
    assert find_identical_ingress([newer, MATCH], GATEWAY_GROUP, HTTP) == MATCH


@pytest.mark.parametrize(
    ("description", "ours"),
    [
        ("sgbot REQ-7F3K2", True),
        ("sgbot REQ-7F3K2 until 2026-12-04T02:42Z", True),
        ("sgbot REQ-7F3K2 until 2026-12-04T02:42Z and a note", True),
        ("sgbot REQ-7F3KI", False),  # I is not in the id alphabet
        ("sgbot", False),
        ("made by sgbot REQ-7F3K2", False),
        ("SGBOT REQ-7F3K2", False),
    ],
)
def test_sgbot_descriptions(description: str, ours: bool) -> None:
    assert is_sgbot_description(description) is ours


def test_any_cidr_counts_every_cidr_source_when_the_authorized_ones_are_unknown() -> None:
    by_cidr = replace(MATCH, source_group_id=None, source_cidr_ip="10.0.0.0/24")
    assert find_identical_ingress([by_cidr], None, HTTP) is None
    assert find_identical_ingress([by_cidr], None, HTTP, any_cidr=True) == by_cidr
    # Still only an Accept on exactly the ports.
    dropped = replace(by_cidr, policy="Drop")
    assert find_identical_ingress([dropped], None, HTTP, any_cidr=True) is None
