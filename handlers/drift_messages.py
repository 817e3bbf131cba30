"""Drift items in the security channel: the message (pure), and its post from the outbox.

An open item carries the buttons its kind allows (``approvals.drift_desk.ACTIONS``), each
valued only with the item's id; a settled one says what became of it and by whom, without
buttons. Descriptions come from the cloud, so they are shown escaped.
"""

from __future__ import annotations

from approvals.drift import DriftItem, DriftKind, DriftStatus
from approvals.drift_desk import ACTIONS, DriftAction
from approvals.model import CardRef
from approvals.outbox import Notification
from bot.catalogue import say
from handlers import mrkdwn
from handlers.block_parts import Block, Message, actions, button, context, header, message, section
from handlers.deps import Deps
from handlers.ids import ActionId, BlockId
from handlers.replies import NotDeliverable

BUTTONS: dict[DriftAction, tuple[str, ActionId]] = {
    DriftAction.REAPPLY: ("drift.button.reapply", ActionId.DRIFT_REAPPLY),
    DriftAction.FORGET: ("drift.button.forget", ActionId.DRIFT_FORGET),
    DriftAction.ADOPT: ("drift.button.adopt", ActionId.DRIFT_ADOPT),
    DriftAction.IGNORE: ("drift.button.ignore", ActionId.DRIFT_IGNORE),
    DriftAction.REVOKE: ("drift.button.revoke", ActionId.DRIFT_REVOKE),
}
ACTION_OF = {action_id: action for action, (_, action_id) in BUTTONS.items()}

_TITLES = {
    DriftKind.GONE: "drift.title.gone",
    DriftKind.UNAPPROVED: "drift.title.unapproved",
    DriftKind.ORPHAN: "drift.title.orphan",
}


def drift_message(item: DriftItem, *, emulated: bool) -> Message:
    title = say("drift.header", item_id=item.id, title=say(_TITLES[item.kind]))
    lines = [
        say(
            "drift.what",
            gateway=mrkdwn.code(item.gateway_id),
            rule_id=item.rule_id,
            group=mrkdwn.code(item.security_group_id),
            ports=mrkdwn.code(item.ports),
        )
    ]
    if item.kind is DriftKind.GONE:
        held = ", ".join(item.request_ids)
        lines.append(say("drift.gone", held=held) if held else say("drift.gone.no_request"))
    elif item.kind is DriftKind.ORPHAN:
        lines.append(
            say(
                "drift.orphan",
                backend_rule=mrkdwn.code(item.backend_rule_id or ""),
                group=mrkdwn.code(item.security_group_id),
                rule_id=item.rule_id,
            )
        )
    if item.description:
        lines.append(say("drift.description", description=mrkdwn.escape(item.description, 300)))
    blocks: list[Block] = [header(title), section("\n".join(lines))]
    if item.status is DriftStatus.OPEN:
        buttons = [button(*_label(action), item.id) for action in ACTIONS[item.kind]]
        blocks.append(actions(buttons, block_id=BlockId.DRIFT))
        blocks.append(context(say("drift.approvers_only")))
    else:
        blocks.append(context(_settled_text(item)))
    return message(title, blocks, emulated=emulated)


def _label(action: DriftAction) -> tuple[str, str]:
    key, action_id = BUTTONS[action]
    return say(key), action_id


def _settled_text(item: DriftItem) -> str:
    if item.status is DriftStatus.RESOLVED:
        return say("drift.resolved")
    by = mrkdwn.mention(item.settled_by) if item.settled_by else say("drift.someone")
    if item.follow_up:
        follow_up = mrkdwn.code(item.follow_up)
        return say(f"drift.settled.{item.status.value}.follow", by=by, follow_up=follow_up)
    return say(f"drift.settled.{item.status.value}", by=by)


async def deliver_drift(deps: Deps, note: Notification) -> None:
    """Post the item ``note`` names to the security channel and remember where; an item
    already posted is redrawn in place (its status changed without a click)."""
    item = await deps.drift.item(note.request_id)
    if item is None:
        raise NotDeliverable("the drift item no longer exists")
    post = drift_message(item, emulated=deps.emulated)
    if item.message is not None:
        ref = item.message
        await deps.slack.chat_update(
            channel=ref.channel_id, ts=ref.message_id, text=post["text"], blocks=post["blocks"]
        )
        return
    posted = await deps.slack.chat_postMessage(
        channel=deps.settings.security_channel or "", text=post["text"], blocks=post["blocks"]
    )
    ref = CardRef(channel_id=str(posted["channel"]), message_id=str(posted["ts"]))
    await deps.drift.posted(item.id, ref)
