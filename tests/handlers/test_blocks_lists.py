"""Rule, pending and history lists: paging within Block Kit limits, bot-owned rules marked."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from pydantic import ValidationError

from approvals.model import RequestState
from bot.cloud.port import Gateway, GatewayRule
from handlers.blocks import Message, PageRef, history_list, pending_list, rules_list
from handlers.ids import ActionId, BlockId
from tests.approvals.examples import T0, make_request
from tests.handlers.blockkit import assert_inert, check_message, message_texts, text_objects
from vocabulary.commands import PortRange

GATEWAY = Gateway(
    unique_id="gw-" + "b" * 32, name="prod-gw", security_group_id="sg-gw", vpc_id="vpc-1"
)
RULE_RE = re.compile(r"rule `(\d+)` → .*· (via `(REQ-[0-9A-Z]{5})`|_not created through sgbot_)")


def thousand_rules() -> list[GatewayRule]:
    return [
        GatewayRule(
            rule_id=100_000 + index,
            security_group_id=f"sg-{index % 37:04d}zzzzzzzzzzzzzzzz",
            ports=PortRange(start=1 + index, end=1 + index + index % 500),
            description="",
            security_group_name=f"nodes of pool {index} " + "n" * 80,
        )
        for index in range(1000)
    ]


def owners_of(rules: list[GatewayRule]) -> dict[int, str]:
    return {rule.rule_id: "REQ-7K2QD" for rule in rules[::3]}


def pager_buttons(message: Message) -> dict[str, str]:
    pager = [b for b in message["blocks"] if b.get("block_id") == BlockId.RULES_PAGER]
    return {e["action_id"]: e["value"] for block in pager for e in block["elements"]}


@pytest.mark.parametrize("page_size", [25, 50, 500])
def test_a_thousand_rules_page_within_limits_and_mark_bot_owned_rules(page_size: int) -> None:
    rules = thousand_rules()
    owners = owners_of(rules)
    seen: dict[int, str | None] = {}
    page = 1
    while True:
        message = rules_list(GATEWAY, rules, owners, page=page, page_size=page_size, emulated=True)
        check_message(message)
        assert_inert(message_texts(message))
        for text in text_objects(message["blocks"], "mrkdwn"):
            for match in RULE_RE.finditer(text):
                seen[int(match.group(1))] = match.group(3)
        buttons = pager_buttons(message)
        if ActionId.RULES_PAGE_NEXT not in buttons:
            break
        following = PageRef.decode(buttons[ActionId.RULES_PAGE_NEXT])
        assert following == PageRef(gateway_id=GATEWAY.unique_id, page=page + 1)
        page = following.page
    assert page == -(-1000 // min(page_size, 50))
    assert seen == {rule.rule_id: owners.get(rule.rule_id) for rule in rules}


def test_rules_list_clamps_a_page_past_the_end_and_offers_previous() -> None:
    rules = thousand_rules()
    message = rules_list(GATEWAY, rules, {}, page=999, page_size=50, emulated=False)
    buttons = pager_buttons(message)
    assert "page 20 of 20" in "\n".join(message_texts(message))
    assert PageRef.decode(buttons[ActionId.RULES_PAGE_PREVIOUS]).page == 19
    assert ActionId.RULES_PAGE_NEXT not in buttons


def test_rules_list_of_an_empty_gateway_says_so() -> None:
    message = rules_list(GATEWAY, [], {}, emulated=False)
    check_message(message)
    assert "no backend security group rules" in "\n".join(message_texts(message))
    assert pager_buttons(message) == {}


@pytest.mark.parametrize("value", ["", "gw-x", "gw-x|0", "gw-x|two", "|3"])
def test_malformed_page_refs_are_refused(value: str) -> None:
    with pytest.raises(ValidationError):
        PageRef.decode(value)


def test_pending_list_pages_soonest_deadline_first() -> None:
    requests = [
        make_request(
            id=f"REQ-{index:05d}",
            expires_at=T0 + timedelta(hours=48 - index),
            state=RequestState.PENDING,
        )
        for index in range(45)
    ] + [make_request(id="REQ-DDDDD", state=RequestState.APPLIED)]
    first = pending_list(requests, page=1, page_size=10, now=T0, emulated=False)
    check_message(first)
    texts = "\n".join(message_texts(first))
    assert "45 pending · page 1 of 5" in texts
    assert texts.index("`REQ-00044`") < texts.index("`REQ-00035`")
    assert "REQ-DDDDD" not in texts
    last = pending_list(requests, page=5, page_size=10, now=T0, emulated=False)
    pager = next(b for b in last["blocks"] if b.get("block_id") == BlockId.PENDING_PAGER)
    assert [(e["action_id"], e["value"]) for e in pager["elements"]] == [
        (ActionId.PENDING_PAGE_PREVIOUS, "4")
    ]


def test_history_of_many_requests_fits_one_message_and_says_how_many_it_shows() -> None:
    requests = [
        make_request(id=f"REQ-{index:05d}", updated_at=T0 + timedelta(minutes=index))
        for index in range(600)
    ]
    message = history_list(requests, emulated=False)
    check_message(message)
    texts = "\n".join(message_texts(message))
    shown = int(re.search(r"Showing the latest (\d+) of 600", texts).group(1))  # type: ignore[union-attr]
    assert 0 < shown < 600
    assert texts.count("`REQ-") == shown
    assert texts.index("`REQ-00599`") < texts.index("`REQ-00598`")


def test_pending_list_of_a_page_the_store_cut_counts_the_total_it_is_given() -> None:
    page = [
        make_request(
            id=f"REQ-{index:05d}",
            expires_at=T0 + timedelta(hours=index),
            state=RequestState.PENDING,
        )
        for index in range(20, 30)
    ]
    message = pending_list(page, page=3, page_size=10, total=10_000, now=T0, emulated=False)
    check_message(message)
    texts = "\n".join(message_texts(message))
    assert "10000 pending · page 3 of 1000" in texts
    assert texts.count("`REQ-") == 10
    assert texts.index("`REQ-00020`") < texts.index("`REQ-00029`")
    pager = next(b for b in message["blocks"] if b.get("block_id") == BlockId.PENDING_PAGER)
    assert [(e["action_id"], e["value"]) for e in pager["elements"]] == [
        (ActionId.PENDING_PAGE_PREVIOUS, "2"),
        (ActionId.PENDING_PAGE_NEXT, "4"),
    ]
