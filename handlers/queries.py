"""Answers to the commands that change no cloud rule: help, status, list, history, cancel.

``answer`` reads only Redis, so it runs in the ack path. ``answer_later`` is for what needs
the cloud (``list rules``, and ``history`` of a gateway named rather than given by id): it is
run after the ack and posts its answer privately where the person asked. Which rules came
through sgbot is read from the results of the requests stored for that gateway.
"""

from __future__ import annotations

from approvals.model import ReplyTo, Request, RuleOutcome
from bot.cloud.resolve import find_gateway
from bot.cloud.rules import list_rules
from bot.commands import Cancel, Help, History, ListPending, ListRules, Status
from bot.deps import Deps
from bot.errors import CloudError
from bot.grammar import HELP_TEXT
from handlers.block_parts import Message, message, section
from handlers.blocks import help_message, history_list, pending_list, rules_list, status_message
from handlers.replies import reply_privately

Query = Help | Status | ListPending | History | Cancel | ListRules
OWNED_RULES_SCAN = 500  # requests of one gateway read to find the rules sgbot made


def needs_cloud(command: ListRules | History) -> bool:
    if isinstance(command, ListRules):
        return True
    return command.gateway is not None and not command.gateway.is_unique_id


def _text(deps: Deps, text: str) -> Message:
    return message(text, [section(text)], emulated=deps.emulated)


async def answer(deps: Deps, command: Query, user_id: str) -> Message:
    """The reply to a query that Redis alone answers."""
    now = deps.clock.now()
    match command:
        case Help():
            return help_message(HELP_TEXT, emulated=deps.emulated)
        case Status(request_id=request_id):
            request = await deps.store.get(request_id)
            if request is None:
                return _text(deps, f"There is no request `{request_id}`; check the id.")
            return status_message(request, now=now, emulated=deps.emulated)
        case ListPending():
            pending = await deps.store.list_pending()
            return pending_list(pending, now=now, emulated=deps.emulated)
        case History(gateway=gateway):
            gateway_id = gateway.value if gateway is not None else None
            return history_list(await deps.store.history(gateway_id), emulated=deps.emulated)
        case Cancel(request_id=request_id):
            user = await deps.approvers.slack_user(user_id)
            approver_ids = await deps.approvers.approver_ids()
            cancelled = await deps.service.cancel(request_id, user, approver_ids=approver_ids)
            return _text(deps, f"`{cancelled.id}` is cancelled; nothing was changed in the cloud.")
        case ListRules():
            raise ValueError("list rules needs the cloud; use answer_later")


def rule_owners(requests: list[Request]) -> dict[int, str]:
    """Rule id to the request that created it, from applied results."""
    owners: dict[int, str] = {}
    for request in requests:
        for result in request.results:
            if result.rule_id is not None and result.outcome is RuleOutcome.CREATED:
                owners.setdefault(result.rule_id, request.id)
    return owners


async def answer_later(
    deps: Deps, command: ListRules | History, user_id: str, reply_to: ReplyTo
) -> None:
    """Look the gateway up in the cloud, then answer privately where the person asked."""
    assert command.gateway is not None
    try:
        gateway = await find_gateway(deps.cloud, command.gateway)
        if isinstance(command, History):
            requests = await deps.store.history(gateway.unique_id)
            reply = history_list(requests, emulated=deps.emulated)
        else:
            rules = await list_rules(deps.cloud, gateway.unique_id)
            owned = await deps.store.list_for_gateway(gateway.unique_id, OWNED_RULES_SCAN)
            reply = rules_list(gateway, rules, rule_owners(owned), emulated=deps.emulated)
    except CloudError as exc:
        reply = _text(deps, f"I could not read the gateway: {exc}")
    await reply_privately(deps.slack, reply_to, user_id, reply)
