"""The sweep: due work derived from the requests themselves, so a lost timer delays, never drops.

Timers are the fast path; the record of when something is due is the request (a pending
request's ``expires_at``, a grant's ``end_due``). Every worker sweeps every
``SGBOT_SWEEP_EVERY``: it reads the ``pending`` zset (scored by deadline) and the ``grant_ends``
zset (scored by when each holding grant's end is next due, written in the same commit as the
request) up to now, loads those requests, and puts back the expiry or end timer of any that has
none. A timer that is set or leased is left alone (``ZADD NX``), so a sweep never hurries a
backoff or doubles a claim. The first sweep of a worker walks every live request instead, which
also sets timers for deadlines still to come and fills ``grant_ends`` for grants applied before
it existed. So whatever crashes, a due item waits at most one sweep interval plus a claim lease
(plus the time Redis was away) before a worker acts on it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from approvals.effects import Timer, TimerKind
from approvals.machine import HOLDING
from approvals.model import Request, RequestState
from approvals.store import RequestStore

logger = logging.getLogger(__name__)
BATCH = 500


def timers_owed(request: Request, now: datetime, *, upcoming: bool) -> list[Timer]:
    """The expiry or end timer ``request`` should have: due ones, and with ``upcoming`` any."""
    owed: list[Timer] = []
    deadline = request.expires_at
    pending = request.state is RequestState.PENDING and deadline is not None
    if pending and deadline is not None and (upcoming or deadline <= now):
        owed.append(Timer(kind=TimerKind.EXPIRE, request_id=request.id, due=deadline))
    end = request.end_due
    if request.state in HOLDING and end is not None and (upcoming or end <= now):
        owed.append(Timer(kind=TimerKind.GRANT_END, request_id=request.id, due=end))
    return owed


async def _due(store: RequestStore, index: str, now: datetime) -> list[Request]:
    found: list[Request] = []
    offset = 0
    while True:
        ids = await store.due_ids(index, now, BATCH, offset)
        found.extend(await store.get_many(ids))
        if len(ids) < BATCH:
            return found
        offset += BATCH


async def _live(store: RequestStore) -> list[Request]:
    found: list[Request] = []
    offset = 0
    while True:
        page = await store.list_live(limit=BATCH, offset=offset)
        found.extend(page)
        if len(page) < BATCH:
            return found
        offset += BATCH


async def sweep(store: RequestStore, now: datetime, *, full: bool = False) -> int:
    """Schedule what is due and has no timer; ``full`` walks every live request. How many."""
    requests: Iterable[Request]
    if full:
        requests = await _live(store)
        await store.work.index_grant_ends(
            [(r.id, end) for r in requests if r.state in HOLDING and (end := r.end_due)]
        )
    else:
        requests = [
            *await _due(store, store.keys.pending, now),
            *await _due(store, store.keys.grant_ends, now),
        ]
    owed = [timer for request in requests for timer in timers_owed(request, now, upcoming=full)]
    scheduled = await store.work.schedule_missing(owed)
    if scheduled:
        logger.warning("sweep: %d timers were missing and are scheduled again", scheduled)
    return scheduled
