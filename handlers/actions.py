"""Card buttons (approve, deny, retry, cancel, end access), the deny reason form, Home buttons.

Listeners are module-level functions in the shape of Bolt's starter template: they receive
``ack``, ``body``, ``client`` and ``context``, where ``handlers.middleware`` has put the
process's ``Deps`` and, for card buttons, the decoded click (request id and clicking person).
A button's ``value`` is only a request id; everything else is loaded through the workflow.
Every click re-checks the policy with fresh facts (``users.info``, the approver set): a
refused click gets a private explanation and changes nothing. A click on a card that is no
longer pending refreshes the card to the request's current state. Card updates, thread replies
and the requester's DM after a decision come from the outbox, not from here.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from approvals.model import ReplyTo, Request, Surface, Verdict
from approvals.policy import Person
from bot.catalogue import say
from bot.metrics import Outcome
from handlers import home, views
from handlers.block_parts import message, section
from handlers.blocks import DenyFormMetadata, card_for, deny_reason_form
from handlers.deps import Deps
from handlers.ids import ActionId, BlockId, CallbackId
from handlers.middleware import Click, click_of, deps_of, read_click
from handlers.replies import direct_message, ephemeral, respond
from handlers.settled import settled_message
from vocabulary.errors import UserError

log = logging.getLogger(__name__)


async def tell_clicker(deps: Deps, client: AsyncWebClient, body: dict[str, Any], text: str) -> None:
    """A private note to whoever clicked: in the message's channel, or by DM for a click in
    App Home (which has no channel and no response URL); a Home click also redraws Home."""
    note = message(text, [section(text)], emulated=deps.emulated)
    user_id = str(body["user"]["id"])
    response_url = body.get("response_url")
    if response_url and await respond(str(response_url), note):
        return
    channel = (body.get("channel") or {}).get("id")
    if channel:
        await ephemeral(client, str(channel), user_id, note)
        return
    await direct_message(client, user_id, note)
    if (body.get("view") or {}).get("type") == "home":
        await home.publish_home(deps, user_id)


async def refresh_card(
    deps: Deps, client: AsyncWebClient, body: dict[str, Any], request: Request
) -> None:
    """Redraw the request's card from the stored request.

    The stored card location wins over the clicked message's: a button value edited to name
    another request must not make us draw that request over the card that was clicked.
    """
    channel: str | None
    ts: str | None
    if request.card is not None:
        channel, ts = request.card.channel_id, request.card.message_id
    else:
        channel = (body.get("channel") or {}).get("id")
        ts = (body.get("container") or {}).get("message_ts")
    if not channel or not ts:
        return
    card = card_for(request, now=deps.clock.now(), emulated=deps.emulated or request.emulated)
    await client.chat_update(channel=channel, ts=ts, text=card["text"], blocks=card["blocks"])


async def decide(
    deps: Deps,
    client: AsyncWebClient,
    body: dict[str, Any],
    click: Click,
    verdict: Verdict,
    *,
    reason: str | None,
) -> str:
    """Record a decision by the clicker; returns what to tell them. ``UserError`` if refused."""
    if click.request_id is None:
        return say("click.unknown_request")
    user = click.person
    result = await deps.service.decide(
        click.request_id,
        user,
        verdict,
        approver_ids=await deps.approvers.approver_ids(),
        reason=reason,
    )
    if result.outcome is None:
        log.info("click on settled request %s by user %s", click.request_id, user.user_id)
        await refresh_card(deps, client, body, result.request)
    else:
        deps.metrics.decisions.labels(verdict=verdict.value).inc()
        log.info("request %s: %s by user %s", click.request_id, verdict.value, user.user_id)
    return result.message if result.message is not None else settled_message(result.request)


async def approve(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: dict[str, Any]
) -> None:
    await ack()
    deps, click = deps_of(context), click_of(context)
    try:
        text = await decide(deps, client, body, click, Verdict.APPROVE, reason=None)
    except UserError as exc:
        deps.metrics.count_request(Verdict.APPROVE.value, Outcome.REFUSED)
        log.info("refused approve click by user %s: %s", click.person.user_id, exc)
        text = str(exc)
    await tell_clicker(deps, client, body, text)


async def deny(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: dict[str, Any]
) -> None:
    deps, click = deps_of(context), click_of(context)
    try:
        if click.request_id is None:
            raise UserError(say("click.unknown_request"))
        request = await deps.service.status(click.request_id)
    except UserError:
        await ack()
        await tell_clicker(deps, client, body, say("click.unknown_request"))
        return
    if request.state.value != "pending":
        await ack()
        await refresh_card(deps, client, body, request)
        return
    # The form must open while the trigger id is fresh; the policy is checked on submit.
    await client.views_open(trigger_id=body["trigger_id"], view=deny_reason_form(request.id))
    await ack()


async def deny_submit(
    ack: Any,
    body: dict[str, Any],
    view: dict[str, Any],
    client: AsyncWebClient,
    context: dict[str, Any],
) -> None:
    deps = deps_of(context)
    metadata = DenyFormMetadata.decode(view["private_metadata"])
    values = view["state"]["values"]
    reason = values[BlockId.DENY_REASON][ActionId.DENY_REASON_INPUT].get("value")
    click = Click(
        person=await deps.approvers.person(str(body["user"]["id"])),
        request_id=metadata.request_id,
    )
    try:
        text = await decide(deps, client, body, click, Verdict.DENY, reason=reason)
    except UserError as exc:
        deps.metrics.count_request("deny", Outcome.REFUSED)
        await ack(response_action="errors", errors={BlockId.DENY_REASON: str(exc)})
        return
    await ack()
    log.info("deny form for %s: %s", metadata.request_id, text)


async def open_form(ack: Any, body: dict[str, Any], context: dict[str, Any]) -> None:
    user_id = str(body["user"]["id"])
    reply_to = ReplyTo(surface=Surface.HOME, channel_id=user_id)
    await views.open_request_form(deps_of(context), body["trigger_id"], reply_to, None, user_id)
    await ack()


def register(app: AsyncApp, deps: Deps) -> None:
    clicked = [read_click]
    app.action(ActionId.APPROVE, middleware=clicked)(approve)
    app.action(ActionId.DENY, middleware=clicked)(deny)
    for action_id in VERBS:
        app.action(action_id, middleware=clicked)(follow_up)
    app.action(ActionId.OPEN_REQUEST_FORM)(open_form)
    app.view(CallbackId.DENY_REASON_FORM)(deny_submit)


class FollowUp(Protocol):
    async def __call__(
        self, request_id: str, user: Person, *, approver_ids: frozenset[str]
    ) -> Request: ...


VERBS = {ActionId.RETRY: "retry", ActionId.CANCEL: "cancel", ActionId.END_GRANT: "end access"}


async def follow_up(
    ack: Any,
    body: dict[str, Any],
    action: dict[str, Any],
    client: AsyncWebClient,
    context: dict[str, Any],
) -> None:
    """Retry or Cancel a failed request, or End access of a grant; the service checks who may."""
    await ack()
    deps, click = deps_of(context), click_of(context)
    what = VERBS[action["action_id"]]
    act: FollowUp = {
        "retry": deps.service.retry,
        "cancel": deps.service.cancel,
        "end access": deps.service.revoke,
    }[what]
    if click.request_id is None:
        await tell_clicker(deps, client, body, say("click.unknown_request"))
        return
    try:
        approver_ids = await deps.approvers.approver_ids()
        request = await act(click.request_id, click.person, approver_ids=approver_ids)
    except UserError as exc:
        await tell_clicker(deps, client, body, str(exc))
        return
    log.info("request %s: %s by user %s", request.id, what, click.person.user_id)
