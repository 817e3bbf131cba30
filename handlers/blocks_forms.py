"""Modals: the request form, the deny reason form, their metadata, and external select options.

Input blocks use ``BlockId`` members as block ids, and the same members key ``prefill`` and
``errors`` (the shape Slack's ``response_action: errors`` wants), so the view listener reads
``view.state.values[BlockId.PORTS][ActionId.PORTS_INPUT]`` with constants only. A form says
where it came from in ``private_metadata`` as JSON of ``FormMetadata`` or ``DenyFormMetadata``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from approvals.model import Surface
from bot.catalogue import say
from handlers.block_parts import Block, actions, button, plain_text, section
from handlers.ids import ActionId, BlockId, CallbackId
from handlers.mrkdwn import (
    OPTION_LABEL_LIMIT,
    OPTION_VALUE_LIMIT,
    OPTIONS_LIMIT,
    VIEW_TITLE_LIMIT,
    code,
    escape,
)
from vocabulary.commands import MAX_REASON_CHARS, REQUEST_ID_RE

DURATION_CHOICES: tuple[tuple[str, str], ...] = (
    ("form.duration.permanent", "permanent"),
    ("form.duration.30m", "30m"),
    ("form.duration.1h", "1h"),
    ("form.duration.4h", "4h"),
    ("form.duration.8h", "8h"),
    ("form.duration.1d", "1d"),
    ("form.duration.1w", "1w"),
)
"""``(label key, value)`` of the duration select; values are what the grammar's durations read."""

Prefill = Mapping[str, str | tuple[str, str]]
"""Initial values by ``BlockId``; a select takes ``(label, value)`` or one string for both."""


class FormMetadata(BaseModel):
    """Where the request form was opened, so the answer goes back there."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    channel_id: str = Field(min_length=1)
    surface: Surface

    def encode(self) -> str:
        return self.model_dump_json()

    @classmethod
    def decode(cls, text: str) -> FormMetadata:
        """Read ``private_metadata``; anything else raises ``pydantic.ValidationError``."""
        return cls.model_validate_json(text)


class DenyFormMetadata(BaseModel):
    """The request a deny reason form decides."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    request_id: str = Field(pattern=f"^{REQUEST_ID_RE.pattern}$")

    def encode(self) -> str:
        return self.model_dump_json()

    @classmethod
    def decode(cls, text: str) -> DenyFormMetadata:
        return cls.model_validate_json(text)


def option(label: str, value: str) -> dict[str, Any]:
    return {"text": plain_text(label, OPTION_LABEL_LIMIT), "value": value}


def _selected(prefill: Prefill, key: BlockId) -> tuple[str, str] | None:
    given = prefill.get(key)
    if given is None or given == "":
        return None
    return (given, given) if isinstance(given, str) else given


def _text(prefill: Prefill, key: BlockId) -> str | None:
    given = prefill.get(key)
    return given if isinstance(given, str) and given else None


def _input(
    block_id: BlockId, label: str, element: Block, *, optional: bool = False, hint: str = ""
) -> Block:
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": plain_text(label, 2000),
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = plain_text(hint, 2000)
    return block


def _external_select(
    action_id: ActionId, placeholder: str, initial: tuple[str, str] | None
) -> Block:
    element: Block = {
        "type": "external_select",
        "action_id": action_id,
        "placeholder": plain_text(placeholder, 150),
        "min_query_length": 0,
    }
    if initial is not None:
        element["initial_option"] = option(*initial)
    return element


def _text_input(action_id: ActionId, placeholder: str, initial: str | None, **extra: Any) -> Block:
    element: Block = {
        "type": "plain_text_input",
        "action_id": action_id,
        "placeholder": plain_text(placeholder, 150),
        **extra,
    }
    if initial is not None:
        element["initial_value"] = initial[: extra.get("max_length", 3000)]
    return element


def _prefilled_text(
    prefill: Prefill, block_id: BlockId, action_id: ActionId, label: str, placeholder: str,
    *, optional: bool = False, **extra: Any,
) -> Block:  # fmt: skip
    """A labelled text input that starts with what ``prefill`` holds for its own block."""
    element = _text_input(action_id, placeholder, _text(prefill, block_id), **extra)
    return _input(block_id, label, element, optional=optional)


def _duration_select(prefill: Prefill) -> Block:
    choices = [option(say(label), value) for label, value in DURATION_CHOICES]
    chosen = _text(prefill, BlockId.DURATION) or "permanent"
    initial = next((c for c in choices if c["value"] == chosen), choices[0])
    return {
        "type": "static_select",
        "action_id": ActionId.DURATION_SELECT,
        "options": choices,
        "initial_option": initial,
    }


def _modal(
    callback_id: CallbackId, title: str, submit: str, blocks: list[Block], metadata: str
) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain_text(title, VIEW_TITLE_LIMIT),
        "submit": plain_text(submit, VIEW_TITLE_LIMIT),
        "close": plain_text(say("form.cancel"), VIEW_TITLE_LIMIT),
        "private_metadata": metadata,
        "blocks": blocks,
    }


def request_form(
    prefill: Prefill, metadata: FormMetadata, errors: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The request modal; ``errors`` by block id are listed above the inputs, escaped."""
    blocks: list[Block] = []
    if errors:
        lines = [
            say("form.error_line", field=code(key, 40), error=escape(text, 300))
            for key, text in errors.items()
        ]
        blocks.append(section("\n".join(lines[:8])))
    blocks += [
        _input(
            BlockId.GATEWAY,
            say("form.gateway"),
            _external_select(
                ActionId.GATEWAY_SELECT,
                say("form.gateway_search"),
                _selected(prefill, BlockId.GATEWAY),
            ),
        ),
        _input(
            BlockId.SERVICE,
            say("form.service"),
            _external_select(
                ActionId.SERVICE_SELECT,
                say("form.service_search"),
                _selected(prefill, BlockId.SERVICE),
            ),
            optional=True,
            hint=say("form.service_hint"),
        ),
        _prefilled_text(
            prefill,
            BlockId.TARGET,
            ActionId.TARGET_INPUT,
            say("form.target"),
            say("form.target_placeholder"),
            optional=True,
        ),
        _prefilled_text(
            prefill,
            BlockId.PORTS,
            ActionId.PORTS_INPUT,
            say("form.ports"),
            say("form.ports_placeholder"),
        ),
        actions(
            [button(say("form.check_first"), ActionId.CHECK_FROM_FORM, "check")],
            block_id=BlockId.FORM_CHECK,
        ),
        _input(BlockId.DURATION, say("form.duration"), _duration_select(prefill)),
        _prefilled_text(
            prefill,
            BlockId.REASON,
            ActionId.REASON_INPUT,
            say("form.reason"),
            say("form.reason_placeholder"),
            multiline=True,
            max_length=MAX_REASON_CHARS,
        ),
    ]
    title, submit = say("form.title"), say("form.submit")
    return _modal(CallbackId.REQUEST_FORM, title, submit, blocks, metadata.encode())


def deny_reason_form(request_id: str) -> dict[str, Any]:
    """Asks the approver why they deny ``request_id``; the id rides in the metadata."""
    metadata = DenyFormMetadata(request_id=request_id)
    reason = _input(
        BlockId.DENY_REASON,
        say("deny.question", request_id=request_id),
        _text_input(
            ActionId.DENY_REASON_INPUT,
            say("deny.placeholder"),
            None,
            multiline=True,
            max_length=MAX_REASON_CHARS,
        ),
    )
    title = say("deny.title", request_id=request_id)
    submit = say("card.button.deny")
    return _modal(CallbackId.DENY_REASON_FORM, title, submit, [reason], metadata.encode())


def notice_modal(title: str, text: str) -> dict[str, Any]:
    """A modal that only says ``text`` (our own words) and closes."""
    return {
        "type": "modal",
        "title": plain_text(title, VIEW_TITLE_LIMIT),
        "close": plain_text(say("form.close"), VIEW_TITLE_LIMIT),
        "blocks": [section(text)],
    }


def options_response(options: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """The answer to an external select's ``block_suggestion``: at most 100 options.

    Labels are cut to 75 characters; an option whose value is longer than Slack's 150 is left
    out rather than cut, because a cut value would name something else.
    """
    usable = [(label, value) for label, value in options if 0 < len(value) <= OPTION_VALUE_LIMIT]
    return {"options": [option(label, value) for label, value in usable[:OPTIONS_LIMIT]]}
