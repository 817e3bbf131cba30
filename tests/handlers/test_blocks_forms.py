"""Modals and external select options: ids, prefill, metadata and limits."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from slack_sdk.models.blocks import Option

from approvals.model import Surface
from handlers.blocks import (
    DURATION_CHOICES,
    DenyFormMetadata,
    FormMetadata,
    deny_reason_form,
    options_response,
    request_form,
)
from handlers.ids import ActionId, BlockId, CallbackId
from tests.handlers.blockkit import action_ids, assert_inert, check_view, text_objects

METADATA = FormMetadata(channel_id="C0DEV", surface=Surface.SLASH)


def inputs(view: dict[str, object]) -> dict[str, dict[str, object]]:
    blocks = view["blocks"]
    assert isinstance(blocks, list)
    return {b["block_id"]: b for b in blocks if b["type"] == "input"}


def test_empty_request_form_has_every_input_under_its_constant_ids() -> None:
    view = request_form({}, METADATA)
    check_view(view)
    assert view["callback_id"] == CallbackId.REQUEST_FORM
    assert list(inputs(view)) == [
        BlockId.GATEWAY,
        BlockId.SERVICE,
        BlockId.TARGET,
        BlockId.PORTS,
        BlockId.DURATION,
        BlockId.REASON,
    ]
    assert action_ids(view) == [
        ActionId.GATEWAY_SELECT,
        ActionId.SERVICE_SELECT,
        ActionId.TARGET_INPUT,
        ActionId.PORTS_INPUT,
        ActionId.CHECK_FROM_FORM,
        ActionId.DURATION_SELECT,
        ActionId.REASON_INPUT,
    ]
    reason = inputs(view)[BlockId.REASON]["element"]
    assert reason == reason | {"multiline": True, "max_length": 500}  # type: ignore[operator]
    assert FormMetadata.decode(view["private_metadata"]) == METADATA


def test_prefilled_request_form_starts_with_the_given_values() -> None:
    view = request_form(
        {
            BlockId.GATEWAY: ("prod-gw", "gw-" + "a" * 32),
            BlockId.SERVICE: "checkout.shop",
            BlockId.PORTS: "8080-8090",
            BlockId.DURATION: "4h",
            BlockId.REASON: "deploy <!channel>",
        },
        METADATA,
    )
    check_view(view)
    fields = inputs(view)
    gateway = fields[BlockId.GATEWAY]["element"]["initial_option"]  # type: ignore[index]
    assert gateway["value"] == "gw-" + "a" * 32
    assert gateway["text"]["text"] == "prod-gw"
    service = fields[BlockId.SERVICE]["element"]["initial_option"]  # type: ignore[index]
    assert service["value"] == "checkout.shop"
    assert fields[BlockId.PORTS]["element"]["initial_value"] == "8080-8090"  # type: ignore[index]
    duration = fields[BlockId.DURATION]["element"]["initial_option"]  # type: ignore[index]
    assert duration["value"] == "4h"
    # An input's initial value is the person's own text, shown back as plain text.
    assert fields[BlockId.REASON]["element"]["initial_value"] == "deploy <!channel>"  # type: ignore[index]


def test_request_form_lists_errors_escaped_above_the_inputs() -> None:
    view = request_form({}, METADATA, errors={BlockId.PORTS: "`99999` is <!here> too big"})
    check_view(view)
    first = view["blocks"][0]
    assert first["type"] == "section"
    assert "&lt;!here&gt;" in first["text"]["text"]
    assert_inert(text_objects(view, "mrkdwn"))


def test_duration_choices_are_values_the_grammar_reads() -> None:
    from bot.grammar.values import match_duration

    for _, value in DURATION_CHOICES:
        assert match_duration([value]) is not None


def test_deny_reason_form_carries_the_request_id_in_its_metadata() -> None:
    view = deny_reason_form("REQ-7K2QD")
    check_view(view)
    assert view["callback_id"] == CallbackId.DENY_REASON_FORM
    assert DenyFormMetadata.decode(view["private_metadata"]).request_id == "REQ-7K2QD"
    assert action_ids(view) == [ActionId.DENY_REASON_INPUT]


@pytest.mark.parametrize("text", ["", "{}", '{"request_id": "REQ-1"}', "not json"])
def test_bad_deny_metadata_is_refused(text: str) -> None:
    with pytest.raises(ValidationError):
        DenyFormMetadata.decode(text)


def test_options_response_keeps_within_slack_limits() -> None:
    options = [(f"gateway {i} " + "g" * 100, f"gw-{i:032x}") for i in range(150)]
    options.insert(0, ("too long a value", "v" * 151))
    answer = options_response(options)
    assert len(answer["options"]) == 100
    for model in Option.parse_all(answer["options"]) or []:
        model.validate_json()
    for raw in answer["options"]:
        assert len(raw["text"]["text"]) <= 75
        assert len(raw["value"]) <= 150
    assert answer["options"][0]["value"] == f"gw-{0:032x}"
