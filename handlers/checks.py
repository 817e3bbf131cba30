"""``check``: answer privately, after the ack, whether the gateway can reach the target.

A check is a read: the same membership policy as every read (``lookups.gateway`` refuses and
audits anyone but a full member), counted against the person's cloud lookups, and run on the
lookups' own cloud adapter so it never waits for the worker. Nothing is written to the cloud.
When access is missing, each pre-filled ``authorize`` (``Diagnosis.missing_requests``) is
stored as a reading of the asker's, so "Request the missing access" is the readings' Edit:
only the asker may click it, and it opens the request form filled in.
"""

from __future__ import annotations

import logging
import secrets

from approvals.keys import READING_TTL
from approvals.model import ReplyTo
from bot.cloud.doctor import gather_facts
from bot.cloud.doctor_model import Diagnosis
from bot.cloud.doctor_report import diagnose
from bot.commands import (
    Authorize,
    Check,
    GatewayRef,
    SecurityGroupsTarget,
    SecurityGroupTarget,
    Target,
)
from bot.deps import Deps
from bot.errors import CloudError, UserError
from bot.grammar import render_command
from handlers.block_parts import Message, message, section
from handlers.blocks_check import check_message
from handlers.mrkdwn import escape
from handlers.readings import PendingReading
from handlers.replies import reply_privately

log = logging.getLogger(__name__)

PREFILL_REASON = "access found missing by check"


def missing_access(diagnosis: Diagnosis) -> list[Authorize]:
    """One ``authorize`` per set of groups missing the same ports, on the gateway's id."""
    requests = []
    for groups, ports in diagnosis.missing_requests():
        target: Target = (
            SecurityGroupTarget(security_group_id=groups[0])
            if len(groups) == 1
            else SecurityGroupsTarget(security_group_ids=groups)
        )
        gateway = GatewayRef(value=diagnosis.gateway.unique_id)
        requests.append(
            Authorize(gateway=gateway, target=target, ports=ports, reason=PREFILL_REASON)
        )
    return requests


async def answer(deps: Deps, command: Check, user_id: str, reply_to: ReplyTo) -> Message:
    user = await deps.approvers.slack_user(user_id)
    try:
        gateway = await deps.lookups.gateway(user, command.gateway)
        await deps.lookups.count(user, f"check {gateway.unique_id}")
        diagnosis = diagnose(await gather_facts(deps.lookups.cloud, gateway, command))
    except UserError as exc:
        return _text(deps, str(exc))
    except CloudError as exc:
        return _text(deps, f"I could not check: {exc}")
    prefills = [
        (_label(request), await _store(deps, request, user_id, reply_to))
        for request in missing_access(diagnosis)
    ]
    requesters = {}
    for request_id in {p.request_id for e in diagnosis.endpoints for p in e.ports}:
        stored = await deps.store.get(request_id) if request_id else None
        if stored is not None:
            requesters[stored.id] = stored.requester.user_id
    log.info("check by user %s: %s", user_id, diagnosis.verdict)
    return check_message(diagnosis, requesters, prefills, emulated=deps.emulated)


async def answer_later(deps: Deps, command: Check, user_id: str, reply_to: ReplyTo) -> None:
    reply = await answer(deps, command, user_id, reply_to)
    await reply_privately(deps.slack, reply_to, user_id, reply)


async def _store(deps: Deps, request: Authorize, user_id: str, reply_to: ReplyTo) -> str:
    reading_id = secrets.token_urlsafe(16)
    pending = PendingReading(
        user_id=user_id,
        command=request,
        shown=render_command(request),
        reply_to=reply_to,
        intake_key=f"check:{reading_id}",
    )
    await deps.redis.set(deps.keys.reading(reading_id), pending.model_dump_json(), ex=READING_TTL)
    return reading_id


def _label(request: Authorize) -> str:
    target = request.target
    groups = (
        target.security_group_ids
        if isinstance(target, SecurityGroupsTarget)
        else (getattr(target, "security_group_id", ""),)
    )
    return f"{', '.join(groups)} on {', '.join(str(p) for p in request.ports)}"


def _text(deps: Deps, text: str) -> Message:
    return message(text, [section(escape(text))], emulated=deps.emulated)
