"""Block Kit building blocks shared by the builders: typed dicts in, limit-respecting dicts out.

Each helper makes one Block Kit object and enforces the limit that belongs to it (a header cut
to 150 characters, at most ten fields, button text to 75), so the builders compose surfaces
without counting characters themselves. Text passed to the ``mrkdwn`` helpers must already be
safe: escaped by ``handlers.mrkdwn`` or written by us.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, TypedDict

from bot.catalogue import say
from handlers import mrkdwn
from handlers.mrkdwn import (
    BUTTON_TEXT_LIMIT,
    CONFIRM_TEXT_LIMIT,
    CONFIRM_TITLE_LIMIT,
    CONTEXT_ELEMENTS_LIMIT,
    FALLBACK_TEXT_LIMIT,
    FIELD_TEXT_LIMIT,
    HEADER_TEXT_LIMIT,
    MESSAGE_BLOCKS_LIMIT,
    SECTION_FIELDS_LIMIT,
    SECTION_TEXT_LIMIT,
)

Block = dict[str, Any]
ButtonStyle = Literal["primary", "danger"]

# The English notice, for code that checks for it; messages carry the chosen language's.
EMULATED_NOTICE = "Emulated cloud — no real Alibaba Cloud resources change"


class Message(TypedDict):
    """What ``chat.postMessage``/``chat.update``/``respond`` take: fallback text and blocks."""

    text: str
    blocks: list[Block]


def plain_text(text: str, limit: int) -> dict[str, Any]:
    """A ``plain_text`` object; ``text`` is cleaned and cut, so raw names are fine here."""
    return {"type": "plain_text", "text": mrkdwn.plain(text, limit) or " ", "emoji": True}


def mrkdwn_text(text: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": text}


def header(text: str) -> Block:
    return {"type": "header", "text": plain_text(text, HEADER_TEXT_LIMIT)}


def section(text: str, *, block_id: str | None = None) -> Block:
    """A section of safe ``mrkdwn``; longer text is cut at whole characters with an ellipsis."""
    if len(text) > SECTION_TEXT_LIMIT:
        text = text[: SECTION_TEXT_LIMIT - 1] + mrkdwn.ELLIPSIS
    block: Block = {"type": "section", "text": mrkdwn_text(text)}
    if block_id is not None:
        block["block_id"] = block_id
    return block


def field(label: str, value: str) -> str:
    """A labelled section field; ``value`` is safe ``mrkdwn`` already within the field limit."""
    text = f"*{label}*\n{value}"
    return text if len(text) <= FIELD_TEXT_LIMIT else text[: FIELD_TEXT_LIMIT - 1] + "…"


def field_budget(label: str) -> int:
    """How many characters a value may take beside ``label`` in one field."""
    return FIELD_TEXT_LIMIT - len(label) - 3


def fields_section(fields: Sequence[str]) -> Block:
    return {
        "type": "section",
        "fields": [mrkdwn_text(text) for text in fields[:SECTION_FIELDS_LIMIT]],
    }


def context(*texts: str) -> Block:
    return {
        "type": "context",
        "elements": [mrkdwn_text(text) for text in texts[:CONTEXT_ELEMENTS_LIMIT]],
    }


def divider() -> Block:
    return {"type": "divider"}


def confirm(title: str, text: str, *, go: str, back: str | None = None, danger: bool) -> Block:
    back = back or say("card.button.back")
    dialog: Block = {
        "title": plain_text(title, CONFIRM_TITLE_LIMIT),
        "text": plain_text(text, CONFIRM_TEXT_LIMIT),
        "confirm": plain_text(go, 30),
        "deny": plain_text(back, 30),
    }
    if danger:
        dialog["style"] = "danger"
    return dialog


def button(
    text: str,
    action_id: str,
    value: str,
    *,
    style: ButtonStyle | None = None,
    confirm_dialog: Block | None = None,
) -> Block:
    element: Block = {
        "type": "button",
        "text": plain_text(text, BUTTON_TEXT_LIMIT),
        "action_id": action_id,
        "value": value,
    }
    if style is not None:
        element["style"] = style
    if confirm_dialog is not None:
        element["confirm"] = confirm_dialog
    return element


def actions(elements: Sequence[Block], *, block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(elements)}
    if block_id is not None:
        block["block_id"] = block_id
    return block


def emulated_notice() -> Block:
    return context(say("emulated.notice"))


def message(fallback: str, blocks: Sequence[Block], *, emulated: bool) -> Message:
    """A message within the block limit; the emulated notice, when due, is always kept."""
    notice = [emulated_notice()] if emulated else []
    kept = list(blocks)[: MESSAGE_BLOCKS_LIMIT - len(notice)]
    text = say("emulated.fallback", text=fallback) if emulated else fallback
    if len(text) > FALLBACK_TEXT_LIMIT:
        text = text[: FALLBACK_TEXT_LIMIT - 1] + mrkdwn.ELLIPSIS
    return {"text": text, "blocks": [*kept, *notice]}
