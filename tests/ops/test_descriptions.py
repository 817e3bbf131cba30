"""Rule descriptions: written to the minute rounded up, read back whatever follows them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from approvals.descriptions import ParsedDescription, parse_description, rule_description
from approvals.recover import _grants_on
from bot.cloud.port import Gateway, GatewayRule
from vocabulary.commands import PortRange

END = datetime(2026, 12, 4, 2, 42, tzinfo=UTC)


def test_the_contract_forms() -> None:
    assert rule_description("REQ-7F3K2", None) == "sgbot REQ-7F3K2"
    assert rule_description("REQ-7F3K2", END) == "sgbot REQ-7F3K2 until 2026-12-04T02:42Z"


@pytest.mark.parametrize(
    ("until", "written"),
    [
        (END, "2026-12-04T02:42Z"),
        (END + timedelta(seconds=1), "2026-12-04T02:43Z"),
        (END - timedelta(microseconds=1), "2026-12-04T02:42Z"),
        (
            datetime(2026, 12, 4, 10, 42, 30, tzinfo=timezone(timedelta(hours=8))),
            "2026-12-04T02:43Z",
        ),
        (datetime(2026, 12, 31, 23, 59, 1, tzinfo=UTC), "2027-01-01T00:00Z"),
    ],
)
def test_until_is_utc_rounded_up_to_the_minute(until: datetime, written: str) -> None:
    text = rule_description("REQ-7F3K2", until)
    assert text == f"sgbot REQ-7F3K2 until {written}"
    parsed = parse_description(text)
    assert parsed is not None
    assert parsed.until is not None
    assert parsed.until >= until  # a rebuilt grant never ends before the real one
    assert parsed.until - until < timedelta(minutes=1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sgbot REQ-7F3K2", ParsedDescription("REQ-7F3K2", None)),
        ("sgbot REQ-7F3K2 until 2026-12-04T02:42Z", ParsedDescription("REQ-7F3K2", END)),
        ("sgbot REQ-7F3K2 until 2026-12-04T02:42Z; load test", ParsedDescription("REQ-7F3K2", END)),
        ("sgbot REQ-7F3K2 (kept by ops)", ParsedDescription("REQ-7F3K2", None)),
        ("sgbot REQ-7F3K2 until 2026-13-04T02:42Z", None),  # no month 13
        ("sgbot REQ-7F3KU", None),  # U is not Crockford
        ("mse gateway prod-gw", None),
        ("created by sgbot REQ-7F3K2", None),
        ("", None),
    ],
)
def test_parse(text: str, expected: ParsedDescription | None) -> None:
    assert parse_description(text) == expected


def test_grants_grouped_by_request_oldest_record_kept_latest_end_wins() -> None:
    gateway = Gateway("gw-" + "a" * 32, "prod-gw", "sg-gw", "vpc-1")
    later = END + timedelta(hours=1)

    def rule(rule_id: int, group: str, port: int, description: str) -> GatewayRule:
        return GatewayRule(rule_id, group, PortRange(start=port, end=port), description)

    rules = [
        rule(7, "sg-b", 80, rule_description("REQ-AAAAA", END)),
        rule(3, "sg-b", 80, rule_description("REQ-AAAAA", END)),  # an older duplicate record
        rule(9, "sg-c", 81, rule_description("REQ-AAAAA", later)),
        rule(4, "sg-b", 443, rule_description("REQ-BBBBB", None)),
        rule(5, "sg-b", 444, rule_description("REQ-BBBBB", END)),
        rule(1, "sg-b", 22, "added in the console"),
    ]
    found = {grant.request_id: grant for grant in _grants_on("cn-hangzhou", gateway, rules)}
    assert set(found) == {"REQ-AAAAA", "REQ-BBBBB"}
    assert [r.rule_id for r in found["REQ-AAAAA"].rules] == [3, 9]
    assert found["REQ-AAAAA"].until == later
    assert found["REQ-BBBBB"].until is None  # a permanent rule keeps the whole grant
