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
from bot.catalogue import say
from handlers import describe, describe_plan
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
    groups_label = say("card.field.groups")
    return fields_section(
        [
            field(say("card.field.requester"), mention(request.requester.user_id)),
            field(say("card.field.gateway"), describe.gateway_text(request)),
            field(say("card.field.target"), describe.target_text(request)),
            field(groups_label, describe.groups_text(request, field_budget(groups_label))),
            field(say("card.field.ports"), describe.ports_text(request)),
            field(say("card.field.duration"), describe.duration_text(request)),
            field(say("card.field.reason"), describe.reason_text(request)),
            field(say("card.field.risk"), describe.risk_text(request)),
            field(say("card.field.approvals"), describe.quorum_text(request)),
            field(say("card.field.request"), code(request.id)),
        ]
    )


def _title(request: Request) -> str:
    if request.extends is not None:
        return say("card.title.extension", request_id=request.id, extends=request.extends)
    key = "card.title.access" if request.kind is RequestKind.AUTHORIZE else "card.title.removal"
    return say(key, request_id=request.id)


def _body(request: Request, now: datetime) -> list[Block]:
    blocks = [header(_title(request)), _fields(request)]
    times = [say("card.requested", at=date(request.created_at))]
    if request.state is RequestState.PENDING and request.expires_at is not None:
        left = describe.time_left(request.expires_at, now)
        times.append(say("card.expires", at=date(request.expires_at), left=left))
    blocks.append(context(*times))
    if request.policy is not None:
        said = request.policy.text
        blocks.append(context(escape(said[:1].upper() + said[1:])))
    if request.plan:
        plan = fit_lines(describe_plan.plan_lines(request), SECTION_TEXT_LIMIT - 10)
        blocks.append(section(say("card.plan", plan=plan)))
    return blocks


def _approve_confirm(request: Request) -> Block:
    ports = ", ".join(str(port) for port in describe.ports_of(request))
    fields = {"ports": ports, "count": len(request.groups), "request_id": request.id}
    if not ports:
        scope = "any"
    elif not request.groups:
        scope = "backend"
    else:
        scope = "one" if len(request.groups) == 1 else "many"
    flags = set(request.risk_flags)
    if flags & _STRONG_FLAGS:
        if RiskFlag.ALL_PORTS in flags:
            title = say("card.confirm.all_ports")
        elif RiskFlag.BROAD in flags:
            title = say("card.confirm.broad")
        else:
            title = say("card.confirm.sensitive")
        text = say(_RISKY_TEXTS[scope], **fields)
        return confirm(title, text, go=say("card.button.approve_anyway"), danger=True)
    title = say("card.confirm.title", request_id=request.id)
    text = say(_PLAIN_TEXTS[scope], **fields)
    return confirm(title, text, go=say("card.button.approve"), danger=False)


# Whole sentences for each scope, so no language has to assemble "N security group(s)".
_RISKY_TEXTS = {
    "any": "card.confirm.risky_any",
    "backend": "card.confirm.risky_backend",
    "one": "card.confirm.risky_one",
    "many": "card.confirm.risky_many",
}
_PLAIN_TEXTS = {
    "any": "card.confirm.text_any",
    "backend": "card.confirm.text_backend",
    "one": "card.confirm.text_one",
    "many": "card.confirm.text_many",
}


def decision_actions(request: Request, *, block_id: str | None = BlockId.DECISION) -> Block:
    """Approve (with a confirm dialog) and Deny for ``request``; both values are its id.

    The App Home lists several requests, so it passes ``block_id=None`` and lets Slack make
    each block id unique; listeners match on the action id either way.
    """
    return actions(
        [
            button(
                say("card.button.approve"),
                ActionId.APPROVE,
                request.id,
                style="primary",
                confirm_dialog=_approve_confirm(request),
            ),
            button(say("card.button.deny"), ActionId.DENY, request.id, style="danger"),
        ],
        block_id=block_id,
    )


def _outcome(request: Request, now: datetime) -> list[Block]:
    """What replaces the buttons once the request left ``pending``."""
    state = request.state
    lines = [say("card.status", state=describe.state_label(state))]
    decided = describe.decision_text(request)
    if decided is not None:
        lines.append(decided)
    if state is RequestState.APPROVED:
        lines.append(say("card.waiting_for_worker"))
    elif state in {RequestState.APPLYING, RequestState.REVOKING}:
        lines.append(say("card.working_since", at=date(request.updated_at)))
    elif state is RequestState.EXPIRED:
        lines.append(say("card.nobody_decided", at=date(request.expires_at or request.updated_at)))
    elif state in _CLOSED_AT:
        lines.append(say(_CLOSED_AT[state], at=date(request.updated_at)))
    if state in HOLDING and request.grant_expires_at is not None:
        key = "card.grant_ends" if request.grant_expires_at > now else "card.grant_ended"
        lines.append(say(key, at=date(request.grant_expires_at)))
    if state in HOLDING and request.end is not None:
        lines.append(_end_progress(request.end))
    reason = describe.state_reason_text(request)
    if reason:
        lines.append(say("card.why", reason=reason))
    if request.incident_id is not None:
        lines.append(say("card.incident", incident=code(request.incident_id)))
    blocks = [section("\n".join(lines))]
    results = describe_plan.result_lines(request)
    if results:
        text = fit_lines(results, SECTION_TEXT_LIMIT - 12)
        blocks.append(section(say("card.results", results=text)))
    return blocks


_CLOSED_AT = {
    RequestState.REVOKED: "card.revoked_at",
    RequestState.CANCELLED: "card.cancelled_at",
    RequestState.REJECTED: "card.rejected_at",
}


def _end_progress(progress: EndProgress) -> str:
    fields = {"failures": progress.failures, "next": date(progress.next_attempt_at)}
    if progress.overdue_since is not None:
        return say("card.end_overdue", since=date(progress.overdue_since), **fields)
    return say("card.end_failing", **fields)


def _failure_actions(request: Request) -> Block:
    return actions(
        [
            button(say("card.button.retry"), ActionId.RETRY, request.id, style="primary"),
            button(say("card.button.cancel"), ActionId.CANCEL, request.id, style="danger"),
        ],
        block_id=BlockId.FAILURE,
    )


def _grant_actions(request: Request) -> Block:
    ending = confirm(
        say("card.confirm.end_title"),
        say("card.confirm.end_text", request_id=request.extends or request.id),
        go=say("card.button.end_access"),
        danger=True,
    )
    # An extension holds no rules of its own: its End access ends the grant it extended.
    grant = request.extends or request.id
    end = button(say("card.button.end_access"), ActionId.END_GRANT, grant, confirm_dialog=ending)
    if request.state is RequestState.PARTLY_APPLIED:
        # Retry completes the rest; the block id differs from a failed card's Retry + Cancel.
        retry = button(say("card.button.retry"), ActionId.RETRY, request.id, style="primary")
        return actions([retry, end], block_id=BlockId.GRANT)
    return actions([end], block_id=BlockId.GRANT)


def _fallback(request: Request) -> str:
    return say(
        "card.fallback",
        title=_title(request),
        requester=mention(request.requester.user_id),
        state=describe.state_label(request.state),
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
