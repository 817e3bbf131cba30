"""Card buttons (approve, deny, retry, cancel, end access), the deny reason form, Home buttons.

A button's ``value`` is only a request id, decoded once into ``ButtonValue``; everything else
is loaded from Redis. Every click re-checks the policy with fresh facts (``users.info``, the
approver set): a refused click gets a private explanation and changes nothing. A click on a
card that is no longer pending refreshes the card to the request's current state. Card updates,
thread replies and the requester's DM after a decision come from the outbox, not from here.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from slack_bolt.async_app import AsyncApp

from approvals.model import ReplyTo, Request, Surface, Verdict
from approvals.policy import SlackUser
from bot.catalogue import say
from bot.metrics import Outcome
from handlers import home, views
from handlers.block_parts import message, section
from handlers.blocks import DenyFormMetadata, card_for, deny_reason_form
from handlers.deps import Deps
from handlers.ids import ActionId, BlockId, CallbackId
from handlers.replies import direct_message, ephemeral, respond
from vocabulary.commands import REQUEST_ID_RE
from vocabulary.errors import UserError

log = logging.getLogger(__name__)


class ButtonValue(BaseModel):
    """A card button's value: the id of the request it acts on, nothing else."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    request_id: str = Field(pattern=f"^{REQUEST_ID_RE.pattern}$")

    @classmethod
    def decode(cls, value: object) -> ButtonValue:
        return cls(request_id=str(value))


async def tell_clicker(deps: Deps, body: dict[str, Any], text: str) -> None:
    """A private note to whoever clicked: in the message's channel, or by DM for a click in
    App Home (which has no channel and no response URL); a Home click also redraws Home."""
    note = message(text, [section(text)], emulated=deps.emulated)
    user_id = str(body["user"]["id"])
    response_url = body.get("response_url")
    if response_url and await respond(str(response_url), note):
        return
    channel = (body.get("channel") or {}).get("id")
    if channel:
        await ephemeral(deps.slack, str(channel), user_id, note)
        return
    await direct_message(deps.slack, user_id, note)
    if (body.get("view") or {}).get("type") == "home":
        await home.publish_home(deps, user_id)


async def refresh_card(deps: Deps, body: dict[str, Any], request: Request) -> None:
    """Redraw the request's card from the stored request.

    The stored card location wins over the clicked message's: a button value edited to name
    another request must not make us draw that request over the card that was clicked.
    """
    channel: str | None
    ts: str | None
    if request.card is not None:
        channel, ts = request.card.channel_id, request.card.message_ts
    else:
        channel = (body.get("channel") or {}).get("id")
        ts = (body.get("container") or {}).get("message_ts")
    if not channel or not ts:
        return
    card = card_for(request, now=deps.clock.now(), emulated=deps.emulated or request.emulated)
    await deps.slack.chat_update(channel=channel, ts=ts, text=card["text"], blocks=card["blocks"])


async def decide(
    deps: Deps, body: dict[str, Any], request_id: str, verdict: Verdict, reason: str | None
) -> str:
    """Record a decision by the clicker; returns what to tell them. ``UserError`` if refused."""
    user_id = str(body["user"]["id"])
    user = await deps.approvers.slack_user(user_id)
    result = await deps.service.decide(
        request_id, user, verdict, approver_ids=await deps.approvers.approver_ids(), reason=reason
    )
    if result.outcome is None:
        log.info("click on settled request %s by user %s", request_id, user_id)
        await refresh_card(deps, body, result.request)
    else:
        deps.metrics.decisions.labels(verdict=verdict.value).inc()
        log.info("request %s: %s by user %s", request_id, verdict.value, user_id)
    return result.message


def register(app: AsyncApp, deps: Deps) -> None:
    async def on_approve(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        await _guarded(deps, body, action, Verdict.APPROVE)

    async def on_deny(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        try:
            value = ButtonValue.decode(action.get("value"))
            request = await deps.store.require(value.request_id)
        except (ValidationError, UserError):
            await ack()
            await tell_clicker(deps, body, say("click.unknown_request"))
            return
        if request.state.value != "pending":
            await ack()
            await refresh_card(deps, body, request)
            return
        # The form must open while the trigger id is fresh; the policy is checked on submit.
        await deps.slack.views_open(
            trigger_id=body["trigger_id"], view=deny_reason_form(value.request_id)
        )
        await ack()

    async def on_deny_submit(ack: Any, body: dict[str, Any], view: dict[str, Any]) -> None:
        metadata = DenyFormMetadata.decode(view["private_metadata"])
        values = view["state"]["values"]
        reason = values[BlockId.DENY_REASON][ActionId.DENY_REASON_INPUT].get("value")
        try:
            text = await decide(deps, body, metadata.request_id, Verdict.DENY, reason)
        except UserError as exc:
            deps.metrics.count_request("deny", Outcome.REFUSED)
            await ack(response_action="errors", errors={BlockId.DENY_REASON: str(exc)})
            return
        await ack()
        log.info("deny form for %s: %s", metadata.request_id, text)

    async def on_retry(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        await _follow_up(deps, body, action, deps.service.retry, "retry")

    async def on_cancel(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        await _follow_up(deps, body, action, deps.service.cancel, "cancel")

    async def on_end_grant(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        await _follow_up(deps, body, action, deps.service.revoke, "end access")

    async def on_open_form(ack: Any, body: dict[str, Any]) -> None:
        user_id = str(body["user"]["id"])
        reply_to = ReplyTo(surface=Surface.HOME, channel_id=user_id)
        await views.open_request_form(deps, body["trigger_id"], reply_to, None, user_id)
        await ack()

    app.action(ActionId.APPROVE)(on_approve)
    app.action(ActionId.DENY)(on_deny)
    app.action(ActionId.RETRY)(on_retry)
    app.action(ActionId.CANCEL)(on_cancel)
    app.action(ActionId.END_GRANT)(on_end_grant)
    app.action(ActionId.OPEN_REQUEST_FORM)(on_open_form)
    app.view(CallbackId.DENY_REASON_FORM)(on_deny_submit)


async def _guarded(
    deps: Deps, body: dict[str, Any], action: dict[str, Any], verdict: Verdict
) -> None:
    try:
        value = ButtonValue.decode(action.get("value"))
        text = await decide(deps, body, value.request_id, verdict, None)
    except ValidationError:
        await tell_clicker(deps, body, say("click.unknown_request"))
        return
    except UserError as exc:
        deps.metrics.count_request(verdict.value, Outcome.REFUSED)
        log.info("refused %s click by user %s: %s", verdict.value, body["user"]["id"], exc)
        await tell_clicker(deps, body, str(exc))
        return
    await tell_clicker(deps, body, text)


class FollowUp(Protocol):
    async def __call__(
        self, request_id: str, user: SlackUser, *, approver_ids: frozenset[str]
    ) -> Request: ...


async def _follow_up(
    deps: Deps, body: dict[str, Any], action: dict[str, Any], follow_up: FollowUp, what: str
) -> None:
    """Retry or give up a failed request, or end a grant; the service checks who may."""
    try:
        value = ButtonValue.decode(action.get("value"))
        user = await deps.approvers.slack_user(str(body["user"]["id"]))
        approver_ids = await deps.approvers.approver_ids()
        request = await follow_up(value.request_id, user, approver_ids=approver_ids)
    except ValidationError:
        await tell_clicker(deps, body, say("click.unknown_request"))
        return
    except UserError as exc:
        await tell_clicker(deps, body, str(exc))
        return
    log.info("request %s: %s by user %s", request.id, what, user.user_id)
