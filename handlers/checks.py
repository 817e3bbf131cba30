"""``check``: answer privately, after the ack, whether the gateway can reach the target.

A check is a read: the same membership policy as every read (``lookups.gateway`` refuses and
audits anyone but a full member), counted against the person's cloud lookups, and run on the
lookups' own cloud adapter so it never waits for the worker. Nothing is written to the cloud.
When access is missing, each pre-filled ``authorize`` (``Diagnosis.missing_requests``) is
stored as a reading of the asker's, so "Request the missing access" is the readings' Edit:
only the asker may click it, and it opens the request form filled in.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable
from typing import Any

from pydantic import ValidationError
from slack_bolt.async_app import AsyncApp

from approvals.keys import READING_TTL
from approvals.model import ReplyTo, Surface
from bot.catalogue import say
from bot.cloud.doctor import gather_facts
from bot.cloud.doctor_model import Diagnosis
from bot.cloud.doctor_report import diagnose
from bot.grammar import parse_ports, render_command
from handlers import views
from handlers.actions import tell_clicker
from handlers.block_parts import Message, message, section
from handlers.blocks import FormMetadata
from handlers.blocks_check import check_message
from handlers.deps import Deps
from handlers.ids import ActionId, BlockId
from handlers.mrkdwn import escape
from handlers.readings import PendingReading
from handlers.replies import reply_privately
from vocabulary.commands import (
    Authorize,
    Check,
    GatewayRef,
    SecurityGroupsTarget,
    SecurityGroupTarget,
    Target,
)
from vocabulary.errors import CloudError, UsageError, UserError

log = logging.getLogger(__name__)

_background: set[asyncio.Task[None]] = set()


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
            Authorize(
                gateway=gateway, target=target, ports=ports, reason=say("doctor.prefill_reason")
            )
        )
    return requests


async def answer(deps: Deps, command: Check, user_id: str, reply_to: ReplyTo) -> Message:
    user = await deps.approvers.slack_user(user_id)
    try:
        # The region holding the gateway (or the one named); every read goes to its endpoints.
        cloud, gateway = await deps.lookups.locate(user, command.gateway, command.region)
        await deps.lookups.count(user, f"check {gateway.unique_id}")
        diagnosis = diagnose(await gather_facts(cloud, gateway, command))
    except UserError as exc:
        return _text(deps, str(exc))
    except CloudError as exc:
        return _text(deps, say("doctor.failed", problem=exc))
    prefills = [
        (_label(request), await _store(deps, request, user_id, reply_to))
        for request in missing_access(diagnosis)
    ]
    requesters = {}
    for request_id in {p.request_id for e in diagnosis.endpoints for p in e.ports}:
        stored = await deps.store.get(request_id) if request_id else None
        if stored is not None:
            requesters[stored.id] = stored.requester.user_id
    log.info(
        "check by user %s: %d of %d endpoints blocked",
        user_id,
        len(diagnosis.blocked),
        len(diagnosis.endpoints),
    )
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
    ports = ", ".join(str(p) for p in request.ports)
    return say("doctor.missing_label", groups=", ".join(groups), ports=ports)


def _text(deps: Deps, text: str) -> Message:
    return message(text, [section(escape(text))], emulated=deps.emulated)


def check_from_form(values: dict[str, Any]) -> Check:
    """What the request form says, as a check; ``UserError`` says what is missing."""
    value = views._value
    gateway = value(values, BlockId.GATEWAY, ActionId.GATEWAY_SELECT)
    if not gateway:
        raise UsageError(say("doctor.form.gateway"))
    target = views._target(
        value(values, BlockId.SERVICE, ActionId.SERVICE_SELECT),
        value(values, BlockId.TARGET, ActionId.TARGET_INPUT),
    )
    typed = value(values, BlockId.PORTS, ActionId.PORTS_INPUT)
    ports = parse_ports(typed) if typed else ()
    if not ports and target.kind != "service":
        raise UsageError(say("doctor.form.ports"))
    return Check(gateway=GatewayRef(value=gateway), target=target, ports=ports)


async def _logged(work: Awaitable[None]) -> None:
    """Run a check after the ack; a failure is logged, never lost with its task."""
    try:
        await work
    except Exception:
        log.exception("check from the request form failed")


def register(app: AsyncApp, deps: Deps) -> None:
    async def on_check_from_form(ack: Any, body: dict[str, Any]) -> None:
        await ack()
        user_id = str(body["user"]["id"])
        view = body.get("view") or {}
        try:
            metadata = FormMetadata.decode(str(view.get("private_metadata")))
            command = check_from_form(view["state"]["values"])
        except (UserError, ValidationError, KeyError) as exc:
            text = str(exc) if isinstance(exc, UserError) else say("doctor.form.broken")
            await tell_clicker(deps, body, text)
            return
        reply_to = ReplyTo(surface=Surface.FORM, channel_id=metadata.channel_id)
        task = asyncio.get_running_loop().create_task(
            _logged(answer_later(deps, command, user_id, reply_to))
        )
        _background.add(task)  # the loop keeps only weak references to tasks
        task.add_done_callback(_background.discard)

    async def on_open_check_form(ack: Any, body: dict[str, Any]) -> None:
        user_id = str(body["user"]["id"])
        reply_to = ReplyTo(surface=Surface.HOME, channel_id=user_id)
        await views.open_request_form(deps, body["trigger_id"], reply_to, None, user_id)
        await ack()

    app.action(ActionId.CHECK_FROM_FORM)(on_check_from_form)
    app.action(ActionId.OPEN_CHECK_FORM)(on_open_check_form)
