"""``check`` on a bot set to ``SGBOT_LANGUAGE=zh``: the doctor's answer, its button and the
region refusals reach the asker in Chinese.

The orders service runs on two node pools and only one is authorized on 8080, as in the
English check scenario. The command keeps the grammar's keywords; everything sgbot says back
(the ack, the verdict, each endpoint's ports, the causes, what it cannot see and the
"Request the missing access" button) is searched for the English it used to say.
"""

from __future__ import annotations

import pytest

from handlers.ids import ActionId
from standins.slack import LocalSlack
from standins.slack.directory import DEVELOPER_ID
from tests.fixtures.emulator import EmulatorHandle
from tests.slack.scenario import Chat, button_value, mse_rules, stored_requests
from tests.slack.test_scenario_check import CHECK, authorize_web_pool, checked
from tests.slack.test_scenario_chinese import ask, button_texts, said

pytestmark = [pytest.mark.scenario, pytest.mark.redis]
# What the English answer says; none of it may reach a Chinese reader.
ENGLISH = (
    "Checking",
    "blocked for",
    "reachable as far",
    "endpoints",
    "covered",
    "Why",
    "Not seen",
    "Request the missing access",
    "security group",
    "node ",
    "MSE authorization",
    "no rule in",
    "In Slack I check",
    "after the gateway is read",
)


def assert_chinese(text: str) -> None:
    assert not [word for word in ENGLISH if word in text], text


def test_check_is_answered_in_chinese_with_a_chinese_button(
    chinese_chat: Chat,
    sgbot_env: dict[str, str],
    local_slack: LocalSlack,
    emulator: EmulatorHandle,
) -> None:
    authorize_web_pool(emulator)
    rules_before = mse_rules(emulator)
    ack, answer = checked(chinese_chat, local_slack, DEVELOPER_ID, CHECK)
    assert "正在云端逐跳检查" in ack
    assert_chinese(ack)
    shown = said(answer)
    assert "4 个端点中有 2 个不通" in shown
    assert "*原因*" in shown
    assert "未放行" in shown
    assert "已放行" in shown
    assert "未检查" in shown
    assert button_texts(answer) == ["申请缺少的访问:sg-ackpoolb01, sg-ackpoolb02 的端口 8080"]
    assert button_value(answer, ActionId.REQUEST_MISSING)
    assert_chinese(shown)
    assert mse_rules(emulator) == rules_before  # a check writes nothing
    assert stored_requests(sgbot_env) == 0


def test_a_region_not_served_is_refused_in_chinese(
    chinese_chat: Chat, local_slack: LocalSlack
) -> None:
    region_check = "check gateway prod-gw in cn-shanghai to service orders"
    _, elsewhere = checked(chinese_chat, local_slack, DEVELOPER_ID, region_check)
    shown = said(elsewhere)
    assert "不服务地域 cn-shanghai" in shown
    assert_chinese(shown)

    refused = ask(
        chinese_chat, "authorize gateway prod-gw in cn-shanghai to service orders on 8080"
    )
    assert "不服务地域 cn-shanghai" in refused
    assert_chinese(refused)
