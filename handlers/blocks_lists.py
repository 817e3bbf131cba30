"""Lists: a gateway's rules, the pending requests and the request history, paged to fit Slack.

Pages are numbered from 1; a page past the end shows the last one. The grammar has no page
clause, so paging is by Previous/Next buttons whose value names the page (``PageRef`` for
rules, a bare number for pending requests). A page of rules is at most 50 lines of bounded
length packed into sections, so any number of rules stays within 50 blocks and the text limits.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from approvals.model import Request, RequestState
from bot.catalogue import say
from bot.cloud.port import Gateway, GatewayRule
from handlers import describe
from handlers.block_parts import Block, Message, actions, button, context, header, message, section
from handlers.ids import ActionId, BlockId
from handlers.mrkdwn import chunk_lines, code, date

MAX_PAGE_SIZE = 50  # 100 long rule lines near the ~13k characters Slack may refuse
MAX_PENDING_PAGE_SIZE = 20
_HISTORY_BLOCKS = 30  # history sections; the rest of the message budget stays free


class PageRef(BaseModel):
    """The value of a rules pager button: which gateway and which page, as ``gw-…|3``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    gateway_id: str = Field(pattern=r"^[^|]+$")
    page: int = Field(ge=1)

    def encode(self) -> str:
        return f"{self.gateway_id}|{self.page}"

    @classmethod
    def decode(cls, value: str) -> PageRef:
        """Read a button value; a malformed one raises ``pydantic.ValidationError``."""
        gateway_id, _, page = value.rpartition("|")
        return cls.model_validate({"gateway_id": gateway_id, "page": page})


def page_bounds(total: int, page: int, page_size: int) -> tuple[int, int, int]:
    """``(page, pages, first index)`` with ``page`` clamped into ``1..pages``."""
    pages = max(1, math.ceil(total / page_size))
    page = min(max(page, 1), pages)
    return page, pages, (page - 1) * page_size


def _pager(
    block_id: str,
    previous: tuple[str, str] | None,
    following: tuple[str, str] | None,
) -> list[Block]:
    """Previous/Next buttons, each ``(action id, value)``, or no block when neither applies."""
    buttons = []
    if previous is not None:
        buttons.append(button(say("list.previous"), previous[0], previous[1]))
    if following is not None:
        buttons.append(button(say("list.next"), following[0], following[1]))
    return [actions(buttons, block_id=block_id)] if buttons else []


def _rule_line(rule: GatewayRule, owners: Mapping[int, str]) -> str:
    group = code(rule.security_group_id, 40)
    if rule.security_group_name:
        group = f"{group} {code(rule.security_group_name, 40)}"
    owner = owners.get(rule.rule_id)
    fields = {"rule": code(str(rule.rule_id), 24), "group": group, "ports": str(rule.ports)}
    if owner is not None:
        return say("list.rule_line_via", request_id=code(owner, 20), **fields)
    return say("list.rule_line_foreign", **fields)


def rules_list(
    gateway: Gateway,
    rules: Sequence[GatewayRule],
    owners: Mapping[int, str],
    *,
    page: int = 1,
    page_size: int = 25,
    emulated: bool,
    region: str | None = None,
) -> Message:
    """One page of ``gateway``'s rules; ``owners`` maps rule id to the request that made it."""
    page_size = min(max(page_size, 1), MAX_PAGE_SIZE)
    ordered = sorted(rules, key=lambda r: (r.security_group_id, r.ports.start, r.rule_id))
    page, pages, first = page_bounds(len(ordered), page, page_size)
    shown = ordered[first : first + page_size]
    name = f"{code(gateway.name, 60)} ({code(gateway.unique_id)})"
    owned = sum(1 for rule in rules if rule.rule_id in owners)
    blocks = [
        header(say("list.rules_title", gateway=gateway.name)),
        context(
            say(
                "list.rules_summary",
                gateway=name,
                count=len(rules),
                owned=owned,
                page=page,
                pages=pages,
            )
        ),
    ]
    if region:
        blocks.append(context(say("region.line", region=code(region))))
    if shown:
        lines = [_rule_line(rule, owners) for rule in shown]
        blocks.extend(section(chunk) for chunk in chunk_lines(lines))
    else:
        blocks.append(section(say("list.no_rules")))

    def page_value(number: int) -> str:
        return PageRef(gateway_id=gateway.unique_id, page=number).encode()

    blocks += _pager(
        BlockId.RULES_PAGER,
        (ActionId.RULES_PAGE_PREVIOUS, page_value(page - 1)) if page > 1 else None,
        (ActionId.RULES_PAGE_NEXT, page_value(page + 1)) if page < pages else None,
    )
    fallback = say("list.rules_fallback", gateway=name, page=page, pages=pages)
    return message(fallback, blocks, emulated=emulated)


def _pending_block(request: Request, now: datetime) -> Block:
    lines = [describe.summary_line(request), describe.quorum_text(request)]
    if request.expires_at is not None:
        left = describe.time_left(request.expires_at, now)
        quorum = describe.quorum_text(request)
        lines[-1] = say(
            "list.quorum_expires", quorum=quorum, at=date(request.expires_at), left=left
        )
    return section("\n".join(lines))


def pending_list(
    requests: Sequence[Request],
    *,
    page: int = 1,
    page_size: int = 10,
    total: int | None = None,
    now: datetime,
    emulated: bool,
) -> Message:
    """One page of pending requests, soonest deadline first; approve them on their cards.

    Without ``total``, ``requests`` are all of them and the page is cut here; with it,
    ``requests`` are already page ``page`` of ``total`` (the store pages, so a long queue is
    never read whole).
    """
    page_size = min(max(page_size, 1), MAX_PENDING_PAGE_SIZE)
    pending = [r for r in requests if r.state is RequestState.PENDING]
    pending.sort(key=lambda r: (r.expires_at or r.updated_at, r.id))
    if total is None:
        total = len(pending)
        page, pages, first = page_bounds(total, page, page_size)
        pending = pending[first : first + page_size]
    else:
        page, pages, _ = page_bounds(total, page, page_size)
        pending = pending[:page_size]
    blocks = [
        header(say("list.pending_title")),
        context(say("list.pending_summary", total=total, page=page, pages=pages)),
    ]
    blocks += [_pending_block(r, now) for r in pending]
    if not pending:
        blocks.append(section(say("list.nothing_pending")))
    blocks += _pager(
        BlockId.PENDING_PAGER,
        (ActionId.PENDING_PAGE_PREVIOUS, str(page - 1)) if page > 1 else None,
        (ActionId.PENDING_PAGE_NEXT, str(page + 1)) if page < pages else None,
    )
    return message(say("list.pending_fallback", total=total), blocks, emulated=emulated)


def history_list(requests: Sequence[Request], *, emulated: bool) -> Message:
    """The most recently updated requests first, as many as fit in one message."""
    latest = sorted(requests, key=lambda r: (r.updated_at, r.id), reverse=True)
    lines = [
        say("list.history_line", summary=describe.summary_line(r), at=date(r.updated_at))
        for r in latest
    ]
    chunks = chunk_lines(lines)
    shown = chunks[:_HISTORY_BLOCKS]
    counted = sum(chunk.count("\n") + 1 for chunk in shown)
    blocks = [header(say("list.history_title")), *(section(chunk) for chunk in shown)]
    if not latest:
        blocks.append(section(say("list.no_history")))
    blocks.append(context(say("list.history_summary", shown=counted, total=len(latest))))
    fallback = say("list.history_fallback", total=len(latest))
    return message(fallback, blocks, emulated=emulated)
