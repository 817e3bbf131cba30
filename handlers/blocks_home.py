"""The App Home tab: a button to open the request form, my requests, and what awaits me.

Someone who may not read requests (a guest, a bot, another organisation) gets
``refused_home_view``: the reason, and no requests.

Approvers (``pending_for_approver`` given) see every pending request with the same Approve and
Deny buttons as the card, so a click from Home runs the same listener and the same checks.
Sections are capped so the view stays within Slack's 100 blocks however many requests exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from approvals.model import Request, RequestState
from bot.catalogue import say
from handlers import describe
from handlers.block_parts import (
    Block,
    actions,
    button,
    context,
    divider,
    emulated_notice,
    header,
    section,
)
from handlers.blocks_card import decision_actions
from handlers.ids import ActionId, BlockId
from handlers.mrkdwn import date

MY_REQUESTS_SHOWN = 15
PENDING_SHOWN = 30  # two blocks each: summary and buttons


def _mine(my_requests: Sequence[Request]) -> list[Block]:
    latest = sorted(my_requests, key=lambda r: (r.updated_at, r.id), reverse=True)
    blocks: list[Block] = [header(say("home.mine_title"))]
    if not latest:
        blocks.append(section(say("home.mine_none")))
    for request in latest[:MY_REQUESTS_SHOWN]:
        updated = say("home.updated", at=date(request.updated_at))
        blocks.append(section(f"{describe.summary_line(request)}\n{updated}"))
    if len(latest) > MY_REQUESTS_SHOWN:
        blocks.append(context(say("home.mine_more", count=len(latest) - MY_REQUESTS_SHOWN)))
    return blocks


def _awaiting(pending: Sequence[Request], now: datetime) -> list[Block]:
    waiting = sorted(
        (r for r in pending if r.state is RequestState.PENDING),
        key=lambda r: (r.expires_at or r.updated_at, r.id),
    )
    blocks: list[Block] = [divider(), header(say("home.waiting_title"))]
    if not waiting:
        blocks.append(section(say("list.nothing_pending")))
    for request in waiting[:PENDING_SHOWN]:
        lines = [describe.summary_line(request), describe.quorum_text(request)]
        if request.expires_at is not None:
            lines.append(say("home.expires", left=describe.time_left(request.expires_at, now)))
        blocks.append(section("\n".join(lines)))
        blocks.append(decision_actions(request, block_id=None))
    if len(waiting) > PENDING_SHOWN:
        more = len(waiting) - PENDING_SHOWN
        blocks.append(context(say("home.waiting_more", count=more)))
    return blocks


def refused_home_view(reason: str, *, emulated: bool) -> dict[str, Any]:
    """The Home view for someone who may not read requests: why, and nothing else."""
    blocks: list[Block] = [emulated_notice()] if emulated else []
    blocks += [header(say("home.title")), section(reason)]
    return {"type": "home", "blocks": blocks}


def home_view(
    my_requests: Sequence[Request],
    pending_for_approver: Sequence[Request] | None,
    *,
    now: datetime,
    emulated: bool,
) -> dict[str, Any]:
    """The Home view for one person; ``None`` for ``pending_for_approver`` if not an approver."""
    blocks: list[Block] = [emulated_notice()] if emulated else []
    blocks += [
        header(say("home.title")),
        section(say("home.intro")),
        actions(
            [
                button(
                    say("home.new_request"), ActionId.OPEN_REQUEST_FORM, "open", style="primary"
                ),
                button(say("home.check_access"), ActionId.OPEN_CHECK_FORM, "open"),
            ],
            block_id=BlockId.HOME_ACTIONS,
        ),
        *_mine(my_requests),
    ]
    if pending_for_approver is not None:
        blocks += _awaiting(pending_for_approver, now)
    return {"type": "home", "blocks": blocks}
