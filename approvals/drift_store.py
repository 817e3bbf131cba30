"""Drift items in Redis: posted once, settled once, and one round at a time across replicas.

``record`` stores a newly found item and queues its post to the security channel in one
script, so whichever replica or round finds an item first posts it and every later finding
only keeps it remembered (``DRIFT_ITEM_TTL``; an ignored item is kept for good). ``settle`` is
a compare-and-set on the item, so two approvers pressing different buttons at once cannot both
act. ``start_round`` claims this period's round (``{p}:drift:due``, which lives one period) and
the running lease (``{p}:drift:running``): a replica runs a round only when both are its own.
The open set holds the items waiting for a button or for the request a button asked for.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from datetime import timedelta

from approvals.connect import RedisClient
from approvals.drift import DriftItem, DriftStatus
from approvals.keys import DRIFT_ITEM_TTL, DRIFT_LEASE_TTL, Keys
from approvals.outbox import Notification, NotificationKind
from approvals.scripts import LEASE_RELEASE, LEASE_RENEW
from approvals.streams import FIELD
from bot.catalogue import say
from vocabulary.errors import PolicyRefused

RECORD_ITEM = """
-- KEYS[1] the item {p}:drift:item:<id>; KEYS[2] the open set; KEYS[3] the outbox stream
-- ARGV[1] the item (JSON); ARGV[2] its TTL (ms); ARGV[3] the id; ARGV[4] the stream field;
-- ARGV[5] the notification (JSON)
-- A new item is stored, marked open and its post queued; a known one only has its TTL renewed
-- (none for an ignored item, which keeps none). Returns 1 for a new item, 0 otherwise.
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  redis.call('SADD', KEYS[2], ARGV[3])
  redis.call('XADD', KEYS[3], '*', ARGV[4], ARGV[5])
  return 1
end
if redis.call('PTTL', KEYS[1]) > 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""

SETTLE_ITEM = """
-- KEYS[1] the item; KEYS[2] the open set
-- ARGV[1] the item as read (JSON); ARGV[2] the new item (JSON); ARGV[3] its TTL (ms, 0: none);
-- ARGV[4] the id; ARGV[5] '1' if the new item is still open
-- Writes only if nobody changed the item since it was read. Returns 1 if written, else 0.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
if ARGV[3] == '0' then
  redis.call('SET', KEYS[1], ARGV[2])
else
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
end
if ARGV[5] ~= '1' then
  redis.call('SREM', KEYS[2], ARGV[4])
end
return 1
"""

_ATTEMPTS = 5
WATCHED = frozenset({DriftStatus.OPEN, DriftStatus.REAPPLYING, DriftStatus.REVOKING})
"""Statuses kept in the open set: waiting for a button, or for the request a button asked for."""


def _ms(delta: timedelta) -> int:
    return max(1, int(delta.total_seconds() * 1000))


class DriftStore:
    def __init__(self, client: RedisClient, keys: Keys) -> None:
        self.client = client
        self.keys = keys
        self._record = client.register_script(RECORD_ITEM)
        self._settle = client.register_script(SETTLE_ITEM)
        self._renew = client.register_script(LEASE_RENEW)
        self._release = client.register_script(LEASE_RELEASE)

    async def record(self, item: DriftItem) -> bool:
        """Remember ``item``; True when it is new, and its post was queued."""
        note = Notification(
            kind=NotificationKind.DRIFT_ITEM,
            request_id=item.id,
            dedupe_key=f"{NotificationKind.DRIFT_ITEM}:{item.id}",
        )
        keys = [self.keys.drift_item(item.id), self.keys.drift_open, self.keys.outbox]
        args: list[str | int] = [item.model_dump_json(), _ms(DRIFT_ITEM_TTL), item.id, FIELD]
        return bool(await self._record(keys=keys, args=[*args, note.model_dump_json()]))

    async def get(self, item_id: str) -> DriftItem | None:
        raw = await self.client.get(self.keys.drift_item(item_id))
        return None if raw is None else DriftItem.model_validate_json(raw)

    async def require(self, item_id: str) -> DriftItem:
        item = await self.get(item_id)
        if item is None:
            raise PolicyRefused(say("drift.refuse.unknown", item_id=item_id))
        return item

    async def redraw(self, item_id: str, why: str) -> None:
        """Queue a redraw of the item's post (its status changed without a click)."""
        note = Notification(
            kind=NotificationKind.DRIFT_ITEM,
            request_id=item_id,
            dedupe_key=f"{NotificationKind.DRIFT_ITEM}:{item_id}:{why}:{secrets.token_hex(4)}",
        )
        await self.client.xadd(self.keys.outbox, {FIELD: note.model_dump_json()})

    async def forget_open(self, item_id: str) -> None:
        await self.client.srem(self.keys.drift_open, item_id)

    async def open_ids(self) -> set[str]:
        return {str(member) for member in await self.client.smembers(self.keys.drift_open)}

    async def update(
        self, item_id: str, change: Callable[[DriftItem], DriftItem | None]
    ) -> DriftItem:
        """Apply ``change`` to the stored item (None: leave it); retried on a race."""
        for _ in range(_ATTEMPTS):
            key = self.keys.drift_item(item_id)
            raw = await self.client.get(key)
            if raw is None:
                raise PolicyRefused(say("drift.refuse.unknown", item_id=item_id))
            current = DriftItem.model_validate_json(raw)
            changed = change(current)
            if changed is None:
                return current
            # An ignored item is kept for good, so no later round posts it again.
            ttl = 0 if changed.status is DriftStatus.IGNORED else _ms(DRIFT_ITEM_TTL)
            still_open = "1" if changed.status in WATCHED else "0"
            args: list[str | int] = [str(raw), changed.model_dump_json(), ttl, item_id, still_open]
            if await self._settle(keys=[key, self.keys.drift_open], args=args):
                return changed
        raise PolicyRefused(say("drift.refuse.busy", item_id=item_id))

    async def resolve_unseen(self, seen: Iterable[str], gateway_ids: Iterable[str]) -> list[str]:
        """Mark open items on ``gateway_ids`` a full round no longer found as resolved."""
        resolved = []
        looked = frozenset(gateway_ids)
        for item_id in sorted(await self.open_ids() - set(seen)):

            def gone(current: DriftItem) -> DriftItem | None:
                if current.status is not DriftStatus.OPEN or current.gateway_id not in looked:
                    return None
                return current.settled(DriftStatus.RESOLVED, None, None)

            try:
                if (await self.update(item_id, gone)).status is DriftStatus.RESOLVED:
                    resolved.append(item_id)
                    await self.redraw(item_id, "resolved")
            except PolicyRefused:
                await self.forget_open(item_id)  # expired meanwhile
        return resolved

    # -- one round at a time ----------------------------------------------------------

    async def start_round(self, every: timedelta) -> str | None:
        """A token if this replica runs this period's round, else None."""
        token = secrets.token_hex(8)
        running = self.keys.drift_running
        if not await self.client.set(running, token, nx=True, px=_ms(DRIFT_LEASE_TTL)):
            return None
        if not await self.client.set(self.keys.drift_due, token, nx=True, px=_ms(every)):
            await self._release(keys=[running], args=[token])
            return None
        return token

    async def defer_round(self, every: timedelta) -> None:
        """Take this period without running a round, unless a round already took it."""
        await self.client.set(self.keys.drift_due, "deferred", nx=True, px=_ms(every))

    async def renew_round(self, token: str) -> bool:
        """Keep the running lease; False if it was lost (the round then stops)."""
        args: list[str | int] = [token, _ms(DRIFT_LEASE_TTL)]
        return bool(await self._renew(keys=[self.keys.drift_running], args=args))

    async def end_round(self, token: str) -> None:
        await self._release(keys=[self.keys.drift_running], args=[token])
