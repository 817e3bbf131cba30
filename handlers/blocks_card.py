"""The approval card in the security channel, in every state a request passes through.

``approval_card`` is the pending card with Approve and Deny; ``card_for`` renders whatever
state the request is in, so one ``chat.update`` after every transition keeps the card true:
the buttons give way to who decided and when, then to the apply result, a failed request
offers Retry and Cancel, an applied grant offers End access (the requester or an approver
ends it at once; removing access needs no second approval) and a partly applied one Retry and
End access. A grant whose rules the cloud will not remove says so, and "end overdue" once it
is. Buttons carry only the request id.
"""

from __future__ import annotations

from datetime import datetime

from approvals.machine import HOLDING
from approvals.model import EndProgress, Request, RequestKind, RequestState, RiskFlag
from handlers import describe
from handlers.block_parts import (
    Block,
    Message,
    actions,
    button,
    confirm,
    context,
    field,
    field_budget,
    fields_section,
    header,
    message,
    section,
)
from handlers.ids import ActionId, BlockId
from handlers.mrkdwn import SECTION_TEXT_LIMIT, code, date, escape, fit_lines, mention

_STRONG_FLAGS = frozenset({RiskFlag.BROAD, RiskFlag.ALL_PORTS, RiskFlag.SENSITIVE_PORT})


def _fields(request: Request) -> Block:
    return fields_section(
        [
            field("Requester", mention(request.requester.user_id)),
            field("Gateway", describe.gateway_text(request)),
            field("Target", describe.target_text(request)),
            field(
                "Security groups", describe.groups_text(request, field_budget("Security groups"))
            ),
            field("Ports", describe.ports_text(request)),
            field("Duration", describe.duration_text(request)),
            field("Reason", describe.reason_text(request)),
            field("Risk", describe.risk_text(request)),
            field("Approvals", describe.quorum_text(request)),
            field("Request", code(request.id)),
        ]
    )


def _title(request: Request) -> str:
    if request.extends is not None:
        return f"Extension request {request.id} for {request.extends}"
    verb = "access" if request.kind is RequestKind.AUTHORIZE else "removal"
    return f"Gateway {verb} request {request.id}"


def _body(request: Request, now: datetime) -> list[Block]:
    blocks = [header(_title(request)), _fields(request)]
    times = [f"Requested {date(request.created_at)}"]
    if request.state is RequestState.PENDING and request.expires_at is not None:
        left = describe.time_left(request.expires_at, now)
        times.append(f"Expires {date(request.expires_at)} ({left}) unless decided")
    blocks.append(context(*times))
    if request.policy is not None:
        said = request.policy.text
        blocks.append(context(escape(said[:1].upper() + said[1:])))
    if request.plan:
        plan = fit_lines(describe.plan_lines(request), SECTION_TEXT_LIMIT - 10, noun="more")
        blocks.append(section(f"*Plan*\n{plan}"))
    return blocks


def _approve_confirm(request: Request) -> Block:
    ports = ", ".join(str(port) for port in describe.ports_of(request)) or "the requested ports"
    groups = len(request.groups) or "the backend"
    group_word = "security group" if len(request.groups) == 1 else "security groups"
    flags = set(request.risk_flags)
    if flags & _STRONG_FLAGS:
        if RiskFlag.ALL_PORTS in flags:
            title = "Approve access on ALL ports?"
        elif RiskFlag.BROAD in flags:
            title = "Approve broad access?"
        else:
            title = "Approve access to sensitive ports?"
        text = (
            f"This opens ports {ports} from the gateway to {groups} {group_word}. "
            "These ports are broad or reach databases and remote shells: check the reason "
            f"and the target before approving {request.id}."
        )
        return confirm(title, text, go="Approve anyway", danger=True)
    text = f"Open ports {ports} from the gateway to {groups} {group_word} for {request.id}?"
    return confirm(f"Approve {request.id}?", text, go="Approve", danger=False)


def decision_actions(request: Request, *, block_id: str | None = BlockId.DECISION) -> Block:
    """Approve (with a confirm dialog) and Deny for ``request``; both values are its id.

    The App Home lists several requests, so it passes ``block_id=None`` and lets Slack make
    each block id unique; listeners match on the action id either way.
    """
    return actions(
        [
            button(
                "Approve",
                ActionId.APPROVE,
                request.id,
                style="primary",
                confirm_dialog=_approve_confirm(request),
            ),
            button("Deny", ActionId.DENY, request.id, style="danger"),
        ],
        block_id=block_id,
    )


def _outcome(request: Request, now: datetime) -> list[Block]:
    """What replaces the buttons once the request left ``pending``."""
    state = request.state
    lines = [f"*Status:* {describe.state_label(state)}"]
    decided = describe.decision_text(request)
    if decided is not None:
        lines.append(decided)
    if state is RequestState.APPROVED:
        lines.append("Waiting for the worker to apply it.")
    elif state in {RequestState.APPLYING, RequestState.REVOKING}:
        lines.append(f"Working on it since {date(request.updated_at)}.")
    elif state is RequestState.EXPIRED:
        lines.append(f"Nobody decided before {date(request.expires_at or request.updated_at)}.")
    elif state in {RequestState.REVOKED, RequestState.CANCELLED, RequestState.REJECTED}:
        lines.append(f"{state.value.capitalize()} {date(request.updated_at)}.")
    if state in HOLDING and request.grant_expires_at is not None:
        verb = "ends" if request.grant_expires_at > now else "ended"
        lines.append(f"The grant {verb} {date(request.grant_expires_at)}.")
    if state in HOLDING and request.end is not None:
        lines.append(_end_progress(request.end))
    reason = describe.state_reason_text(request)
    if reason:
        lines.append(f"_Why:_ {reason}")
    if request.incident_id is not None:
        lines.append(f"Incident {code(request.incident_id)}: quote it when asking for help.")
    blocks = [section("\n".join(lines))]
    results = describe.result_lines(request)
    if results:
        text = fit_lines(results, SECTION_TEXT_LIMIT - 12, noun="more")
        blocks.append(section(f"*Results*\n{text}"))
    return blocks


def _end_progress(progress: EndProgress) -> str:
    retry = f"next attempt {date(progress.next_attempt_at)}"
    if progress.overdue_since is not None:
        return (
            f":rotating_light: *End overdue* since {date(progress.overdue_since)}: the cloud "
            f"has refused to remove its rules {progress.failures} times; {retry}."
        )
    return f"Removing its rules failed {progress.failures} times; {retry}."


def _failure_actions(request: Request) -> Block:
    return actions(
        [
            button("Retry", ActionId.RETRY, request.id, style="primary"),
            button("Cancel", ActionId.CANCEL, request.id, style="danger"),
        ],
        block_id=BlockId.FAILURE,
    )


def _grant_actions(request: Request) -> Block:
    ending = confirm(
        "End this access?",
        f"The rules {request.extends or request.id} added are removed now, except those "
        "another grant still holds.",
        go="End access",
        danger=True,
    )
    # An extension holds no rules of its own: its End access ends the grant it extended.
    grant = request.extends or request.id
    end = button("End access", ActionId.END_GRANT, grant, confirm_dialog=ending)
    if request.state is RequestState.PARTLY_APPLIED:
        # Retry completes the rest; the block id differs from a failed card's Retry + Cancel.
        retry = button("Retry", ActionId.RETRY, request.id, style="primary")
        return actions([retry, end], block_id=BlockId.GRANT)
    return actions([end], block_id=BlockId.GRANT)


def _fallback(request: Request) -> str:
    return (
        f"{_title(request)} from {mention(request.requester.user_id)}: "
        f"{describe.state_label(request.state)}"
    )


def approval_card(request: Request, *, now: datetime, emulated: bool) -> Message:
    """The pending card: request details, plan and the Approve/Deny buttons."""
    blocks = [*_body(request, now), decision_actions(request)]
    return message(_fallback(request), blocks, emulated=emulated)


def card_body(request: Request, *, now: datetime) -> list[Block]:
    """The card without buttons: details, plan and, after pending, the outcome."""
    blocks = _body(request, now)
    if request.state is not RequestState.PENDING:
        blocks.extend(_outcome(request, now))
    return blocks


def card_for(request: Request, *, now: datetime, emulated: bool) -> Message:
    """The card for the request's current state; buttons while pending, failed or granted."""
    if request.state is RequestState.PENDING:
        return approval_card(request, now=now, emulated=emulated)
    blocks = card_body(request, now=now)
    if request.state is RequestState.FAILED:
        blocks.append(_failure_actions(request))
    elif request.state in HOLDING and request.kind is RequestKind.AUTHORIZE:
        blocks.append(_grant_actions(request))
    return message(_fallback(request), blocks, emulated=emulated)
