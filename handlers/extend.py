"""``extend REQ-… by 2h`` and the "Extend 1h" button under a grant's end warning.

Both ask ``approvals.extend_service.Extensions`` for an extension, which becomes a request
of its own (decided, and maybe auto-approved, like any other); the person gets a private
answer saying so, or why not and what to do instead.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import Any

from pydantic import ValidationError
from slack_bolt.async_app import AsyncApp

from approvals.extend import BUTTON_EXTENSION, example_of
from approvals.extend_service import Extensions
from approvals.model import ReplyTo, Surface
from bot import catalogue
from bot.metrics import Outcome
from handlers.actions import tell_clicker
from handlers.deps import Deps
from handlers.ids import ActionId
from handlers.intake import Say, plain, say_once
from handlers.middleware import ButtonValue, deps_of
from vocabulary.commands import REQUEST_ID_RE
from vocabulary.durations import format_duration, parse_duration
from vocabulary.errors import UsageError, UserError

log = logging.getLogger(__name__)

_EXTEND_RE = re.compile(r"^\s*extend\b\s*(\S*)\s*(?:(?:by|for)\b)?\s*(.*?)\s*$", re.IGNORECASE)


def parse_extend(text: str) -> tuple[str, timedelta] | None:
    """``(request id, added time)`` for an extend command; None for any other text."""
    found = _EXTEND_RE.match(text)
    if found is None:
        return None
    request_id, amount = found.group(1).upper(), found.group(2)
    if REQUEST_ID_RE.fullmatch(request_id) is None:
        raise UsageError(catalogue.say("extend.name_request", example=example_of("REQ-7F3K2")))
    try:
        return request_id, parse_duration(amount.replace(" ", ""))
    except ValueError:
        raise UsageError(catalogue.say("extend.how_long", example=example_of(request_id))) from None


async def take_extend(
    deps: Deps, text: str, *, user_id: str, reply_to: ReplyTo, intake_key: str, say: Say
) -> bool:
    """Handle ``text`` if it is an extend command (True), else leave it to the grammar."""
    kind = reply_to.surface.value
    try:
        parsed = parse_extend(text)
        if parsed is None:
            return False
        grant_id, by = parsed
        created = await Extensions(deps.service).ask(
            grant_id,
            by,
            await deps.approvers.person(user_id),
            reply_to=reply_to,
            intake_key=intake_key,
            approver_ids=await deps.approvers.approver_ids(),
        )
    except UserError as exc:
        deps.metrics.count_request(kind, Outcome.REFUSED)
        await say_once(deps, intake_key, say, plain(deps, str(exc)))
        return True
    deps.metrics.count_request(kind, Outcome.ACCEPTED if created.created else Outcome.DUPLICATE)
    if created.created:
        added = format_duration(by)
        await say(plain(deps, _asked(created.request_id, grant_id, added)))
    return True


def _asked(request_id: str, grant_id: str, added: str) -> str:
    return catalogue.say(
        "extend.asked", request_id=f"`{request_id}`", grant_id=f"`{grant_id}`", added=added
    )


async def on_extend(
    ack: Any, body: dict[str, Any], action: dict[str, Any], context: dict[str, Any]
) -> None:
    deps = deps_of(context)
    await ack()
    user_id = str(body["user"]["id"])
    try:
        grant_id = ButtonValue.decode(action.get("value")).request_id
    except ValidationError:
        await tell_clicker(deps, deps.slack, body, catalogue.say("extend.bad_button"))
        return
    channel = str((body.get("channel") or {}).get("id") or user_id)
    try:
        created = await Extensions(deps.service).ask(
            grant_id,
            BUTTON_EXTENSION,
            await deps.approvers.person(user_id),
            reply_to=ReplyTo(surface=Surface.DM, channel_id=channel),
            # One extension per warning message, however often the button is pressed.
            intake_key=f"extend:{grant_id}:{(body.get('container') or {}).get('message_ts')}",
            approver_ids=await deps.approvers.approver_ids(),
        )
    except UserError as exc:
        await tell_clicker(deps, deps.slack, body, str(exc))
        return
    log.info("extension %s of %s asked by user %s", created.request_id, grant_id, user_id)
    added = format_duration(BUTTON_EXTENSION)
    await tell_clicker(deps, deps.slack, body, _asked(created.request_id, grant_id, added))


def register(app: AsyncApp, deps: Deps) -> None:
    app.action(ActionId.EXTEND_GRANT)(on_extend)
