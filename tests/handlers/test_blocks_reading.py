"""The Confirm/Edit prompt and the form pre-filled from a reading: limits, escaping, values."""

from __future__ import annotations

from datetime import timedelta

import pytest

from approvals.model import Surface
from bot.grammar import read_command
from handlers.block_parts import message, section
from handlers.blocks import FormMetadata, request_form
from handlers.blocks_reading import edit_prefill, reading_prompt, with_reading
from handlers.ids import ActionId, BlockId
from handlers.views import command_from_form
from tests.handlers.blockkit import (
    action_ids,
    assert_inert,
    check_message,
    check_view,
    elements,
    message_texts,
    submitted_unchanged,
)
from vocabulary.commands import (
    Authorize,
    GatewayRef,
    NodePoolTarget,
    PortRange,
    ServiceTarget,
    Target,
)

READING_ID = "A" * 22


def grant(
    target: Target, *, duration: timedelta | None = None, reason: str | None = None
) -> Authorize:
    return Authorize(
        gateway=GatewayRef(value="prod-gw"),
        target=target,
        ports=(PortRange(start=80, end=80), PortRange(start=8080, end=8090)),
        duration=duration,
        reason=reason,
    )


def test_the_prompt_shows_the_reading_and_carries_only_the_reading_id() -> None:
    reading = read_command("please allow prod-gw to reach orders on 8080")
    notes = [inference.note for inference in reading.inferred]
    prompt = reading_prompt(reading.shown, notes, READING_ID, emulated=True)
    check_message(prompt)
    text = "\n".join(message_texts(prompt))
    assert "I read this as `authorize gateway prod-gw to service orders on 8080`" in text
    assert "`prod-gw` taken as the gateway" in text
    assert action_ids(prompt["blocks"]) == [ActionId.CONFIRM_READING, ActionId.EDIT_READING]
    assert {button["value"] for button in elements(prompt["blocks"], "button")} == {READING_ID}
    assert [b.get("block_id") for b in prompt["blocks"] if b["type"] == "actions"] == [
        BlockId.READING
    ]


def test_names_in_the_prompt_cannot_inject_markup() -> None:
    reading = read_command('authorize "<!channel> *x*" to "<@U0EVIL>`y`" on 80')
    notes = [inference.note for inference in reading.inferred]
    assert notes
    prompt = reading_prompt(reading.shown, notes, READING_ID, emulated=False)
    check_message(prompt)
    assert_inert(message_texts(prompt))
    answer = message("ok", [section("ok")], emulated=False)
    assert_inert(message_texts(with_reading(answer, reading.shown, notes)))


def test_a_long_reading_stays_within_block_kit_limits() -> None:
    reading = read_command("authorize prod-gw to orders on 80 because " + "x" * 500)
    notes = [inference.note for inference in reading.inferred] * 20
    check_message(reading_prompt(reading.shown, notes, READING_ID, emulated=True))


@pytest.mark.parametrize(
    ("target", "field", "shown"),
    [
        (ServiceTarget(name="orders", namespace="shop"), BlockId.SERVICE, "orders.shop"),
        (ServiceTarget(name="orders"), BlockId.SERVICE, "orders"),
        (
            NodePoolTarget(nodepool_id="np-web", cluster_id="c1"),
            BlockId.TARGET,
            "nodepool np-web in cluster c1",
        ),
    ],
)
def test_the_edit_form_submitted_unchanged_gives_the_same_request(
    target: Target, field: str, shown: str
) -> None:
    command = grant(target, duration=timedelta(hours=4), reason="load test")
    prefill, notes = edit_prefill(command)
    assert prefill[field] == shown
    assert notes == {}
    view = request_form(prefill, FormMetadata(channel_id="C0DEV", surface=Surface.DM))
    check_view(view)
    again, errors = command_from_form(submitted_unchanged(view), timedelta(days=30))
    assert errors == {}
    assert again == command


@pytest.mark.parametrize(
    ("asked", "chosen", "note"),
    [
        (timedelta(hours=4), "4h", None),
        (timedelta(hours=2), "1h", "nearest shorter"),
        (timedelta(days=3), "1d", "nearest shorter"),
        (timedelta(minutes=10), "30m", "shortest the form offers is 30m"),
    ],
)
def test_a_duration_the_form_cannot_offer_is_said_so(
    asked: timedelta, chosen: str, note: str | None
) -> None:
    prefill, notes = edit_prefill(grant(ServiceTarget(name="orders"), duration=asked))
    assert prefill[BlockId.DURATION] == chosen
    if note is None:
        assert BlockId.DURATION not in notes
    else:
        assert note in notes[BlockId.DURATION]


def test_the_reading_line_never_pushes_out_the_emulated_notice() -> None:
    full = message("many", [section(f"row {n}") for n in range(60)], emulated=True)
    noted = with_reading(full, "list pending", ["`x` taken as the gateway"])
    check_message(noted)
    assert noted["blocks"][0]["type"] == "context"
    assert noted["blocks"][-1] == full["blocks"][-1]
    assert "Emulated cloud" in str(noted["blocks"][-1])
