"""Readings that wait for a Confirm: a request sgbot had to infer parts of is not acted on yet.

``ask_to_confirm`` holds the reading through the workflow (``Service.hold_reading``) under a
random id, with who typed it, where, and the intake key of their message, and shows "I read
this as …" with Confirm and Edit. Both buttons carry only that id. A click loads the reading
and refuses anyone but the person who typed it. Confirm then takes the normal path with the original
intake key, so a second click (or a click racing Slack's retry of the message) finds the
request already stored instead of making another; Edit opens the request form pre-filled
(an ``authorize``) or shows the text to retype (anything else). Nothing is stored in the
request store and nothing reaches approvers before Confirm.

If the process dies after storing a reading and before showing it, the reading expires
unseen and the person types the request again; a reading shown is already stored.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from slack_bolt.async_app import AsyncApp

from approvals.model import ReplyTo
from bot import catalogue
from bot.grammar import Reading
from handlers import queries
from handlers.actions import tell_clicker
from handlers.block_parts import Message
from handlers.blocks import FormMetadata, request_form
from handlers.blocks_reading import edit_prefill, reading_prompt
from handlers.deps import Deps
from handlers.ids import ActionId
from handlers.intake import Say, plain, say_once, submit_change
from handlers.middleware import deps_of
from handlers.mrkdwn import code
from handlers.replies import respond
from vocabulary.commands import Authorize, Cancel, Command, RevokeRequest, RevokeRule, RevokeTarget

log = logging.getLogger(__name__)

CHANGES = (Authorize, RevokeTarget, RevokeRule, RevokeRequest)
ACTING = (*CHANGES, Cancel)
"""Commands that change something: read with inference, they wait for a Confirm."""
_ID_PATTERN = r"^[A-Za-z0-9_-]{22}$"


class PendingReading(BaseModel):
    """A reading waiting for its Confirm, and everything needed to act on it then."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    user_id: str = Field(min_length=1)
    command: Command
    shown: str
    reply_to: ReplyTo
    intake_key: str = Field(min_length=1)


class ReadingButton(BaseModel):
    """A Confirm or Edit button's value: the id of a stored reading, nothing else."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    reading_id: str = Field(pattern=_ID_PATTERN)


async def ask_to_confirm(
    deps: Deps, reading: Reading, *, user_id: str, reply_to: ReplyTo, intake_key: str, say: Say
) -> None:
    reading_id = secrets.token_urlsafe(16)
    pending = PendingReading(
        user_id=user_id,
        command=reading.command,
        shown=reading.shown,
        reply_to=reply_to,
        intake_key=intake_key,
    )
    await deps.service.hold_reading(reading_id, pending.model_dump_json())
    notes = [inference.note for inference in reading.inferred]
    prompt = reading_prompt(reading.shown, notes, reading_id, emulated=deps.emulated)
    await say_once(deps, intake_key, say, prompt)
    log.info("reading %s of intake %s waits for user %s", reading_id, intake_key, user_id)


async def _load(deps: Deps, body: dict[str, Any], action: dict[str, Any]) -> PendingReading | None:
    """The clicked reading, if it exists and the clicker typed it; otherwise tell them why."""
    user_id = str(body["user"]["id"])
    try:
        button = ReadingButton(reading_id=str(action.get("value")))
        stored = await deps.service.held_reading(button.reading_id)
        pending = PendingReading.model_validate_json(stored) if stored is not None else None
    except ValidationError:
        await tell_clicker(deps, deps.slack, body, catalogue.say("click.unknown_request"))
        return None
    if pending is None:
        await tell_clicker(deps, deps.slack, body, catalogue.say("reading.expired"))
        return None
    if pending.user_id != user_id:
        log.warning("user %s clicked a reading of user %s", user_id, pending.user_id)
        await tell_clicker(deps, deps.slack, body, catalogue.say("reading.not_yours"))
        return None
    return pending


async def _replace_prompt(deps: Deps, body: dict[str, Any], reply: Message) -> None:
    """Put ``reply`` where the prompt was, so its buttons cannot be clicked again."""
    response_url = body.get("response_url")
    if response_url and await respond(str(response_url), reply, replace_original=True):
        return
    await tell_clicker(deps, deps.slack, body, reply["text"])


async def on_confirm(
    ack: Any, body: dict[str, Any], action: dict[str, Any], context: dict[str, Any]
) -> None:
    deps = deps_of(context)
    await ack()
    pending = await _load(deps, body, action)
    if pending is None:
        return
    command = pending.command

    async def say(reply: Message) -> None:
        await _replace_prompt(deps, body, reply)

    log.info("user %s confirmed intake %s", pending.user_id, pending.intake_key)
    if isinstance(command, Cancel):
        await say(await queries.answer(deps, command, pending.user_id))
        return
    if not isinstance(command, CHANGES):
        return  # only acting commands are ever stored to wait for a Confirm
    await submit_change(
        deps,
        command,
        user_id=pending.user_id,
        reply_to=pending.reply_to,
        intake_key=pending.intake_key,
        say=say,
    )


async def on_edit(
    ack: Any, body: dict[str, Any], action: dict[str, Any], context: dict[str, Any]
) -> None:
    deps = deps_of(context)
    pending = await _load(deps, body, action)
    if pending is None or not isinstance(pending.command, Authorize):
        await ack()
        if pending is not None:
            text = catalogue.say("reading.change_it", shown=code(pending.shown, 1500))
            await tell_clicker(deps, deps.slack, body, text)
        return
    prefill, notes = edit_prefill(pending.command)
    metadata = FormMetadata(
        channel_id=pending.reply_to.channel_id, surface=pending.reply_to.surface
    )
    # The form must open while the trigger id is fresh: before anything else is sent.
    view = request_form(prefill, metadata, notes or None)
    await deps.slack.views_open(trigger_id=body["trigger_id"], view=view)
    await ack()
    await _replace_prompt(deps, body, plain(deps, catalogue.say("reading.editing")))


def register(app: AsyncApp, deps: Deps) -> None:
    app.action(ActionId.CONFIRM_READING)(on_confirm)
    app.action(ActionId.EDIT_READING)(on_edit)
    # A check's "Request the missing access" is an Edit of the request it stored.
    app.action(ActionId.REQUEST_MISSING)(on_edit)
