"""The outbox deliverer: every message the workflow owes, delivered to Slack at least once.

It reads the ``{p}:outbox`` stream through the ``slack`` consumer group (taking over entries a
crashed replica left behind), renders each ``Notification`` from the stored request with the
Block Kit builders and calls the Web API. Entries are handled in stream order, so a card is
posted before the replies in its thread. A transient failure (429 with ``Retry-After``, 5xx,
a refused connection) is retried with backoff for ``Backoff.give_up_after`` (15 minutes by
default) without acking; a permanent one, or a transient one past that limit, is counted as
undeliverable and logged with its request id before the entry is acked, so nothing is dropped
silently. A delivered ``dedupe_key`` is remembered in Redis, so an entry redelivered after a
crash between the Slack call and the ack is not posted twice.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import aiohttp
from redis.exceptions import RedisError
from slack_sdk.errors import SlackApiError

from approvals.effects import NO_EFFECTS, Effects
from approvals.model import CardRef, Request, RequestState, RuleOutcome, Verdict
from approvals.outbox import Notification, NotificationKind
from approvals.streams import Entry
from bot.deps import Deps
from handlers.blocks import ThreadEvent, card_for, requester_message, thread_reply
from handlers.replies import ResponseUrlFailed, direct_message, reply_privately

log = logging.getLogger(__name__)

DELIVERED_TTL = timedelta(days=2)
STALE_ENTRY_MS = 120_000  # an entry unacked this long belongs to a replica that died
READ_BLOCK_MS = 1000
REDIS_PAUSE_SECONDS = 1.0
_TRANSIENT_SLACK_ERRORS = frozenset(
    {"ratelimited", "service_unavailable", "internal_error", "fatal_error", "request_timeout"}
)


@dataclass(frozen=True)
class Backoff:
    """Waits between attempts: ``first`` doubling up to ``cap``, for ``give_up_after`` seconds."""

    first: float = 0.5
    cap: float = 10.0
    give_up_after: float = 15 * 60.0


def transient_wait(error: Exception) -> float | None:
    """Seconds Slack asked us to wait (``Retry-After``), 0 for other transient errors, or
    None when retrying cannot help."""
    if isinstance(error, SlackApiError):
        response = error.response
        if response.status_code == 429:
            return float(
                response.headers.get("Retry-After") or response.headers.get("retry-after") or 1
            )
        if response.status_code >= 500 or response.get("error") in _TRANSIENT_SLACK_ERRORS:
            return 0.0
        return None
    if isinstance(error, ResponseUrlFailed):
        return 0.0 if error.status == 429 or error.status >= 500 else None
    if isinstance(error, aiohttp.ClientError | OSError | TimeoutError):
        return 0.0
    return None


class NotDeliverable(Exception):
    """Retrying cannot help: the request is gone, or Slack refused the message itself."""


_S = RequestState
# Answered where the requester asked; every later outcome goes to their DM.
_FIRST_ANSWER_STATES = frozenset({_S.RECEIVED, _S.RESOLVING, _S.PENDING, _S.REJECTED})
_NEVER_CARDED_STATES = frozenset({_S.RECEIVED, _S.RESOLVING, _S.REJECTED})
_THREAD_EVENT_OF_STATE = {
    _S.PENDING: ThreadEvent.APPROVAL_RECORDED,
    _S.APPROVED: ThreadEvent.APPROVED,
    _S.DENIED: ThreadEvent.DENIED,
    _S.APPLYING: ThreadEvent.APPLYING,
    _S.APPLIED: ThreadEvent.APPLIED,
    _S.FAILED: ThreadEvent.FAILED,
    _S.CANCELLED: ThreadEvent.CANCELLED,
    _S.EXPIRED: ThreadEvent.EXPIRED,
    _S.REVOKING: ThreadEvent.REVOKING,
    _S.REVOKED: ThreadEvent.REVOKED,
}


def thread_event(note: Notification, request: Request) -> ThreadEvent | None:
    """The step a thread reply narrates: named by the workflow, else read from the state."""
    if note.kind is NotificationKind.REMIND_APPROVERS:
        return ThreadEvent.REMINDER
    if note.text is not None and note.text in ThreadEvent.__members__.values():
        return ThreadEvent(note.text)
    return _THREAD_EVENT_OF_STATE.get(request.state)


async def deliver_notification(deps: Deps, note: Notification) -> None:
    """Render ``note`` from the stored request and send it to Slack once."""
    request = await deps.store.get(note.request_id)
    if request is None:
        raise NotDeliverable("the request no longer exists")
    emulated = deps.emulated or request.emulated
    if note.kind in {NotificationKind.POST_CARD, NotificationKind.UPDATE_CARD}:
        await _card(deps, request, emulated, update=note.kind is NotificationKind.UPDATE_CARD)
    elif note.kind in {NotificationKind.THREAD_REPLY, NotificationKind.REMIND_APPROVERS}:
        event = thread_event(note, request)
        card = await _card(deps, request, emulated, update=False)
        if event is not None and card is not None:
            reply = thread_reply(request, event, emulated=emulated)
            await deps.slack.chat_postMessage(
                channel=card.channel_id,
                thread_ts=card.message_ts,
                text=reply["text"],
                blocks=reply["blocks"],
            )
    elif note.kind is NotificationKind.WARN_GRANT_EXPIRY:
        reply = requester_message(request, emulated=emulated, grant_ending=True)
        await direct_message(deps.slack, request.requester.user_id, reply)
    else:
        reply = requester_message(request, emulated=emulated)
        user_id = request.requester.user_id
        if request.state in _FIRST_ANSWER_STATES:
            await reply_privately(deps.slack, request.reply_to, user_id, reply)
        else:
            await direct_message(deps.slack, user_id, reply)
        _observe_outcome(deps, request)


async def _card(deps: Deps, request: Request, emulated: bool, *, update: bool) -> CardRef | None:
    """The request's card, posted first if it never was; redrawn when ``update``."""
    if request.card is None and request.state in _NEVER_CARDED_STATES:
        return None
    card = card_for(request, now=deps.clock.now(), emulated=emulated)
    if request.card is not None:
        if update:
            await deps.slack.chat_update(
                channel=request.card.channel_id,
                ts=request.card.message_ts,
                text=card["text"],
                blocks=card["blocks"],
            )
        return request.card
    posted = await deps.slack.chat_postMessage(
        channel=deps.settings.security_channel or "", text=card["text"], blocks=card["blocks"]
    )
    ref = CardRef(channel_id=str(posted["channel"]), message_ts=str(posted["ts"]))

    def attach(current: Request) -> tuple[Request, Effects] | None:
        return None if current.card is not None else (current.with_card(ref), NO_EFFECTS)

    await deps.store.update(request.id, attach)
    log.info("card of request %s posted as %s", request.id, ref.message_ts)
    return ref


def _observe_outcome(deps: Deps, request: Request) -> None:
    """Apply latency and cloud errors, counted once per outcome told to the requester."""
    if request.state not in {_S.APPLIED, _S.FAILED}:
        return
    approvals = [d.at for d in request.decisions if d.verdict is Verdict.APPROVE]
    if approvals:
        seconds = (request.updated_at - approvals[-1]).total_seconds()
        deps.metrics.apply_seconds.observe(max(seconds, 0.0))
    for result in request.results:
        if result.outcome is RuleOutcome.FAILED:
            words = (result.error or "").split(":", 1)[0].split()
            deps.metrics.cloud_errors.labels(code=words[0][:40] if words else "unknown").inc()


class Deliverer:
    """One replica's consumer of the outbox."""

    def __init__(
        self,
        deps: Deps,
        consumer: str,
        backoff: Backoff | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._deps = deps
        self._consumer = consumer
        self._backoff = backoff or Backoff()
        self._monotonic = monotonic

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop`` is set; an entry being retried then stays for a restart."""
        outbox = self._deps.outbox
        while not stop.is_set():
            try:
                entries = await outbox.claim_stale(self._consumer, STALE_ENTRY_MS)
                entries = entries or await outbox.read(self._consumer, block_ms=READ_BLOCK_MS)
            except RedisError as exc:
                log.warning("outbox unreadable (%s); trying again", type(exc).__name__)
                await _wait(stop, REDIS_PAUSE_SECONDS)
                continue
            for entry in entries:
                if stop.is_set() or not await self._deliver_with_retries(entry, stop):
                    return

    async def _deliver_with_retries(self, entry: Entry[Notification], stop: asyncio.Event) -> bool:
        """Deliver and ack ``entry``; False if ``stop`` came first (it stays unacked)."""
        note = entry.item
        started = self._monotonic()
        delay = self._backoff.first
        while True:
            try:
                await self._deliver_once(note)
            except NotDeliverable as exc:
                self._undeliverable(note, str(exc))
            except Exception as exc:
                wait = transient_wait(exc)
                if wait is None:
                    self._undeliverable(note, f"{type(exc).__name__}: {exc}")
                elif self._monotonic() - started >= self._backoff.give_up_after:
                    self._undeliverable(note, f"still failing after retries: {exc}")
                else:
                    wait = max(wait, delay)
                    delay = min(delay * 2, self._backoff.cap)
                    log.warning(
                        "delivery of %s for %s failed (%s); retrying in %.1f s",
                        note.kind,
                        note.request_id,
                        type(exc).__name__,
                        wait,
                    )
                    if await _wait(stop, wait):
                        return False
                    continue
            else:
                self._deps.metrics.delivered.labels(kind=note.kind.value).inc()
            await self._ack(entry)
            return True

    async def _deliver_once(self, note: Notification) -> None:
        redis = self._deps.redis
        done_key = self._deps.keys.seen("delivered", note.dedupe_key)
        if await redis.exists(done_key):
            log.info("%s for %s was already delivered", note.kind, note.request_id)
            return
        await deliver_notification(self._deps, note)
        await redis.set(done_key, "1", ex=DELIVERED_TTL)

    def _undeliverable(self, note: Notification, why: str) -> None:
        self._deps.metrics.undeliverable.labels(kind=note.kind.value).inc()
        log.error(
            "undeliverable %s for request %s (%s): %s",
            note.kind,
            note.request_id,
            note.dedupe_key,
            why,
        )

    async def _ack(self, entry: Entry[Notification]) -> None:
        try:
            await self._deps.outbox.ack(entry.entry_id)
        except RedisError as exc:
            # Unacked, it is claimed again later; the dedupe key stops a second post.
            log.warning("could not ack outbox entry %s: %s", entry.entry_id, type(exc).__name__)


async def _wait(stop: asyncio.Event, seconds: float) -> bool:
    """Sleep ``seconds`` unless ``stop`` is set first; True if it was."""
    try:
        async with asyncio.timeout(seconds):
            await stop.wait()
    except TimeoutError:
        return False
    return True
