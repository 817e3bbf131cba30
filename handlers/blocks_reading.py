"""How sgbot shows a reading it inferred parts of: the Confirm/Edit prompt, and the form pre-fill.

``reading_prompt`` says "I read this as `…`", lists what was inferred and carries Confirm and
Edit buttons whose value is only the id of the reading stored in Redis. ``with_reading`` puts
the same line above the answer to a query (which changes nothing, so it is answered at once).
``edit_prefill`` turns an ``authorize`` into the request form's initial values; a duration
the form cannot offer is shown as the nearest shorter choice, with a line saying so.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from bot.catalogue import say
from bot.grammar import format_duration, render_target
from handlers.block_parts import Message, actions, button, context, message, section
from handlers.blocks_forms import DURATION_CHOICES, Prefill
from handlers.ids import ActionId, BlockId
from handlers.mrkdwn import MESSAGE_BLOCKS_LIMIT, code, escape
from vocabulary.commands import Authorize, ServiceTarget
from vocabulary.durations import parse_duration

_SHOWN_LIMIT = 1500
_NOTE_LIMIT = 300


def _read_as(shown: str) -> str:
    return say("reading.read_as", shown=code(shown, _SHOWN_LIMIT))


def _notes(notes: Sequence[str]) -> str:
    return "\n".join(f"• {escape(note, _NOTE_LIMIT)}" for note in notes[:10])


def reading_prompt(shown: str, notes: Sequence[str], reading_id: str, *, emulated: bool) -> Message:
    """Ask the person who typed a request to confirm how it was read, or edit it."""
    lines = say("reading.guessed", read_as=_read_as(shown), notes=_notes(notes))
    buttons = [
        button(say("reading.confirm"), ActionId.CONFIRM_READING, reading_id, style="primary"),
        button(say("reading.edit"), ActionId.EDIT_READING, reading_id),
    ]
    blocks = [
        section(lines),
        context(say("reading.nothing_before")),
        actions(buttons, block_id=BlockId.READING),
    ]
    return message(_read_as(shown[:200]), blocks, emulated=emulated)


def with_reading(reply: Message, shown: str, notes: Sequence[str]) -> Message:
    """A query's answer with how the query was read above it."""
    guessed = escape(say("usage.list_separator").join(notes), _NOTE_LIMIT)
    line = context(say("reading.query", read_as=_read_as(shown), notes=guessed))
    blocks = [line, *reply["blocks"]]
    if len(blocks) > MESSAGE_BLOCKS_LIMIT:  # drop from the middle: the last may be a notice
        del blocks[MESSAGE_BLOCKS_LIMIT - 1 : -1]
    return {"text": reply["text"], "blocks": blocks}


def edit_prefill(command: Authorize) -> tuple[Prefill, dict[str, str]]:
    """The request form's initial values for ``command``, and notes for what it cannot show."""
    prefill: dict[str, str | tuple[str, str]] = {BlockId.GATEWAY: command.gateway.value}
    target = command.target
    if isinstance(target, ServiceTarget):
        name = f"{target.name}.{target.namespace}" if target.namespace else target.name
        prefill[BlockId.SERVICE] = name
    else:
        prefill[BlockId.TARGET] = render_target(target)
    prefill[BlockId.PORTS] = ", ".join(str(port_range) for port_range in command.ports)
    if command.reason:
        prefill[BlockId.REASON] = command.reason
    notes: dict[str, str] = {}
    if command.duration is not None:
        prefill[BlockId.DURATION], note = _duration_choice(command.duration)
        if note:
            notes[BlockId.DURATION] = note
    return prefill, notes


def _duration_choice(duration: timedelta) -> tuple[str, str | None]:
    """The form's choice for ``duration`` and, when it differs, a note saying so."""
    asked = format_duration(duration)
    timed = [value for _, value in DURATION_CHOICES if value != "permanent"]
    if asked in timed:
        return asked, None
    shorter = [value for value in timed if parse_duration(value) <= duration]
    if shorter:
        return shorter[-1], say("reading.duration_nearest", asked=asked)
    return timed[0], say("reading.duration_shortest", asked=asked, shortest=timed[0])
