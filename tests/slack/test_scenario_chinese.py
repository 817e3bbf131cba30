"""A request typed in Chinese on a bot set to ``SGBOT_LANGUAGE=zh``, answered in Chinese.

The slash command in Chinese is received in Chinese, its card in the security channel is in
Chinese (fields, buttons, confirm dialog), a click by a non-approver is refused in Chinese,
an approver's approval applies it and the requester's DM says so in Chinese. A phrasing read
only by inference is shown with Chinese Confirm and Edit. The English words that each surface
says in English must be gone: nothing on the way is left half translated.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from handlers.ids import ActionId
from standins.slack import LocalSlack
from standins.slack.directory import (
    APPROVER_IDS,
    DEV_CHANNEL_ID,
    DEVELOPER_ID,
    SECURITY_CHANNEL_ID,
    dm_channel_id,
)
from tests.fixtures.emulator import EmulatorHandle
from tests.slack.scenario import (
    Chat,
    button_value,
    card_of,
    mse_rules,
    request_id_of,
    stored_requests,
    wait_for_card,
)

pytestmark = [pytest.mark.scenario, pytest.mark.redis]
CHINESE_REQUEST = "授权 网关 prod-gw 访问 服务 orders 端口 8080"
GUESSED = "授权 prod-gw 访问 orders 端口 8080"
# Words the English texts of these surfaces use; none may reach a Chinese reader.
ENGLISH = (
    "Requester",
    "Approve",
    "Deny",
    "Gateway access",
    "Security groups",
    "received",
    "applied",
    "pending approval",
    "Emulated cloud",
    "I read this as",
    "Confirm",
    "You asked for",
)


def said(message: dict[str, Any]) -> str:
    """Fallback text and blocks as a reader sees them (not JSON-escaped)."""
    blocks = json.dumps(message.get("blocks") or [], ensure_ascii=False)
    return f"{message.get('text', '')}\n{blocks}"


def button_texts(message: dict[str, Any]) -> list[str]:
    return [
        str(element["text"]["text"])
        for block in message.get("blocks") or []
        for element in block.get("elements") or []
        if element.get("type") == "button"
    ]


def assert_chinese(text: str) -> None:
    assert not [word for word in ENGLISH if word in text], text


def test_a_chinese_request_is_answered_in_chinese_from_ask_to_applied(
    chinese_chat: Chat, local_slack: LocalSlack, emulator: EmulatorHandle
) -> None:
    chat = chinese_chat
    rules_before = len(mse_rules(emulator))
    answer = chat.ask(DEVELOPER_ID, CHINESE_REQUEST)
    assert "已收到" in answer
    assert_chinese(answer)

    card = wait_for_card(local_slack)
    request_id = request_id_of(card)
    shown = said(card)
    assert f"网关访问申请 {request_id}" in shown
    for label in ("申请人", "网关", "目标", "安全组", "端口", "时长", "原因", "审批"):
        assert f"*{label}*" in shown
    assert "服务 `orders`" in shown
    assert "待审批" in shown
    assert button_texts(card) == ["批准", "驳回"]
    # The confirm dialog; plain text is NFKC-normalised, so its question mark is ASCII.
    assert f"批准 {request_id}?" in shown
    assert_chinese(shown)

    # The requester is no approver: the click is refused, in Chinese.
    notes_url = chat.click_with_notes(DEVELOPER_ID, card, ActionId.APPROVE)
    refused = local_slack.wait_for(lambda: local_slack.responses(notes_url), 10)
    refusal = "\n".join(said(note) for note in refused)
    assert "你不是审批人" in refusal
    assert_chinese(refusal)

    status, _ = chat.click(APPROVER_IDS[0], card, ActionId.APPROVE)
    assert status == 200
    local_slack.wait_for(lambda: len(mse_rules(emulator)) > rules_before, 30)

    def settled() -> dict[str, Any] | None:
        now = card_of(local_slack, request_id)
        if now is None or button_value(now, ActionId.APPROVE) is not None:
            return None
        return now if "已生效" in said(now) else None

    applied = local_slack.wait_for(settled, 30)
    assert applied is not None
    assert "*结果*" in said(applied)
    assert "结束访问" in button_texts(applied)
    assert_chinese(said(applied))

    def told() -> list[str]:
        messages = local_slack.messages(dm_channel_id(DEVELOPER_ID))
        return [said(m) for m in messages if request_id in said(m)]

    local_slack.wait_for(lambda: any("已生效" in text for text in told()), 30)
    for text in told():
        assert_chinese(text)
    assert any("创建规则" in text for text in told())
    thread = [said(m) for m in local_slack.messages(SECURITY_CHANNEL_ID) if m.get("thread_ts")]
    assert any("已生效" in text for text in thread), thread
    for text in thread:
        assert_chinese(text)


def test_a_guessed_chinese_request_waits_for_a_chinese_confirm(
    chinese_chat: Chat, sgbot_env: dict[str, str], local_slack: LocalSlack
) -> None:
    url = local_slack.new_response_url(DEVELOPER_ID, DEV_CHANNEL_ID)
    command = chinese_chat.signer.slash_command(
        DEVELOPER_ID, DEV_CHANNEL_ID, GUESSED, response_url=url
    )
    status, body = chinese_chat.post(command)
    assert status == 200, body
    prompt = json.loads(body)
    shown = said(prompt)
    assert "我理解为" in shown
    assert "authorize gateway prod-gw to service orders on 8080" in shown
    assert "`prod-gw` 理解为网关" in shown
    assert button_texts(prompt) == ["确认", "修改"]
    assert_chinese(shown)
    assert stored_requests(sgbot_env) == 0


def test_a_bad_language_stops_the_bot_at_start_with_a_clear_line(
    sgbot_env: dict[str, str],
) -> None:
    env = {**os.environ, **sgbot_env, "SGBOT_LANGUAGE": "klingon"}
    command = [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", "0"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 78  # EX_CONFIG
    assert "SGBOT_LANGUAGE: 'klingon' is not a language sgbot speaks; use en or zh" in done.stderr


def ask(chat: Chat, text: str) -> str:
    """The slash command's private answer as a reader sees it."""
    command = chat.signer.slash_command(DEVELOPER_ID, DEV_CHANNEL_ID, text)
    status, body = chat.post(command)
    assert status == 200, body
    return said(json.loads(body))


def test_refusals_and_help_are_in_chinese(chinese_chat: Chat, sgbot_env: dict[str, str]) -> None:
    refused = ask(chinese_chat, "你好 世界")
    assert "我不明白这里的" in refused
    assert "授权 网关 GATEWAY 访问 服务 NAME 端口 443" in refused
    assert_chinese(refused)
    assert "I don't understand" not in refused

    helped = ask(chinese_chat, "帮助")
    assert "*命令*" in helped
    assert "*Commands*" not in helped
    assert "`授权 网关 prod-gw 访问 服务 orders 端口 8080`" in helped
    assert stored_requests(sgbot_env) == 0
