"""Extending a grant: an extension is a request of its own, decided like any other.

``extension_of`` makes the request (``extends`` names the grant; its command is the grant's
with the added time as duration, so the policy sees the same gateway, target and ports, with
verb ``extend``). Only the grant's requester or an approver may ask, for a grant that still
holds its rules, has an end, and has been extended fewer than ``SGBOT_MAX_EXTENSIONS`` times.
The worker resolves it to the grant's gateway and groups (``resolve_extension``) and, once it
is approved, moves the grant's end (``apply_extension``): to old end + N, but never more than
``SGBOT_MAX_DURATION`` after the extension was approved. A grant that ended meanwhile leaves
its extension settled as too late: a pending one is cancelled when the grant ends
(``settle_late_extensions``), an approved one fails; both say how to ask anew.

The rule descriptions in the cloud keep the grant's first end: after a loss of Redis,
``sgbot reconcile --recover`` rebuilds the grant with that earlier end, the safe side.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from approvals.effects import Effects
from approvals.job_context import JobContext, take, told
from approvals.lifecycle import grant_timers
from approvals.machine import HOLDING, transition
from approvals.model import Actor, ReplyTo, Request, RequestKind, RequestState
from approvals.outbox import NotificationKind, ThreadEvent
from approvals.resolution import Resolved
from approvals.results import StaleRequest
from bot.catalogue import say
from bot.grammar import render_command
from vocabulary.commands import Authorize
from vocabulary.durations import format_duration
from vocabulary.errors import PolicyRefused

_N = NotificationKind
BUTTON_EXTENSION = timedelta(hours=1)  # what "Extend 1h" under the end warning asks for
PENDING_SCAN = 1000  # pending requests looked through for a late extension


def example_of(request_id: str) -> str:
    """The command, as typed in any language: keywords stay the grammar's."""
    return f"`extend {request_id} by 2h`"


def ask_anew(grant: Request) -> str | None:
    """The grant's own request, to type again as a new one; None when it cannot be retyped."""
    if not isinstance(grant.command, Authorize):
        return None
    again = grant.command.model_copy(update={"reason": None})
    return f"`{render_command(again)}`"


# (extended once?, a request to retype?) -> the refusal of one more extension.
_MOST = {
    (True, False): "extend.refuse.most_once",
    (True, True): "extend.refuse.most_once_again",
    (False, False): "extend.refuse.most",
    (False, True): "extend.refuse.most_again",
}


def check_extendable(grant: Request, *, max_extensions: int, now: datetime) -> None:
    """Raise ``PolicyRefused`` saying why ``grant`` cannot be extended, and what to do."""
    if grant.extends is not None:
        raise PolicyRefused(
            say("extend.refuse.is_extension", grant_id=grant.id, extends=grant.extends)
        )
    if grant.kind is not RequestKind.AUTHORIZE:
        raise PolicyRefused(say("extend.refuse.no_access", grant_id=grant.id))
    ended = grant.state not in HOLDING or (
        grant.grant_expires_at is not None and grant.grant_expires_at <= now
    )
    again = ask_anew(grant)
    if ended:
        key = "extend.refuse.ended_again" if again else "extend.refuse.ended"
        state = say(f"state_name.{grant.state.value}")
        raise PolicyRefused(say(key, grant_id=grant.id, state=state, command=again))
    if grant.grant_expires_at is None:
        raise PolicyRefused(say("extend.refuse.permanent", grant_id=grant.id))
    if grant.extensions >= max_extensions:
        key = _MOST[grant.extensions == 1, again is not None]
        raise PolicyRefused(say(key, grant_id=grant.id, times=grant.extensions, command=again))


def extension_of(
    grant: Request,
    by: timedelta,
    *,
    request_id: str,
    requester: Actor,
    reply_to: ReplyTo,
    intake_key: str,
    now: datetime,
) -> Request:
    if not isinstance(grant.command, Authorize):
        raise PolicyRefused(say("extend.refuse.no_access", grant_id=grant.id))
    command = grant.command.model_copy(update={"duration": by, "reason": None})
    return Request(
        id=request_id,
        kind=RequestKind.AUTHORIZE,
        command=command,
        requester=requester,
        reply_to=reply_to,
        intake_key=intake_key,
        created_at=now,
        updated_at=now,
        ports=grant.ports,
        duration=by,
        reason=f"extend {grant.id} by {format_duration(by)}",
        extends=grant.id,
    )


def extension_fingerprint(grant_id: str) -> str:
    """One pending extension per grant: a second finds the first through this key."""
    return hashlib.blake2b(f"extend|{grant_id}".encode(), digest_size=16).hexdigest()


def extended_end(
    old_end: datetime, by: timedelta, approved_at: datetime, longest: timedelta
) -> datetime:
    """Old end + ``by``, but at most ``longest`` after the approval (and never earlier)."""
    return max(old_end, min(old_end + by, approved_at + longest))


async def resolve_extension(ctx: JobContext, request: Request) -> Resolved:
    """The grant's gateway, groups and ports; ``problem`` set when it can no longer be extended."""
    grant = await ctx.store.require(request.extends or "")
    gateway = await ctx.cloud_for(grant).get_gateway(grant.gateway_id or "")
    problem = None
    try:
        check_extendable(grant, max_extensions=ctx.max_extensions, now=ctx.clock.now())
    except PolicyRefused as exc:
        problem = str(exc)
    path = (
        say("extend.path", grant_id=grant.id, path=grant.resolution_path)
        if grant.resolution_path
        else say("extend.path.groups", grant_id=grant.id)
    )
    return Resolved(gateway, grant.groups, path, (), grant.ports, problem, region=grant.region)


async def apply_extension(ctx: JobContext, request_id: str) -> None:
    """Move the extended grant's end, then settle the extension as applied, or too late."""
    request = await ctx.store.require(request_id)
    approved_at = request.updated_at  # stamped by the move to approved
    working = await take(ctx, request, {RequestState.APPROVED}, RequestState.APPLYING)
    if working is None or working.extends is None or working.duration is None:
        return
    now = ctx.clock.now()
    by = working.duration
    refusal: list[str] = []
    moved: list[datetime] = []

    def lengthen(grant: Request) -> tuple[Request, Effects] | None:
        refusal.clear()
        try:
            check_extendable(grant, max_extensions=ctx.max_extensions, now=now)
        except PolicyRefused as exc:
            refusal.append(str(exc))
            return None
        assert grant.grant_expires_at is not None  # checked: a grant with an end
        ends = extended_end(grant.grant_expires_at, by, approved_at, ctx.max_duration)
        moved[:] = [ends]
        longer = grant.evolve(
            grant_expires_at=ends, extensions=grant.extensions + 1, updated_at=now
        )
        said = told(grant, _N.UPDATE_CARD)
        return longer, said.plus(grant_timers(grant.id, ends, now, ctx.policy))

    await ctx.store.update(working.extends, lengthen)
    await _settle(ctx, request_id, moved[0] if moved else None, refusal[0] if refusal else "")


async def _settle(ctx: JobContext, request_id: str, ends: datetime | None, refusal: str) -> None:
    now = ctx.clock.now()

    def settle(current: Request) -> tuple[Request, Effects] | None:
        if current.state is not RequestState.APPLYING:
            return None
        kinds = (_N.UPDATE_CARD, _N.THREAD_REPLY, _N.TELL_REQUESTER)
        if ends is None:
            why = say("extend.too_late", refusal=refusal)
            failed = transition(current, RequestState.FAILED, at=now, reason=why)
            return failed, told(current, *kinds, step=ThreadEvent.FAILED)
        why = say("extend.now_ends", grant_id=current.extends, ends=f"{ends:%Y-%m-%d %H:%M}")
        done = transition(current, RequestState.APPLIED, at=now, reason=why)
        return done, told(current, *kinds, step=ThreadEvent.APPLIED)

    await ctx.store.update(request_id, settle)


async def settle_late_extensions(ctx: JobContext, grant_id: str) -> None:
    """The grant ended: a pending extension of it is settled as too late."""
    now = ctx.clock.now()
    for pending in await ctx.store.list_pending(PENDING_SCAN):
        if pending.extends != grant_id:
            continue
        grant = await ctx.store.require(grant_id)
        again = ask_anew(grant)
        key = "extend.late_again" if again else "extend.late"
        why = say(key, grant_id=grant_id, command=again)

        def cancel(current: Request, why: str = why) -> tuple[Request, Effects] | None:
            if current.state is not RequestState.PENDING:
                return None
            late = transition(current, RequestState.CANCELLED, at=now, reason=why)
            return late, told(current, _N.UPDATE_CARD, _N.TELL_REQUESTER)

        try:
            await ctx.store.update(pending.id, cancel)
        except StaleRequest:
            continue  # decided meanwhile; its apply finds the grant ended
