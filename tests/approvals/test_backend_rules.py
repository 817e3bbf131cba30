"""When deleting an MSE record keeps its backend rule: pure decisions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from approvals.backend_rules import decide, delete_text
from approvals.model import BackendRule
from bot.cloud.port import GatewayRule, IngressRule
from vocabulary.commands import PortRange

MADE = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def record(made: datetime | None = MADE) -> GatewayRule:
    return GatewayRule(
        7, "sg-backend1", PortRange(start=80, end=80), "sgbot REQ-7F3K2", gmt_create=made
    )


def inbound(created: datetime | None) -> IngressRule:
    return IngressRule(
        rule_id="sgr-1", policy="Accept", ip_protocol="TCP", port_range="80/80",
        source_group_id="sg-gw", source_cidr_ip=None, priority=1, created_at=created,
        description="",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("created", "keep"),
    [
        (MADE - timedelta(days=30), True),  # made by hand long before: MSE linked to it
        (MADE - timedelta(seconds=1), True),
        (MADE, False),  # came with the record
        (MADE + timedelta(seconds=2), False),
        (None, True),  # no CreateTime: it cannot be shown to have come with the record
    ],
)
def test_a_backend_rule_older_than_the_record_stays(created: datetime | None, keep: bool) -> None:
    decision = decide(record(), inbound(created))
    assert decision.keep is keep
    assert decision.rule == BackendRule(rule_id="sgr-1", created_at=created)


def test_a_record_without_a_time_keeps_the_backend_rule() -> None:
    decision = decide(record(made=None), inbound(MADE + timedelta(hours=1)))
    assert decision.keep
    assert "cannot be dated" in decision.why


def test_a_rule_recorded_before_the_add_stays_whatever_its_times() -> None:
    recorded = BackendRule(rule_id="sgr-9", created_at=None)
    decision = decide(record(), inbound(MADE + timedelta(hours=1)), recorded)
    assert (decision.keep, decision.rule) == (True, recorded)
    assert "before sgbot added" in decision.why


def test_asked_to_keep_keeps_one_that_came_with_the_record() -> None:
    decision = decide(record(), inbound(MADE), asked_to_keep=True)
    assert decision.keep
    assert decision.why == "sgr-1 is kept as asked"
    assert not decide(record(), None).keep


def test_plan_text_names_the_maker_and_the_fate() -> None:
    kept = decide(record(), inbound(MADE - timedelta(days=1)))
    gone = decide(record(), inbound(MADE))
    assert delete_text("REQ-7F3K2", kept) == (
        "made by sgbot for REQ-7F3K2; backend rule sgr-1 stays: sgr-1 predates the MSE rule; "
        "sgbot did not create it"
    )
    assert delete_text(None, gone) == (
        "not made by sgbot; backend rule sgr-1 is removed with it: sgr-1 came with the MSE rule"
    )
    assert delete_text(None, decide(record(), None)).endswith("no matching backend rule was found")
