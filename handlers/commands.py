"""The slash command, mentions and direct messages: one grammar, three ways in.

Every way in ends in ``take``: read the text, then either store a change request (state
``received``, before the ack; the worker resolves it and the deliverer answers), answer a query
from Redis at once, or, for a query that needs the cloud (``list rules``), answer "working on
it" and finish in a background task. A change read only by inferring parts of it is not
stored: the person sees how it was read and confirms or edits it (``handlers.readings``,
whose buttons this module registers); a query read that way is answered with the reading
above the answer. The slash command answers privately in its ack, a mention
by an ephemeral message, a DM in the DM. An incomplete request, or the bare command, opens the
request form instead. One intake per Slack message: change requests are deduplicated by the
store's intake key, other answers by ``(channel, ts)`` or the event id, so Slack's retries and
the two events of a channel mention give one answer.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from approvals.model import ReplyTo, Surface
from bot import catalogue
from bot.grammar import read_command
from bot.metrics import Outcome
from handlers import checks, queries, readings, views
from handlers.block_parts import Message
from handlers.blocks_reading import with_reading
from handlers.deps import Deps
from handlers.extend import take_extend
from handlers.intake import SEEN_TTL, Say, plain, say_once, submit_change
from handlers.middleware import deps_of
from handlers.replies import reply_privately
from vocabulary.commands import (
    Authorize,
    Check,
    History,
    ListRules,
    RevokeRequest,
    RevokeRule,
    RevokeTarget,
)
from vocabulary.errors import IncompleteCommand, SgbotError, UsageError

log = logging.getLogger(__name__)

CHANGE_COMMANDS = (Authorize, RevokeTarget, RevokeRule, RevokeRequest)
_background: set[asyncio.Task[None]] = set()


async def take(
    deps: Deps,
    text: str,
    *,
    user_id: str,
    reply_to: ReplyTo,
    intake_key: str,
    say: Say,
    open_form: Callable[[IncompleteCommand | None], Awaitable[None]] | None = None,
) -> None:
    """Handle one message of the grammar; ``say`` answers privately right now."""
    kind = reply_to.surface.value
    # "extend REQ-… by 2h" is read here, so the grammar's forms stay as they are.
    if await take_extend(
        deps, text, user_id=user_id, reply_to=reply_to, intake_key=intake_key, say=say
    ):
        return
    try:
        reading = read_command(text, max_duration=deps.settings.max_duration)
    except IncompleteCommand as incomplete:
        if open_form is not None:
            await open_form(incomplete)
            return
        reply = plain(deps, catalogue.say("usage.incomplete_help", problem=incomplete))
        await say_once(deps, intake_key, say, reply)
        deps.metrics.count_request(kind, Outcome.USAGE)
        return
    except UsageError as exc:
        await say_once(deps, intake_key, say, plain(deps, str(exc)))
        deps.metrics.count_request(kind, Outcome.USAGE)
        return
    command = reading.command
    if reading.inferred and isinstance(command, readings.ACTING):
        await readings.ask_to_confirm(
            deps, reading, user_id=user_id, reply_to=reply_to, intake_key=intake_key, say=say
        )
        deps.metrics.count_request(kind, Outcome.ACCEPTED)
        return
    if isinstance(command, CHANGE_COMMANDS):
        await submit_change(
            deps, command, user_id=user_id, reply_to=reply_to, intake_key=intake_key, say=say
        )
        return
    if not await deps.service.first_intake(intake_key, SEEN_TTL):
        deps.metrics.count_request(kind, Outcome.DUPLICATE)
        return
    notes = [inference.note for inference in reading.inferred]
    if isinstance(command, Check):
        looking = plain(deps, catalogue.say("query.checking"))
        await say(with_reading(looking, reading.shown, notes) if notes else looking)
        _in_background(checks.answer_later(deps, command, user_id, reply_to))
    elif isinstance(command, ListRules | History) and queries.needs_cloud(command):
        looking = plain(deps, catalogue.say("query.looking"))
        await say(with_reading(looking, reading.shown, notes) if notes else looking)
        _in_background(queries.answer_later(deps, command, user_id, reply_to))
    else:
        answer = await queries.answer(deps, command, user_id)
        await say(with_reading(answer, reading.shown, notes) if notes else answer)
    deps.metrics.count_request(kind, Outcome.ACCEPTED)


def _in_background(work: Awaitable[None]) -> None:
    async def run() -> None:
        try:
            await work
        except SgbotError as exc:
            log.warning("background answer failed: %s", exc)
        except Exception:
            log.exception("background answer failed")

    task = asyncio.get_running_loop().create_task(run())
    _background.add(task)  # the loop keeps only weak references to tasks
    task.add_done_callback(_background.discard)


def _mention_text(text: str, bot_user_id: str) -> str:
    return re.sub(rf"^\s*<@{re.escape(bot_user_id)}(\|[^>]*)?>[\s:,]*", "", text)


def _is_person_message(event: dict[str, Any], deps: Deps) -> bool:
    return (
        not event.get("subtype")
        and not event.get("bot_id")
        and bool(event.get("user"))
        and event.get("user") != deps.bot_user_id
    )


async def slash(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: dict[str, Any]
) -> None:
    """The slash command: answered in its ack when the answer is ready in time."""
    deps = deps_of(context)
    text = str(body.get("text") or "")
    user_id = str(body["user_id"])
    reply_to = ReplyTo(
        surface=Surface.SLASH,
        channel_id=str(body["channel_id"]),
        reply_url=body.get("response_url"),
    )
    acked = False

    async def say(reply: Message) -> None:
        nonlocal acked
        if acked:
            await reply_privately(client, reply_to, user_id, reply)
            return
        acked = True
        await ack(text=reply["text"], blocks=reply["blocks"], response_type="ephemeral")

    async def open_form(incomplete: IncompleteCommand | None) -> None:
        nonlocal acked
        await views.open_request_form(deps, body["trigger_id"], reply_to, incomplete, user_id)
        acked = True
        await ack()

    if not text.strip():
        await open_form(None)
        return
    await take(
        deps,
        text,
        user_id=user_id,
        reply_to=reply_to,
        intake_key=f"slash:{body['trigger_id']}",
        say=say,
        open_form=open_form,
    )
    if not acked:
        await ack()


async def on_mention(event: dict[str, Any], context: dict[str, Any]) -> None:
    deps = deps_of(context)
    if not _is_person_message(event, deps):
        return
    await _channel_message(deps, event)


async def on_message(event: dict[str, Any], context: dict[str, Any]) -> None:
    deps = deps_of(context)
    if not _is_person_message(event, deps):
        return
    if event.get("channel_type") == "im":
        reply_to = ReplyTo(surface=Surface.DM, channel_id=str(event["channel"]))
        user_id = str(event["user"])

        async def say(reply: Message) -> None:
            await reply_privately(deps.slack, reply_to, user_id, reply)

        await take(
            deps,
            str(event.get("text") or ""),
            user_id=user_id,
            reply_to=reply_to,
            intake_key=f"msg:{event['channel']}:{event['ts']}",
            say=say,
        )
    elif f"<@{deps.bot_user_id}" in str(event.get("text") or ""):
        await _channel_message(deps, event)


def register(app: AsyncApp, deps: Deps) -> None:
    app.command(deps.settings.command)(slash)
    app.event("app_mention")(on_mention)
    app.event("message")(on_message)
    readings.register(app, deps)


async def _channel_message(deps: Deps, event: dict[str, Any]) -> None:
    """A mention in a channel; it may arrive as ``app_mention`` and as ``message``."""
    user_id = str(event["user"])
    reply_to = ReplyTo(
        surface=Surface.MENTION,
        channel_id=str(event["channel"]),
        thread_id=event.get("thread_ts"),
        message_id=str(event["ts"]),
    )

    async def say(reply: Message) -> None:
        await reply_privately(deps.slack, reply_to, user_id, reply)

    await take(
        deps,
        _mention_text(str(event.get("text") or ""), deps.bot_user_id),
        user_id=user_id,
        reply_to=reply_to,
        intake_key=f"msg:{event['channel']}:{event['ts']}",
        say=say,
    )
