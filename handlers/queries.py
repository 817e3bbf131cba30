"""Answers to the commands that change no cloud rule: help, status, list, history, cancel.

``answer`` reads only Redis, so it runs in the ack path. ``answer_later`` is for what needs
the cloud (``list rules``, and ``history`` of a gateway named rather than given by id): it is
run after the ack and posts its answer privately where the person asked; its cloud reads go
through ``deps.lookups`` (rate-limited per person, cached, on their own threads). Reads follow
the same membership policy as asks: anyone but a full member of our organisation (a guest, a
bot, someone from another organisation through Slack Connect) gets a refusal saying why,
and only ``help``. ``pending_page`` and ``rules_page`` draw one page of either list, for the
command and for the pager buttons alike: pending requests are paged by the store, and a
gateway's rules come from the short-lived listing with the creators of the rules sgbot made.
"""

from __future__ import annotations

from approvals.model import ReplyTo, Request, RuleOutcome
from approvals.policy import SlackUser
from bot.catalogue import say
from bot.grammar.usage import help_text
from handlers import describe_plan
from handlers.block_parts import Message, message, section
from handlers.blocks import help_message, history_list, pending_list, rules_list, status_message
from handlers.blocks_lists import page_bounds
from handlers.blocks_regions import regions_overview
from handlers.deps import Deps
from handlers.replies import reply_privately
from vocabulary.commands import Cancel, GatewayRef, Help, History, ListPending, ListRules, Status
from vocabulary.errors import CloudError, PolicyRefused

Query = Help | Status | ListPending | History | Cancel | ListRules
PENDING_PAGE_SIZE = 10


def needs_cloud(command: ListRules | History) -> bool:
    if isinstance(command, ListRules):
        return True
    return command.gateway is not None and not command.gateway.is_unique_id


def _text(deps: Deps, text: str) -> Message:
    return message(text, [section(text)], emulated=deps.emulated)


async def read_refusal(deps: Deps, user_id: str, doing: str) -> Message | None:
    """The refusal to show ``user_id`` instead of what they asked to read, or None."""
    user = await deps.approvers.slack_user(user_id)
    try:
        await deps.service.check_reader(user, doing)
    except PolicyRefused as exc:
        return _text(deps, str(exc))
    return None


def _doing(command: Query) -> str:
    return f"read: {type(command).__name__}"


async def answer(deps: Deps, command: Query, user_id: str) -> Message:
    """The reply to a query that Redis alone answers."""
    now = deps.clock.now()
    if not isinstance(command, Help | Cancel):  # cancel checks who acts on its own
        refused = await read_refusal(deps, user_id, _doing(command))
        if refused is not None:
            return refused
    match command:
        case Help():
            return help_message(help_text(), emulated=deps.emulated)
        case Status(request_id=request_id):
            request = await deps.store.get(request_id)
            if request is None:
                return _text(deps, say("query.no_request", request_id=request_id))
            return status_message(request, now=now, emulated=deps.emulated)
        case ListPending():
            return await pending_page(deps, 1)
        case History(gateway=gateway):
            gateway_id = gateway.value if gateway is not None else None
            return history_list(await deps.store.history(gateway_id), emulated=deps.emulated)
        case Cancel(request_id=request_id):
            user = await deps.approvers.slack_user(user_id)
            approver_ids = await deps.approvers.approver_ids()
            cancelled = await deps.service.cancel(request_id, user, approver_ids=approver_ids)
            return _text(deps, cancelled_text(cancelled))
        case ListRules():
            raise ValueError("list rules needs the cloud; use answer_later")


def cancelled_text(request: Request) -> str:
    """The answer to a cancel: never "nothing changed" when something in the cloud did."""
    changed = [
        r for r in request.results if r.outcome in {RuleOutcome.CREATED, RuleOutcome.DELETED}
    ]
    if not changed:
        return say("query.cancelled_nothing", request_id=request.id)
    done = "\n".join(describe_plan.result_lines(request.with_results(changed)))
    return say("query.cancelled_stays", request_id=request.id, results=done)


async def pending_page(deps: Deps, page: int) -> Message:
    """Page ``page`` of the pending requests (the last one when past the end)."""
    total = await deps.service.count_pending()
    page, _, first = page_bounds(total, page, PENDING_PAGE_SIZE)
    requests = await deps.service.list_pending(PENDING_PAGE_SIZE, first)
    return pending_list(
        requests,
        page=page,
        page_size=PENDING_PAGE_SIZE,
        total=total,
        now=deps.clock.now(),
        emulated=deps.emulated,
    )


async def rules_page(
    deps: Deps, user: SlackUser, gateway: GatewayRef, page: int, region: str | None = None
) -> Message:
    """Page ``page`` of the gateway's rules, saying which ones sgbot made, and its region."""
    listing = await deps.lookups.rules_listing(user, gateway, region)
    return rules_list(
        listing.gateway,
        listing.rules,
        listing.creators,
        page=page,
        emulated=deps.emulated,
        region=listing.region,
    )


async def answer_later(
    deps: Deps, command: ListRules | History, user_id: str, reply_to: ReplyTo
) -> None:
    """Look the gateway up in the cloud, then answer privately where the person asked."""
    user = await deps.approvers.slack_user(user_id)
    try:
        if command.gateway is None:  # only ``list rules`` gets here without one
            overview = await deps.lookups.every_gateway(user)
            region = getattr(command, "region", None)  # ``list rules in cn-shanghai``
            shown = [(r, found) for r, found in overview if region in (None, r)]
            reply = regions_overview(shown, emulated=deps.emulated)
        elif isinstance(command, History):
            _, gateway = await deps.lookups.locate(user, command.gateway)
            requests = await deps.store.history(gateway.unique_id)
            reply = history_list(requests, emulated=deps.emulated)
        else:
            reply = await rules_page(deps, user, command.gateway, 1, command.region)
    except PolicyRefused as exc:
        reply = _text(deps, str(exc))
    except CloudError as exc:
        reply = _text(deps, say("query.gateway_unreadable", error=exc))
    await reply_privately(deps.slack, reply_to, user_id, reply)
