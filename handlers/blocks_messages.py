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
from handlers import describe
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
    lines = describe.result_lines(request)
    return "\n" + fit_lines(lines, _RESULTS_LIMIT, noun="more") if lines else ""


def _why(request: Request) -> str:
    reason = describe.state_reason_text(request)
    return f": {reason}" if reason else "."


def _incident(request: Request) -> str:
    return f" Incident {code(request.incident_id)}." if request.incident_id else ""


def _ends(request: Request) -> str:
    ends = request.grant_expires_at
    return f" until {date(ends)}, when they are removed" if ends is not None else ""


def _thread_text(request: Request, event: ThreadEvent) -> str:
    rid = code(request.id)
    match event:
        case ThreadEvent.APPROVAL_RECORDED:
            missing = request.required_approvals - len(request.approvers)
            return f"{describe.quorum_text(request)} for {rid}; waiting for {missing} more."
        case ThreadEvent.APPROVED:
            return f"{describe.decision_text(request) or 'Approved'}. Applying {rid} next."
        case ThreadEvent.DENIED:
            return f"{rid}: {describe.decision_text(request) or 'Denied'}."
        case ThreadEvent.APPLYING:
            return f":gear: Applying {rid} to {describe.gateway_text(request)}…"
        case ThreadEvent.APPLIED:
            return f":white_check_mark: {rid} is applied.{_results(request)}"
        case ThreadEvent.FAILED:
            return (
                f":x: Applying {rid} failed{_why(request)}{_incident(request)} "
                f"An approver can press Retry or Cancel on the card.{_results(request)}"
            )
        case ThreadEvent.PARTLY_APPLIED:
            return (
                f":warning: {rid} is partly applied: the cloud refused the rest{_why(request)}"
                f"{_incident(request)} It keeps the rules it made{_ends(request)}. An approver "
                "can press Retry to complete it; End access removes what it made."
                f"{_results(request)}"
            )
        case ThreadEvent.RETRYING:
            return f":repeat: Retrying {rid}; rules that already exist are skipped."
        case ThreadEvent.CANCELLED:
            return f"{rid} was cancelled{_why(request)}"
        case ThreadEvent.EXPIRED:
            return f":hourglass: {rid} expired with {describe.quorum_text(request)}."
        case ThreadEvent.REMINDER:
            deadline = date(request.expires_at or request.updated_at)
            progress = describe.quorum_text(request)
            return f":bell: {rid} still needs approval ({progress}); it expires {deadline}."
        case ThreadEvent.REVOKING:
            return f":gear: Removing the rules of {rid}…"
        case ThreadEvent.REVOKED:
            return f":wastebasket: The rules of {rid} are removed.{_results(request)}"
        case ThreadEvent.REVOKE_FAILED:
            return (
                f":warning: Removing the rules of {rid} failed{_why(request)}{_incident(request)} "
                f"The rules stay in place, held by {rid}; I keep trying, less often each time "
                "(at least hourly), and alert this channel if its end becomes overdue."
            )


def thread_reply(request: Request, event: ThreadEvent, *, emulated: bool) -> Message:
    """A reply to post in the card's thread about ``event``."""
    text = _thread_text(request, event)
    return message(text, [section(text)], emulated=emulated)


def _requester_text(request: Request, grant_ending: bool) -> str:
    rid = code(request.id)
    state = request.state
    if grant_ending and request.grant_expires_at is not None:
        return (
            f":bell: The access {rid} granted ends {date(request.grant_expires_at)}; its rules "
            f"are removed then. Extend it with the button or `extend {request.id} by 2h`."
        )
    if state in {_S.RECEIVED, _S.RESOLVING}:
        return f"{rid} received; I'm resolving the gateway and its backend security groups…"
    if state is _S.PENDING:
        where = channel_link(request.card.channel_id) if request.card else "the security channel"
        count = request.required_approvals
        plural = "approval" if count == 1 else "approvals from different approvers"
        plan = fit_lines(describe.plan_lines(request), _PLAN_LIMIT, noun="more changes")
        named = describe.target_text(request).splitlines()[0]
        return (
            f"{rid} was sent to {where} for approval; it needs {count} {plural}.\n"
            f"Once approved, for {named} on {describe.gateway_text(request)}, ports "
            f"{describe.ports_text(request)}, I will:\n{plan or '_nothing to change_'}\n"
            f"I'll message you when it is decided; `cancel {request.id}` withdraws it."
        )
    if state is _S.REJECTED:
        return (
            f":no_entry: {rid} was not sent for approval{_why(request)}\n"
            "Correct the request and send it again; type `help` for the command forms."
        )
    if state in {_S.APPROVED, _S.APPLYING}:
        return f"{describe.decision_text(request) or 'Approved'}. Applying {rid} now…"
    if state is _S.APPLIED and request.extends is not None:
        return f":white_check_mark: {rid} is approved: {escape(request.state_reason or '')}."
    if state is _S.APPLIED:
        ends = (
            f" It ends {date(request.grant_expires_at)}."
            if request.grant_expires_at is not None
            else ""
        )
        return f":white_check_mark: {rid} is applied.{ends}{_results(request)}"
    if state is _S.DENIED:
        return f":no_entry_sign: {rid}: {describe.decision_text(request) or 'Denied'}."
    if state is _S.PARTLY_APPLIED:
        return (
            f":warning: {rid} is partly applied.{_incident(request)} Some rules were made and "
            f"the cloud refused the rest; you have the access they give{_ends(request)}. The "
            f"approvers can retry it, and `revoke {request.id}` or End access removes what it "
            f"made.{_results(request)}"
        )
    if state is _S.FAILED:
        return (
            f":x: Applying {rid} failed.{_incident(request)} The approvers were told and can "
            f"retry it.{_results(request)}"
        )
    if state is _S.EXPIRED:
        return f":hourglass: {rid} expired before anyone decided. Send it again if still needed."
    if state is _S.CANCELLED:
        return f"{rid} was cancelled{_why(request)}"
    if state is _S.REVOKING:
        return f":gear: Removing the rules of {rid}…"
    return f":wastebasket: The rules of {rid} are removed.{_results(request)}"


def requester_message(request: Request, *, emulated: bool, grant_ending: bool = False) -> Message:
    """What the requester hears about ``request`` now; ``grant_ending`` warns of its end."""
    text = _requester_text(request, grant_ending)
    blocks = [section(text)]
    if grant_ending and request.grant_expires_at is not None:
        extend = button("Extend 1h", ActionId.EXTEND_GRANT, request.id, style="primary")
        blocks.append(actions([extend], block_id=BlockId.EXTEND))
    return message(text, blocks, emulated=emulated)


def end_overdue_alert(request: Request, *, emulated: bool) -> Message:
    """The one alert to the security channel when a grant's rules outlive its end."""
    ends = date(request.grant_expires_at or request.updated_at)
    progress = request.end
    error = escape(progress.last_error, 600) if progress else "the cloud refused the removal"
    retry = f" I try again {date(progress.next_attempt_at)}." if progress else ""
    text = (
        f":rotating_light: End overdue: the access {code(request.id)} granted to "
        f"{mention(request.requester.user_id)} on {describe.gateway_text(request)} should have "
        f"ended {ends}, but its rules are still in the cloud: {error}.{_incident(request)}"
        f"{retry} Remove them by hand if this persists.{_results(request)}"
    )
    return message(text, [section(text)], emulated=emulated)


def status_message(request: Request, *, now: datetime, emulated: bool) -> Message:
    """The answer to ``status REQ-…``: the card's content without its buttons."""
    fallback = f"{code(request.id)}: {describe.state_label(request.state)}"
    return message(fallback, card_body(request, now=now), emulated=emulated)


def help_message(help_text: str, *, emulated: bool) -> Message:
    """The grammar's help text (our own ``mrkdwn``), split into sections that fit."""
    chunks = chunk_lines(escape_entities(help_text).splitlines(), SECTION_TEXT_LIMIT)
    blocks = [section(chunk) for chunk in chunks[: MESSAGE_BLOCKS_LIMIT - 1]]
    return message("sgbot commands", blocks, emulated=emulated)
