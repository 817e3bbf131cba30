"""The outbox deliverer: every message the workflow owes, delivered to Slack at least once.

It reads the ``{p}:outbox`` stream through the ``slack`` consumer group (taking over entries a
crashed replica left behind), renders each ``Notification`` from the stored request with the
Block Kit builders and calls the Web API. Entries are handled in stream order, so a card is
posted before the replies in its thread. A transient failure (429 with ``Retry-After``, 5xx,
a refused connection) is retried with backoff for ``Backoff.give_up_after`` (15 minutes by
default) without acking; a permanent one, or a transient one past that limit, is counted as
undeliverable and logged with its request id before the entry is acked, so nothing is dropped
silently. A delivered ``dedupe_key`` is remembered in Redis, so an entry redelivered after a
crash between the Slack call and the ack is not posted twice; and a short per-notification
lock (``SET NX PX``) lets only one replica send at a time, so when a long Slack outage lets a
second replica claim an entry the first still retries, Slack still gets it once. A thread reply
narrates the step named in the notification, not the request's state at delivery.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import aiohttp
from redis.exceptions import RedisError
from slack_sdk.errors import SlackApiError

from approvals.effects import NO_EFFECTS, Effects
from approvals.keys import DELIVERED_TTL, DELIVERY_LOCK_TTL
from approvals.model import CardRef, Request, RequestState
from approvals.outbox import Notification, NotificationKind
from approvals.scripts import LEASE_RELEASE
from approvals.streams import Entry
from bot.logs import bind, log_context, request_fields
from handlers.blocks import (
    ThreadEvent,
    card_for,
    end_overdue_alert,
    requester_message,
    thread_reply,
)
from handlers.deps import Deps
from handlers.drift_messages import deliver_drift
from handlers.replies import (
    NotDeliverable,
    ResponseUrlFailed,
    direct_message,
    reply_privately,
)

log = logging.getLogger(__name__)

STALE_ENTRY_AFTER = timedelta(minutes=2)  # an entry unacked this long belongs to a dead replica
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
    if isinstance(error, DeliveryBusy):
        return 0.0
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
    if isinstance(error, aiohttp.ClientError | OSError | TimeoutError | RedisError):
        # Redis answers again after a failover, restart or dropped connection.
        return 0.0
    return None


class DeliveryBusy(Exception):
    """Another replica holds this notification's delivery lock; wait, then look again."""


_S = RequestState
# Answered where the requester asked; every later outcome goes to their DM.
_FIRST_ANSWER_STATES = frozenset({_S.RECEIVED, _S.RESOLVING, _S.PENDING, _S.REJECTED})
_NEVER_CARDED_STATES = frozenset({_S.RECEIVED, _S.RESOLVING, _S.REJECTED})


def thread_event(note: Notification) -> ThreadEvent:
    """The step a thread reply narrates, as the workflow named it when it happened."""
    if note.kind is NotificationKind.REMIND_APPROVERS:
        return ThreadEvent.REMINDER
    try:
        return ThreadEvent(note.text or "")
    except ValueError:
        raise NotDeliverable(f"a thread reply that names no step: {note.text!r}") from None


async def deliver_notification(deps: Deps, note: Notification) -> None:
    """Render ``note`` from the stored request and send it to Slack once."""
    request = await deps.store.get(note.request_id)
    if request is None:
        raise NotDeliverable("the request no longer exists")
    bind(**request_fields(request))
    emulated = deps.emulated or request.emulated
    if note.kind in {NotificationKind.POST_CARD, NotificationKind.UPDATE_CARD}:
        await _card(deps, request, emulated, update=note.kind is NotificationKind.UPDATE_CARD)
    elif note.kind in {NotificationKind.THREAD_REPLY, NotificationKind.REMIND_APPROVERS}:
        event = thread_event(note)
        card = await _card(deps, request, emulated, update=False)
        if card is not None:
            reply = thread_reply(request, event, emulated=emulated)
            await deps.slack.chat_postMessage(
                channel=card.channel_id,
                thread_ts=card.message_ts,
                text=reply["text"],
                blocks=reply["blocks"],
            )
    elif note.kind is NotificationKind.ALERT_END_OVERDUE:
        alert = end_overdue_alert(request, emulated=emulated)
        await deps.slack.chat_postMessage(
            channel=deps.settings.security_channel or "", text=alert["text"], blocks=alert["blocks"]
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


class Deliverer:
    """One replica's consumer of the outbox."""

    def __init__(
        self,
        deps: Deps,
        consumer: str,
        backoff: Backoff | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        stale_after: timedelta = STALE_ENTRY_AFTER,
    ) -> None:
        self._deps = deps
        self._consumer = consumer
        self._backoff = backoff or Backoff()
        self._monotonic = monotonic
        self._stale_after_ms = int(stale_after.total_seconds() * 1000)
        # Deletes the lock only while still ours (a holder whose lock expired never frees the
        # one another replica took since): the same script as a rule lease's release.
        self._release_lock = deps.redis.register_script(LEASE_RELEASE)

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop`` is set; an entry being retried then stays for a restart."""
        outbox = self._deps.outbox
        while not stop.is_set():
            try:
                entries = await outbox.claim_stale(self._consumer, self._stale_after_ms)
                entries = entries or await outbox.read(self._consumer, block_ms=READ_BLOCK_MS)
            except RedisError as exc:
                log.warning("outbox unreadable (%s); trying again", type(exc).__name__)
                await _wait(stop, REDIS_PAUSE_SECONDS)
                continue
            for entry in entries:
                if stop.is_set() or not await self.deliver(entry, stop):
                    return

    async def deliver(self, entry: Entry[Notification], stop: asyncio.Event) -> bool:
        """Deliver and ack ``entry``; False if ``stop`` came first (it stays unacked)."""
        with log_context(request_id=entry.item.request_id):
            return await self._deliver_entry(entry, stop)

    async def _deliver_entry(self, entry: Entry[Notification], stop: asyncio.Event) -> bool:
        note = entry.item
        started = self._monotonic()
        delay = self._backoff.first
        while True:
            try:
                sent = await self._deliver_once(note)
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
                if sent:
                    self._deps.metrics.delivered.labels(kind=note.kind.value).inc()
            await self._ack(entry)
            return True

    async def _deliver_once(self, note: Notification) -> bool:
        """Send ``note`` unless it was sent already; False if it was. Only the holder of its
        delivery lock sends, so two replicas holding the same entry never both post it."""
        redis, keys = self._deps.redis, self._deps.keys
        done_key = keys.delivered(note.dedupe_key)
        if await redis.exists(done_key):
            log.info("%s for %s was already delivered", note.kind, note.request_id)
            return False
        lock_key, token = keys.delivering(note.dedupe_key), secrets.token_hex(8)
        if not await redis.set(lock_key, token, nx=True, px=DELIVERY_LOCK_TTL):
            raise DeliveryBusy(f"{note.dedupe_key} is being delivered by another replica")
        try:
            if await redis.exists(done_key):  # delivered between the check and the lock
                return False
            drift = note.kind is NotificationKind.DRIFT_ITEM
            await (deliver_drift if drift else deliver_notification)(self._deps, note)
            await redis.set(done_key, "1", ex=DELIVERED_TTL)
        finally:
            await self._release_lock(keys=[lock_key], args=[token])
        return True

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
