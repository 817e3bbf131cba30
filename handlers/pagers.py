"""The Previous/Next buttons of the pending list and of a gateway's rule list.

A pager button's value names the page (a number for pending requests, a ``PageRef`` for
rules); the handler acks at once, draws that page as ``list pending`` or ``list rules`` would,
and puts it in place of the clicked message through the click's response URL (by DM when the
URL has expired). Rule pages reuse the gateway's cached listing, so paging does not re-list
the cloud. Each page is read under the same membership check as the command that drew it.
"""

from __future__ import annotations

import logging
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from slack_bolt.async_app import AsyncApp

from bot.catalogue import say
from handlers import queries
from handlers.block_parts import Message, message, section
from handlers.blocks import PageRef
from handlers.deps import Deps
from handlers.ids import ActionId
from handlers.middleware import deps_of
from handlers.replies import direct_message, respond
from vocabulary.commands import GatewayRef
from vocabulary.errors import CloudError, PolicyRefused

log = logging.getLogger(__name__)


class PendingPage(BaseModel):
    """The value of a pending pager button: the page to show."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    page: int = Field(ge=1)

    @classmethod
    def decode(cls, value: object) -> PendingPage:
        return cls.model_validate({"page": value})


async def show_page(deps: Deps, body: dict[str, Any], page: Message) -> None:
    """Replace the clicked list with ``page``; a DM when the response URL is gone."""
    response_url = body.get("response_url")
    if response_url and await respond(str(response_url), page, replace_original=True):
        return
    await direct_message(deps.slack, str(body["user"]["id"]), page)


def _note(deps: Deps, text: str) -> Message:
    return message(text, [section(text)], emulated=deps.emulated)


async def on_pending_page(
    ack: Any, body: dict[str, Any], action: dict[str, Any], context: dict[str, Any]
) -> None:
    deps = deps_of(context)
    await ack()
    try:
        wanted = PendingPage.decode(action.get("value"))
    except ValidationError:
        await show_page(deps, body, _note(deps, say("click.unknown_page")))
        return
    user_id = str(body["user"]["id"])
    refused = await queries.read_refusal(deps, user_id, "read: ListPending page")
    await show_page(deps, body, refused or await queries.pending_page(deps, wanted.page))


async def on_rules_page(
    ack: Any, body: dict[str, Any], action: dict[str, Any], context: dict[str, Any]
) -> None:
    deps = deps_of(context)
    await ack()
    try:
        wanted = PageRef.decode(str(action.get("value")))
    except ValidationError:
        await show_page(deps, body, _note(deps, say("click.unknown_page")))
        return
    user = await deps.approvers.person(str(body["user"]["id"]))
    gateway = GatewayRef(value=wanted.gateway_id)
    try:
        page = await queries.rules_page(deps, user, gateway, wanted.page)
    except PolicyRefused as exc:
        page = _note(deps, str(exc))
    except CloudError as exc:
        log.warning("rules page of %s failed: %s", wanted.gateway_id, exc)
        page = _note(deps, say("query.gateway_unreadable", error=exc))
    await show_page(deps, body, page)


def register(app: AsyncApp, deps: Deps) -> None:
    app.action(ActionId.PENDING_PAGE_PREVIOUS)(on_pending_page)
    app.action(ActionId.PENDING_PAGE_NEXT)(on_pending_page)
    app.action(ActionId.RULES_PAGE_PREVIOUS)(on_rules_page)
    app.action(ActionId.RULES_PAGE_NEXT)(on_rules_page)
