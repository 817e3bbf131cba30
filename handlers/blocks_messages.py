"""Short messages about one request: card thread replies, requester notices, status and help.

``thread_reply`` narrates each step under the approval card (``ThreadEvent``, defined with the
outbox that carries it, names the step);
``requester_message`` tells the requester where their request stands, whatever the outcome;
``status_message`` answers ``status REQ-…`` with the card's content but no buttons;
``help_message`` lays out the grammar's help text. Every text is escaped or ours.
"""

from __future__ import annotations

from datetime import datetime

from approvals.model import Request, RequestState
from approvals.outbox import ThreadEvent
from bot.catalogue import say
from handlers import describe, describe_plan
from handlers.block_parts import Message, actions, button, message, section
from handlers.blocks_card import card_body
from handlers.ids import ActionId, BlockId
from handlers.mrkdwn import (
    MESSAGE_BLOCKS_LIMIT,
    SECTION_TEXT_LIMIT,
    channel_link,
    chunk_lines,
    code,
    date,
    escape,
    escape_entities,
    fit_lines,
    mention,
)

_S = RequestState
_RESULTS_LIMIT = 2400
_PLAN_LIMIT = 1800


def _results(request: Request) -> str:
    lines = describe_plan.result_lines(request)
    return "\n" + fit_lines(lines, _RESULTS_LIMIT) if lines else ""


def _why(key: str, request: Request, **fields: object) -> str:
    """``key``, or ``key.because`` with the state's reason when there is one."""
    reason = describe.state_reason_text(request)
    if reason:
        return say(f"{key}.because", reason=reason, **fields)
    return say(key, **fields)


def _incident(request: Request) -> str:
    return (
        " " + say("msg.incident", incident=code(request.incident_id)) if request.incident_id else ""
    )


def _thread_text(request: Request, event: ThreadEvent) -> str:
    rid = code(request.id)
    match event:
        case ThreadEvent.APPROVAL_RECORDED:
            missing = request.required_approvals - len(request.approvers)
            return say(
                "thread.approval_recorded",
                quorum=describe.quorum_text(request),
                request_id=rid,
                missing=missing,
            )
        case ThreadEvent.APPROVED:
            decided = describe.decision_text(request) or say("thread.approved_plain")
            return say("thread.approved", decided=decided, request_id=rid)
        case ThreadEvent.DENIED:
            decided = describe.decision_text(request) or say("thread.denied_plain")
            return say("thread.denied", decided=decided, request_id=rid)
        case ThreadEvent.APPLYING:
            return say("thread.applying", request_id=rid, gateway=describe.gateway_text(request))
        case ThreadEvent.APPLIED:
            return say("thread.applied", request_id=rid) + _results(request)
        case ThreadEvent.FAILED:
            failed = _why("thread.failed", request, request_id=rid)
            return failed + _incident(request) + " " + say("thread.failed_next") + _results(request)
        case ThreadEvent.PARTLY_APPLIED:
            partly = _why("thread.partly", request, request_id=rid)
            ends = request.grant_expires_at
            keeps = (
                say("thread.partly_keeps_until", at=date(ends))
                if ends is not None
                else say("thread.partly_keeps")
            )
            return partly + _incident(request) + " " + keeps + _results(request)
        case ThreadEvent.RETRYING:
            return say("thread.retrying", request_id=rid)
        case ThreadEvent.CANCELLED:
            return _why("thread.cancelled", request, request_id=rid)
        case ThreadEvent.EXPIRED:
            return say("thread.expired", request_id=rid, quorum=describe.quorum_text(request))
        case ThreadEvent.REMINDER:
            deadline = date(request.expires_at or request.updated_at)
            progress = describe.quorum_text(request)
            return say("thread.reminder", request_id=rid, quorum=progress, at=deadline)
        case ThreadEvent.REVOKING:
            return say("thread.revoking", request_id=rid)
        case ThreadEvent.REVOKED:
            return say("thread.revoked", request_id=rid) + _results(request)
        case ThreadEvent.REVOKE_FAILED:
            failed = _why("thread.revoke_failed", request, request_id=rid)
            return (
                failed + _incident(request) + " " + say("thread.revoke_failed_next", request_id=rid)
            )


def thread_reply(request: Request, event: ThreadEvent, *, emulated: bool) -> Message:
    """A reply to post in the card's thread about ``event``."""
    text = _thread_text(request, event)
    return message(text, [section(text)], emulated=emulated)


def _requester_text(request: Request, grant_ending: bool) -> str:
    rid = code(request.id)
    state = request.state
    if grant_ending and request.grant_expires_at is not None:
        return say(
            "tell.grant_ending",
            request_id=rid,
            at=date(request.grant_expires_at),
            extend=f"`extend {request.id} by 2h`",
        )
    if state in {_S.RECEIVED, _S.RESOLVING}:
        return say("tell.received", request_id=rid)
    if state is _S.PENDING:
        return _pending_text(request)
    if state is _S.REJECTED:
        return _why("tell.rejected", request, request_id=rid)
    if state in {_S.APPROVED, _S.APPLYING}:
        decided = describe.decision_text(request) or say("thread.approved_plain")
        return say("tell.applying", decided=decided, request_id=rid)
    if state is _S.APPLIED and request.extends is not None:
        reason = describe.state_reason_text(request)
        return say("tell.extension_approved", request_id=rid, reason=reason)
    if state is _S.APPLIED:
        ends = request.grant_expires_at
        if ends is not None:
            return say("tell.applied_until", request_id=rid, at=date(ends)) + _results(request)
        return say("tell.applied", request_id=rid) + _results(request)
    if state is _S.DENIED:
        decided = describe.decision_text(request) or say("thread.denied_plain")
        return say("tell.denied", request_id=rid, decided=decided)
    if state is _S.PARTLY_APPLIED:
        ends = request.grant_expires_at
        rest = (
            say("tell.partly_until", request_id=request.id, at=date(ends))
            if ends is not None
            else say("tell.partly_rest", request_id=request.id)
        )
        partly = say("tell.partly", request_id=rid)
        return partly + _incident(request) + " " + rest + _results(request)
    if state is _S.FAILED:
        failed = say("tell.failed", request_id=rid)
        return failed + _incident(request) + " " + say("tell.failed_next") + _results(request)
    if state is _S.EXPIRED:
        return say("tell.expired", request_id=rid)
    if state is _S.CANCELLED:
        return _why("thread.cancelled", request, request_id=rid)
    if state is _S.REVOKING:
        return say("thread.revoking", request_id=rid)
    return say("thread.revoked", request_id=rid) + _results(request)


def _pending_text(request: Request) -> str:
    where = channel_link(request.card.channel_id) if request.card else say("tell.security_channel")
    count = request.required_approvals
    plan = fit_lines(describe_plan.plan_lines(request), _PLAN_LIMIT, more="more.changes")
    return say(
        "tell.pending_one" if count == 1 else "tell.pending_many",
        request_id=code(request.id),
        where=where,
        count=count,
        target=describe.target_text(request).splitlines()[0],
        gateway=describe.gateway_text(request),
        ports=describe.ports_text(request),
        plan=plan or say("tell.nothing_to_change"),
        cancel=f"`cancel {request.id}`",
    )


def requester_message(request: Request, *, emulated: bool, grant_ending: bool = False) -> Message:
    """What the requester hears about ``request`` now; ``grant_ending`` warns of its end."""
    text = _requester_text(request, grant_ending)
    region = code(request.region) if request.region else ""
    if region and region not in text:  # the gateway's own line names it already
        text += "\n" + say("region.line", region=region)
    blocks = [section(text)]
    if grant_ending and request.grant_expires_at is not None:
        extend = button(say("extend.button"), ActionId.EXTEND_GRANT, request.id, style="primary")
        blocks.append(actions([extend], block_id=BlockId.EXTEND))
    return message(text, blocks, emulated=emulated)


def end_overdue_alert(request: Request, *, emulated: bool) -> Message:
    """The one alert to the security channel when a grant's rules outlive its end."""
    progress = request.end
    error = escape(progress.last_error, 600) if progress else say("alert.cloud_refused")
    fields = {
        "request_id": code(request.id),
        "requester": mention(request.requester.user_id),
        "gateway": describe.gateway_text(request),
        "at": date(request.grant_expires_at or request.updated_at),
        "error": error,
    }
    overdue = say("alert.end_overdue", **fields)
    retry = " " + say("alert.retry_at", at=date(progress.next_attempt_at)) if progress else ""
    text = overdue + _incident(request) + retry + " " + say("alert.by_hand") + _results(request)
    return message(text, [section(text)], emulated=emulated)


def status_message(request: Request, *, now: datetime, emulated: bool) -> Message:
    """The answer to ``status REQ-…``: the card's content without its buttons."""
    fallback = say(
        "status.fallback", request_id=code(request.id), state=describe.state_label(request.state)
    )
    return message(fallback, card_body(request, now=now), emulated=emulated)


def help_message(help_text: str, *, emulated: bool) -> Message:
    """The grammar's help text (our own ``mrkdwn``), split into sections that fit."""
    chunks = chunk_lines(escape_entities(help_text).splitlines(), SECTION_TEXT_LIMIT)
    blocks = [section(chunk) for chunk in chunks[: MESSAGE_BLOCKS_LIMIT - 1]]
    return message(say("help.fallback"), blocks, emulated=emulated)
