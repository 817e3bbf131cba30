"""A change in the second region, end to end over the local Slack: asked, approved, applied.

``sgbot serve`` serves both regions of one emulator process (one port each). The card, the
requester's messages and the rule all name cn-shanghai, and the default region's endpoints
get no call at all.
"""

from __future__ import annotations

import pytest

from handlers.ids import ActionId
from standins.slack import LocalSlack
from standins.slack.directory import APPROVER_IDS, DEV_CHANNEL_ID, DEVELOPER_ID
from tests.fixtures.emulator import EmulatorHandle
from tests.fixtures.two_regions import (
    SH_ORDERS_SG,
    SH_PROD_GW,
    SHANGHAI,
    mse_rules,
    region_environment,
    shanghai,
    two_regions,
    writes,
)
from tests.slack.scenario import (
    Chat,
    StartChat,
    button_value,
    card_of,
    dm_texts,
    private_notes,
    request_id_of,
    text_of,
    wait_for_card,
)

__all__ = ["shanghai", "two_regions"]  # the fixtures, imported for pytest
pytestmark = [pytest.mark.scenario, pytest.mark.redis]


@pytest.fixture
def emulator(two_regions: tuple[EmulatorHandle, EmulatorHandle]) -> EmulatorHandle:
    """The default region: what ``sgbot_env``'s unsuffixed endpoints name."""
    return two_regions[0].fresh()


@pytest.fixture
def regional_chat(
    start_chat: StartChat,
    sgbot_env: dict[str, str],
    emulator: EmulatorHandle,
    shanghai: EmulatorHandle,
) -> Chat:
    """The bot serving both regions: the default on ``emulator``, cn-shanghai on ``shanghai``."""
    return start_chat(sgbot_env | region_environment(emulator, shanghai))


def test_a_request_in_shanghai_is_approved_and_applied_there(
    regional_chat: Chat, local_slack: LocalSlack, emulator: EmulatorHandle, shanghai: EmulatorHandle
) -> None:
    chat = regional_chat
    url = local_slack.new_response_url(DEVELOPER_ID, DEV_CHANNEL_ID)
    text = f"authorize gateway prod-gw in {SHANGHAI} to service orders on 8080 for 2h"
    assert "received" in chat.ask(DEVELOPER_ID, text, response_url=url)

    card = wait_for_card(local_slack)
    request_id = request_id_of(card)
    shown = text_of(card)
    assert SHANGHAI in shown
    assert SH_PROD_GW in shown
    assert SH_ORDERS_SG in shown
    local_slack.wait_for(lambda: SHANGHAI in private_notes(local_slack, url), 30)

    status, _ = chat.click(APPROVER_IDS[0], card, ActionId.APPROVE)
    assert status == 200
    local_slack.wait_for(lambda: len(mse_rules(shanghai, SH_PROD_GW)) == 1, 30)
    [rule] = mse_rules(shanghai, SH_PROD_GW)
    assert (rule["security_group_id"], rule["port_range"]) == (SH_ORDERS_SG, "8080/8080")
    local_slack.wait_for(
        lambda: (
            (c := card_of(local_slack, request_id)) is not None
            and button_value(c, ActionId.APPROVE) is None
            and "applied" in text_of(c)
            and SHANGHAI in text_of(c)
        ),
        30,
    )
    local_slack.wait_for(
        lambda: any(
            request_id in t and "applied" in t and SHANGHAI in t
            for t in dm_texts(local_slack, DEVELOPER_ID)
        ),
        30,
    )
    assert writes(shanghai.calls()) == {"AddSecurityGroupRule": 1}
    assert writes(emulator.calls()) == {}  # the default region: nothing written
    assert emulator.calls() == {}  # nor even read: `in cn-shanghai` named the region


def test_a_name_in_both_regions_is_refused_with_the_choices(
    regional_chat: Chat, local_slack: LocalSlack, emulator: EmulatorHandle, shanghai: EmulatorHandle
) -> None:
    chat = regional_chat
    url = local_slack.new_response_url(DEVELOPER_ID, DEV_CHANNEL_ID)
    chat.ask(DEVELOPER_ID, "authorize gateway prod-gw to service orders on 8080", response_url=url)
    local_slack.wait_for(lambda: "several regions" in private_notes(local_slack, url), 30)
    notes = private_notes(local_slack, url)
    assert f"gateway prod-gw in {SHANGHAI}" in notes
    assert writes(shanghai.calls()) == {}
    assert writes(emulator.calls()) == {}


def test_check_in_slack_reads_the_named_region_only(
    regional_chat: Chat, local_slack: LocalSlack, emulator: EmulatorHandle, shanghai: EmulatorHandle
) -> None:
    from tests.slack.test_scenario_check import checked

    chat = regional_chat
    text = f"check gateway prod-gw in {SHANGHAI} to service orders"
    _, answer = checked(chat, local_slack, DEVELOPER_ID, text)
    said = text_of(answer)
    assert "blocked for 1 endpoint" in said, said
    assert SH_ORDERS_SG in said
    assert shanghai.calls()
    assert emulator.calls() == {}  # the default region was not asked
    assert writes(shanghai.calls()) == {}


def test_list_rules_lists_every_region_and_one_gateway_in_its_region(
    regional_chat: Chat, local_slack: LocalSlack, emulator: EmulatorHandle, shanghai: EmulatorHandle
) -> None:
    from tests.fixtures.two_regions import SH_EDGE_GW
    from tests.slack.scenario import PROD_GW_ID
    from tests.slack.test_scenario_check import checked

    chat = regional_chat
    _, answer = checked(chat, local_slack, DEVELOPER_ID, "list rules")
    said = text_of(answer)
    assert "Rules by region" in said, said
    hangzhou_at, shanghai_at = said.index("*`cn-hangzhou`*"), said.index(f"*`{SHANGHAI}`*")
    assert hangzhou_at < said.index(PROD_GW_ID) < shanghai_at
    assert shanghai_at < said.index(SH_PROD_GW)
    assert shanghai_at < said.index(SH_EDGE_GW)
    assert emulator.calls().get("ListSecurityGroupRule")
    assert shanghai.calls().get("ListSecurityGroupRule")

    text = f"list rules for gateway prod-gw in {SHANGHAI}"
    _, one = checked(chat, local_slack, DEVELOPER_ID, text)
    shown = text_of(one)
    assert f"Region: `{SHANGHAI}`" in shown, shown
    assert SH_PROD_GW in shown
    assert PROD_GW_ID not in shown

    _, both = checked(chat, local_slack, DEVELOPER_ID, "list rules for gateway prod-gw")
    assert "several regions" in text_of(both)
