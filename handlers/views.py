"""The request form: opening it, its external selects, and its submission.

The form opens in the ack path (a ``trigger_id`` lives about 3 seconds), pre-filled with what
an incomplete command gave; anyone who may not read gateways (a guest, a bot, another
organisation) gets a modal saying why instead, and the pickers answer them nothing. Gateway
and service options come from ``deps.lookups`` (rate-limited per person, on its own cloud
threads, and cached in Redis for everyone); a lookup slower than ``OPTIONS_BUDGET_SECONDS``
keeps running and fills the cache for the next keystroke, so Slack always gets its answer in
time.
A submission is validated field by field; problems go back inline (``response_action:
errors``) and a valid one is stored as a request exactly like a typed command.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from datetime import timedelta
from typing import Any

from slack_bolt.async_app import AsyncApp

from approvals.lookups import Options
from approvals.model import ReplyTo, Surface
from bot.catalogue import say
from bot.grammar import parse_command, parse_ports
from bot.grammar.values import duration_refusal
from handlers.blocks import (
    FormMetadata,
    Prefill,
    notice_modal,
    options_response,
    request_form,
)
from handlers.deps import Deps
from handlers.ids import ActionId, BlockId, CallbackId
from handlers.middleware import deps_of
from vocabulary.commands import Authorize, GatewayRef, ServiceTarget, Target
from vocabulary.durations import parse_duration
from vocabulary.errors import CloudError, IncompleteCommand, PolicyRefused, UsageError, UserError

log = logging.getLogger(__name__)

OPTIONS_BUDGET_SECONDS = 2.0
_lookups: set[asyncio.Task[Options]] = set()


def prefill_from(incomplete: IncompleteCommand | None) -> Prefill:
    if incomplete is None:
        return {}
    given = incomplete.given
    prefill: dict[str, str | tuple[str, str]] = {}
    if isinstance(given.get("gateway"), GatewayRef):
        prefill[BlockId.GATEWAY] = given["gateway"].value
    target = given.get("target")
    if isinstance(target, ServiceTarget):
        name = f"{target.name}.{target.namespace}" if target.namespace else target.name
        prefill[BlockId.SERVICE] = name
    elif target is not None:
        prefill[BlockId.TARGET] = str(next(iter(target.model_dump(exclude={"kind"}).values())))
    if given.get("ports"):
        prefill[BlockId.PORTS] = ", ".join(str(port) for port in given["ports"])
    if isinstance(given.get("reason"), str):
        prefill[BlockId.REASON] = given["reason"]
    return prefill


async def open_request_form(
    deps: Deps,
    trigger_id: str,
    reply_to: ReplyTo,
    incomplete: IncompleteCommand | None,
    user_id: str,
) -> None:
    """The request form, or for anyone who may not ask a modal saying why (its pickers would
    show gateways and services)."""
    user = await deps.approvers.person(user_id)
    try:
        await deps.service.check_reader(user, "open the request form")
    except PolicyRefused as exc:
        await deps.slack.views_open(trigger_id=trigger_id, view=notice_modal("sgbot", str(exc)))
        return
    metadata = FormMetadata(channel_id=reply_to.channel_id, surface=reply_to.surface)
    view = request_form(prefill_from(incomplete), metadata)
    await deps.slack.views_open(trigger_id=trigger_id, view=view)


def _value(values: dict[str, Any], block: BlockId, action: ActionId) -> str | None:
    element = values.get(block, {}).get(action, {})
    selected = element.get("selected_option")
    value = selected.get("value") if selected else element.get("value")
    return str(value).strip() if value else None


_ANY_GATEWAY = "gw-" + "0" * 32  # stands in for the chosen gateway when parsing the target


def _target(service: str | None, other: str | None) -> Target:
    if other:
        parsed = parse_command(f"authorize gateway {_ANY_GATEWAY} to {other} on 1")
        assert isinstance(parsed, Authorize)
        return parsed.target
    if service:
        name, _, namespace = service.partition(".")
        return ServiceTarget(name=name, namespace=namespace or None)
    raise UsageError(say("form.error.no_target"))


def command_from_form(
    values: dict[str, Any], max_duration: timedelta
) -> tuple[Authorize | None, dict[str, str]]:
    """The request the form describes, or the inline errors by block id."""
    errors: dict[str, str] = {}
    gateway = _value(values, BlockId.GATEWAY, ActionId.GATEWAY_SELECT)
    if not gateway:
        errors[BlockId.GATEWAY] = say("form.error.no_gateway")
    target: Target | None = None
    try:
        target = _target(
            _value(values, BlockId.SERVICE, ActionId.SERVICE_SELECT),
            _value(values, BlockId.TARGET, ActionId.TARGET_INPUT),
        )
    except UserError as exc:
        errors[BlockId.TARGET] = str(exc)
    ports = None
    try:
        ports = parse_ports(_value(values, BlockId.PORTS, ActionId.PORTS_INPUT) or "")
    except UsageError as exc:
        errors[BlockId.PORTS] = str(exc)
    duration_text = _value(values, BlockId.DURATION, ActionId.DURATION_SELECT) or "permanent"
    duration = None if duration_text == "permanent" else parse_duration(duration_text)
    if (problem := duration_refusal(duration, max_duration)) is not None:
        errors[BlockId.DURATION] = problem
    if errors or gateway is None or target is None or ports is None:
        return None, errors
    reason = _value(values, BlockId.REASON, ActionId.REASON_INPUT)
    command = Authorize(
        gateway=GatewayRef(value=gateway),
        target=target,
        ports=ports,
        duration=duration,
        reason=reason,
    )
    return command, {}


async def _in_time(lookup: str, fetch: Coroutine[Any, Any, Options]) -> Options:
    """The options ``fetch`` finds, or none if it takes longer than Slack waits; it runs on
    and fills the cache for the next keystroke."""
    task = asyncio.get_running_loop().create_task(fetch)
    _lookups.add(task)
    task.add_done_callback(_lookups.discard)
    try:
        return await asyncio.wait_for(asyncio.shield(task), OPTIONS_BUDGET_SECONDS)
    except TimeoutError:
        log.info("options lookup %s is slow; answering without it", lookup)
    except (CloudError, PolicyRefused) as exc:
        log.warning("options lookup %s failed: %s", lookup, exc)
    return []


async def gateway_options(ack: Any, body: dict[str, Any], context: dict[str, Any]) -> None:
    deps = deps_of(context)
    user = await deps.approvers.person(str(body["user"]["id"]))
    try:
        await deps.lookups.check_reader(user, "list gateways")
    except PolicyRefused:
        await ack(options_response([]))  # nothing to show them; the form never opened
        return

    typed = str(body.get("value") or "").casefold()
    options = await _in_time("gateways", deps.lookups.gateway_options(user))
    await ack(options_response([o for o in options if typed in o[0].casefold()]))


async def service_options(ack: Any, body: dict[str, Any], context: dict[str, Any]) -> None:
    deps = deps_of(context)
    values = body.get("view", {}).get("state", {}).get("values", {})
    gateway = _value(values, BlockId.GATEWAY, ActionId.GATEWAY_SELECT)
    if not gateway:
        await ack(options_response([]))
        return

    user = await deps.approvers.person(str(body["user"]["id"]))
    try:
        await deps.lookups.check_reader(user, f"list services of {gateway}")
    except PolicyRefused:
        await ack(options_response([]))
        return

    typed = str(body.get("value") or "").casefold()
    options = await _in_time(f"services:{gateway}", deps.lookups.service_options(user, gateway))
    await ack(options_response([o for o in options if typed in o[0].casefold()]))


async def on_submit(
    ack: Any, body: dict[str, Any], view: dict[str, Any], context: dict[str, Any]
) -> None:
    deps = deps_of(context)
    command, errors = command_from_form(view["state"]["values"], deps.settings.max_duration)
    if command is None:
        await ack(response_action="errors", errors=errors)
        return
    metadata = FormMetadata.decode(view["private_metadata"])
    user_id = str(body["user"]["id"])
    reply_to = ReplyTo(surface=Surface.FORM, channel_id=metadata.channel_id)
    requester = await deps.approvers.person(user_id)
    try:
        created = await deps.service.submit(
            command, requester=requester, reply_to=reply_to, intake_key=f"view:{view['id']}"
        )
    except UserError as exc:
        await ack(response_action="errors", errors={BlockId.REASON: str(exc)})
        return
    log.info("request %s received from user %s via the form", created.request_id, user_id)
    await ack()


def register(app: AsyncApp, deps: Deps) -> None:
    app.options(ActionId.GATEWAY_SELECT)(gateway_options)
    app.options(ActionId.SERVICE_SELECT)(service_options)
    app.view(CallbackId.REQUEST_FORM)(on_submit)
