"""The one path a typed change takes into the store, whether sent at once or confirmed later.

``submit_change`` stores the change as ``received`` under the intake key of the Slack message
it came from, so Slack's retries, a second event for the same mention and a second Confirm
click all find the first request instead of making another. ``say_once`` answers an intake
once however often Slack delivers it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from approvals.model import ReplyTo
from bot import catalogue
from bot.logs import bind
from bot.metrics import Outcome
from handlers.block_parts import Message, message, section
from handlers.deps import Deps
from vocabulary.commands import ChangeCommand
from vocabulary.errors import UserError

log = logging.getLogger(__name__)

SEEN_TTL = timedelta(hours=1)
Say = Callable[[Message], Awaitable[None]]


def plain(deps: Deps, text: str) -> Message:
    return message(text, [section(text)], emulated=deps.emulated)


async def say_once(deps: Deps, intake_key: str, say: Say, reply: Message) -> None:
    if await deps.store.work.seen_once("intake", intake_key, SEEN_TTL):
        await say(reply)


async def submit_change(
    deps: Deps,
    command: ChangeCommand,
    *,
    user_id: str,
    reply_to: ReplyTo,
    intake_key: str,
    say: Say,
) -> None:
    kind = reply_to.surface.value
    requester = await deps.approvers.slack_user(user_id)
    try:
        created = await deps.service.submit(
            command, requester=requester, reply_to=reply_to, intake_key=intake_key
        )
    except UserError as exc:
        deps.metrics.count_request(kind, Outcome.REFUSED)
        await say(plain(deps, str(exc)))
        return
    if not created.created:
        deps.metrics.count_request(kind, Outcome.DUPLICATE)
        log.info("intake %s already stored as %s", intake_key, created.request_id)
        return
    deps.metrics.count_request(kind, Outcome.ACCEPTED)
    # The store's INFO line "request … new -> received by <org>:<user>" already records it.
    bind(request_id=created.request_id)
    log.debug("request %s received from user %s via %s", created.request_id, user_id, kind)
    await say(plain(deps, catalogue.say("intake.received", request_id=created.request_id)))
