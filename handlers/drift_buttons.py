"""The buttons of a drift item: ack, decode the item id, let the desk act, redraw, tell.

The button value is only the item's id; who clicked is checked by ``DriftDesk.act`` on every
click with fresh facts (``users.info`` and the approver set). The message redrawn is the one
stored with the item, never the one the click came from, so an edited value cannot draw one
item over another's message.
"""

from __future__ import annotations

import logging
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from slack_bolt.async_app import AsyncApp

from approvals.drift import DRIFT_ID_PATTERN, DriftItem
from approvals.drift_desk import DriftAction
from bot.catalogue import say
from bot.metrics import Outcome
from handlers.actions import tell_clicker
from handlers.deps import Deps
from handlers.drift_messages import ACTION_OF, drift_message
from handlers.middleware import deps_of
from handlers.mrkdwn import mention_people
from vocabulary.errors import UserError

log = logging.getLogger(__name__)


class DriftButton(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    item_id: str = Field(pattern=f"^{DRIFT_ID_PATTERN}$")


async def redraw(deps: Deps, item: DriftItem) -> None:
    if item.message is None:
        return
    note = drift_message(item, emulated=deps.emulated)
    await deps.slack.chat_update(
        channel=item.message.channel_id,
        ts=item.message.message_id,
        text=note["text"],
        blocks=note["blocks"],
    )


async def on_click(
    ack: Any, body: dict[str, Any], action: dict[str, Any], context: dict[str, Any]
) -> None:
    deps = deps_of(context)
    await ack()
    await press(deps, body, ACTION_OF[action["action_id"]], action.get("value"))


def register(app: AsyncApp, deps: Deps) -> None:
    for action_id in ACTION_OF:
        app.action(action_id)(on_click)


async def press(deps: Deps, body: dict[str, Any], action: DriftAction, value: object) -> None:
    user_id = str(body["user"]["id"])
    try:
        item_id = DriftButton(item_id=str(value)).item_id
        user = await deps.approvers.person(user_id)
        approver_ids = await deps.approvers.approver_ids()
        item, told = await deps.drift.act(item_id, action, user, approver_ids)
    except ValidationError:
        await tell_clicker(deps, deps.slack, body, say("drift.bad_button"))
        return
    except UserError as exc:
        deps.metrics.count_request(f"drift_{action.value}", Outcome.REFUSED)
        log.info("refused drift %s by user %s: %s", action.value, user_id, exc)
        await tell_clicker(deps, deps.slack, body, mention_people(str(exc)))
        return
    deps.metrics.count_request(f"drift_{action.value}", Outcome.ACCEPTED)
    log.info("drift %s: %s by user %s", item.id, action.value, user_id)
    await redraw(deps, item)
    await tell_clicker(deps, deps.slack, body, mention_people(told))
