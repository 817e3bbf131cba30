"""Checks every builder test applies: slack_sdk validation, Block Kit limits and inert text.

``check_message``/``check_view`` parse the output with slack_sdk's Block Kit models, whose
``to_dict`` runs their validators, and require the round trip to give back exactly what we
built (so no key was unknown to Slack's schema). Limits slack_sdk does not check are asserted
here. ``assert_inert`` allows only the markup we build ourselves: mentions of known people,
channel links and date tokens.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from handlers.block_parts import Message

OUR_MARKUP_RE = re.compile(r"<@([UW][A-Z0-9]+)>|<#[CGD][A-Z0-9]+>|<!date\^\d+\^[^|<>]*\|[^<>]*>")
CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def text_objects(node: Any, kind: str) -> list[str]:
    """Every ``text`` of text objects of ``kind`` (``mrkdwn`` or ``plain_text``) in ``node``."""
    return [obj["text"] for obj in _walk(node) if obj.get("type") == kind and "text" in obj]


def elements(node: Any, element_type: str) -> list[dict[str, Any]]:
    return [obj for obj in _walk(node) if obj.get("type") == element_type]


def action_ids(node: Any) -> list[str]:
    return [obj["action_id"] for obj in _walk(node) if "action_id" in obj]


def _check_blocks(blocks: list[dict[str, Any]], max_blocks: int) -> None:
    assert 0 < len(blocks) <= max_blocks
    for raw, model in zip(blocks, Block.parse_all(blocks), strict=True):
        assert model is not None
        assert model.to_dict() == raw
    for block in blocks:
        for field in block.get("fields", []):
            assert len(field["text"]) <= 2000
    block_ids = [block["block_id"] for block in blocks if "block_id" in block]
    assert len(block_ids) == len(set(block_ids))
    for text in text_objects(blocks, "plain_text"):
        assert text.strip()
        assert not CONTROL_RE.search(text)


def check_message(message: Message) -> None:
    assert set(message) == {"text", "blocks"}
    assert 0 < len(message["text"]) <= 3000
    _check_blocks(message["blocks"], 50)


def check_view(view: dict[str, Any]) -> None:
    assert View(**view).to_dict() == view
    _check_blocks(view["blocks"], 100)


def assert_inert(texts: Iterable[str], known_users: Iterable[str] = ()) -> None:
    """No markup but ours survives in ``texts``, and mentions name only ``known_users``."""
    allowed = set(known_users)
    for text in texts:
        mentioned = {match.group(1) for match in OUR_MARKUP_RE.finditer(text) if match.group(1)}
        assert mentioned <= allowed, text[:200]
        rest = OUR_MARKUP_RE.sub("", text)
        assert "<" not in rest, rest[:200]
        assert ">" not in rest, rest[:200]
        assert not CONTROL_RE.search(text)


def message_texts(message: Message) -> list[str]:
    return [message["text"], *text_objects(message["blocks"], "mrkdwn")]


def initial_values(view: dict[str, Any]) -> dict[str, str]:
    """What each input of a form shows before anyone types, by block id."""
    shown: dict[str, str] = {}
    for block in view["blocks"]:
        element = block.get("element") or {}
        if "initial_option" in element:
            shown[block["block_id"]] = element["initial_option"]["value"]
        elif "initial_value" in element:
            shown[block["block_id"]] = element["initial_value"]
    return shown


def submitted_unchanged(view: dict[str, Any]) -> dict[str, Any]:
    """``view.state.values`` as Slack sends it when the form is submitted unchanged."""
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        element = block.get("element") or {}
        action = element.get("action_id")
        if "initial_option" in element:
            values[block["block_id"]] = {action: {"selected_option": element["initial_option"]}}
        elif "initial_value" in element:
            state = {"type": "plain_text_input", "value": element["initial_value"]}
            values[block["block_id"]] = {action: state}
    return values
