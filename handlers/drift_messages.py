"""Drift items in the security channel: the message (pure), and its post from the outbox.

An open item carries the buttons its kind allows (``approvals.drift_desk.ACTIONS``), each
valued only with the item's id; a settled one says what became of it and by whom, without
buttons. Descriptions come from the cloud, so they are shown escaped.
"""

from __future__ import annotations

from approvals.drift import DriftItem, DriftKind, DriftStatus
from approvals.drift_desk import ACTIONS, DriftAction
from approvals.drift_store import DriftStore
from approvals.model import CardRef
from approvals.outbox import Notification
from handlers import mrkdwn
from handlers.block_parts import Block, Message, actions, button, context, header, message, section
from handlers.deps import Deps
from handlers.ids import ActionId, BlockId
from handlers.replies import NotDeliverable

BUTTONS: dict[DriftAction, tuple[str, ActionId]] = {
    DriftAction.REAPPLY: ("Re-apply (needs approval)", ActionId.DRIFT_REAPPLY),
    DriftAction.FORGET: ("Forget", ActionId.DRIFT_FORGET),
    DriftAction.ADOPT: ("Adopt as a permanent grant", ActionId.DRIFT_ADOPT),
    DriftAction.IGNORE: ("Ignore", ActionId.DRIFT_IGNORE),
    DriftAction.REVOKE: ("Revoke (needs approval)", ActionId.DRIFT_REVOKE),
}
ACTION_OF = {action_id: action for action, (_, action_id) in BUTTONS.items()}

_TITLES = {
    DriftKind.GONE: "A rule sgbot applied is gone from the cloud",
    DriftKind.UNAPPROVED: "A rule no request explains",
    DriftKind.ORPHAN: "An inbound rule whose MSE rule is gone",
}
_SETTLED = {
    DriftStatus.REAPPLYING: "asked to re-apply it",
    DriftStatus.FORGOTTEN: "forgot it",
    DriftStatus.ADOPTED: "adopted it",
    DriftStatus.IGNORED: "ignored it",
    DriftStatus.REVOKING: "asked to revoke it",
}


def drift_message(item: DriftItem, *, emulated: bool) -> Message:
    title = _TITLES[item.kind]
    rule = f"rule {item.rule_id}"
    what = (
        f"{mrkdwn.code(item.gateway_id)}: {rule} from the gateway to "
        f"{mrkdwn.code(item.security_group_id)} on ports {mrkdwn.code(item.ports)}"
    )
    lines = [what]
    if item.kind is DriftKind.GONE:
        held = ", ".join(item.request_ids) or "a grant"
        lines.append(f"Applied for {held}; deleted outside sgbot.")
    elif item.kind is DriftKind.ORPHAN:
        lines.append(
            f"Inbound rule {mrkdwn.code(item.backend_rule_id or '')} of "
            f"{mrkdwn.code(item.security_group_id)} still allows it, but MSE no longer has "
            f"{rule}."
        )
    if item.description:
        lines.append(f"Description: {mrkdwn.escape(item.description, 300)}")
    blocks: list[Block] = [header(f"Drift {item.id}: {title}"), section("\n".join(lines))]
    if item.status is DriftStatus.OPEN:
        buttons = [button(*_label(action), item.id) for action in ACTIONS[item.kind]]
        blocks.append(actions(buttons, block_id=BlockId.DRIFT))
        blocks.append(context("Only approvers can press these buttons."))
    else:
        blocks.append(context(_settled_text(item)))
    return message(f"Drift {item.id}: {title}", blocks, emulated=emulated)


def _label(action: DriftAction) -> tuple[str, str]:
    text, action_id = BUTTONS[action]
    return text, action_id


def _settled_text(item: DriftItem) -> str:
    if item.status is DriftStatus.RESOLVED:
        return "Resolved: a later reconcile no longer found it."
    by = mrkdwn.mention(item.settled_by) if item.settled_by else "Someone"
    follow = f" ({mrkdwn.code(item.follow_up)})" if item.follow_up else ""
    return f"{by} {_SETTLED[item.status]}{follow}."


async def deliver_drift(deps: Deps, note: Notification) -> None:
    """Post the item ``note`` names to the security channel and remember where; an item
    already posted is redrawn in place (its status changed without a click)."""
    drift = DriftStore(deps.redis, deps.keys)
    item = await drift.get(note.request_id)
    if item is None:
        raise NotDeliverable("the drift item no longer exists")
    post = drift_message(item, emulated=deps.emulated)
    if item.message is not None:
        ref = item.message
        await deps.slack.chat_update(
            channel=ref.channel_id, ts=ref.message_ts, text=post["text"], blocks=post["blocks"]
        )
        return
    posted = await deps.slack.chat_postMessage(
        channel=deps.settings.security_channel or "", text=post["text"], blocks=post["blocks"]
    )
    ref = CardRef(channel_id=str(posted["channel"]), message_ts=str(posted["ts"]))

    def attach(current: DriftItem) -> DriftItem | None:
        return None if current.message is not None else current.model_copy(update={"message": ref})

    await drift.update(item.id, attach)
